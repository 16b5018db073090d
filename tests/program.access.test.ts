/**
 * The whole program under the SDK's mock runtime: the kubeconfig, the Kubernetes provider and
 * cluster access, on Entra ID (the dev stack) and on local accounts.
 */
import { parse } from "yaml";
import { AKS_ENTRA_SERVER_APP_ID, bearerCredentialsIn, bearerCredentialsInDocument } from "../kubeconfig";
import { AZURE_ROLES } from "../names";
import {
    KUBECONFIG_MARKER,
    MOCK_API_SERVER,
    MOCK_CA_DATA,
    MOCK_DEPLOYER_OBJECT_ID,
    MOCK_KUBECONFIG,
    MOCK_SUBSCRIPTION_ID,
    MOCK_TENANT_ID,
    ProgramRun,
    RecordedResource,
    roleDefinitionId,
    runProgram,
} from "./helpers/program";

/** The serialized form of a secret in a registration request. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const isSecretValue = (value: unknown) => typeof value === "object" && value !== null && SECRET_SIGNATURE in value;

let dev: ProgramRun;
let localAccounts: ProgramRun;
beforeAll(async () => {
    dev = await runProgram();
    if (dev.error) throw dev.error;
    localAccounts = await runProgram({ config: { clusterAccess: "localAccounts" } });
    if (localAccounts.error) throw localAccounts.error;
});

const id = (resource: RecordedResource) => resource.urn;

describe("kubeconfig and the Kubernetes provider", () => {
    test("entra (the default): the kubeconfig output is a kubelogin exec config for the listed server and CA, secret", () => {
        const kubeconfig = parse(dev.outputs.kubeconfig);
        expect(kubeconfig.clusters).toEqual([
            {
                name: "kubenet-cluster",
                cluster: { server: MOCK_API_SERVER, "certificate-authority-data": MOCK_CA_DATA },
            },
        ]);
        expect(kubeconfig.users).toEqual([
            {
                name: "kubenet-cluster-entra",
                user: {
                    exec: expect.objectContaining({
                        command: "kubelogin",
                        args: [
                            "get-token",
                            "--environment",
                            "AzurePublicCloud",
                            "--server-id",
                            AKS_ENTRA_SERVER_APP_ID,
                            "--tenant-id",
                            MOCK_TENANT_ID,
                            "--login",
                            "azurecli",
                        ],
                        interactiveMode: "Never",
                    }),
                },
            },
        ]);
        expect(kubeconfig["current-context"]).toBe("kubenet-cluster");
        expect(dev.secretOutputs).toEqual(["kubeconfig"]);
    });

    test("entra: what AKS listed as the user's credential never reaches an output or the provider", () => {
        expect(bearerCredentialsIn(MOCK_KUBECONFIG).length).toBeGreaterThan(0); // the mock does hand one out
        expect(bearerCredentialsIn(dev.outputs.kubeconfig)).toEqual([]);
        const everything = JSON.stringify([dev.outputs, dev.resources.map((resource) => resource.inputs)]);
        for (const leaked of [KUBECONFIG_MARKER, "a2V5", "Y2VydA=="]) expect(everything).not.toContain(leaked);
    });

    test("entra: the state a run leaves (every resource's inputs and state, every output, secrets revealed) holds no client key, certificate or token", () => {
        const state = {
            resources: [...dev.states.values()],
            inputs: dev.resources.map((r) => r.inputs),
            outputs: dev.outputs,
        };
        expect(bearerCredentialsInDocument(state)).toEqual([]);
        // The same scan finds the credential a local-accounts cluster hands out, where it is.
        // ...also where `pulumi stack export --show-secrets` puts a secret: JSON text in "plaintext".
        expect(
            bearerCredentialsInDocument({
                outputs: {
                    kubeconfig: {
                        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                        plaintext: JSON.stringify(MOCK_KUBECONFIG),
                    },
                },
            }),
        ).toEqual(
            expect.arrayContaining(["$.outputs.kubeconfig.plaintext (kubeconfig) users[0].user.client-key-data"]),
        );
        const local = { outputs: localAccounts.outputs };
        expect(bearerCredentialsInDocument(local)).toEqual([
            "$.outputs.kubeconfig (kubeconfig) users[0].user.client-key-data",
            "$.outputs.kubeconfig (kubeconfig) users[0].user.client-certificate-data",
            "$.outputs.kubeconfig (kubeconfig) users[0].user.token",
        ]);
    });

    test("localAccounts: the kubeconfig output is the listed one, decoded and secret; no other output carries it in clear", () => {
        expect(localAccounts.outputs.kubeconfig).toBe(MOCK_KUBECONFIG);
        expect(localAccounts.secretOutputs).toEqual(["kubeconfig"]);
        const { kubeconfig, ...others } = localAccounts.outputs;
        expect(kubeconfig).toContain(KUBECONFIG_MARKER);
        expect(JSON.stringify(others)).not.toContain(KUBECONFIG_MARKER);
        expect(JSON.stringify(others)).not.toContain(Buffer.from(MOCK_KUBECONFIG).toString("base64"));
    });

    test("the provider gets the kubeconfig as a secret and a stable clusterIdentifier", () => {
        const provider = dev.resource("cluster-k8s");
        expect(provider.type).toBe("pulumi:providers:kubernetes");
        expect(isSecretValue(provider.inputs.kubeconfig)).toBe(true);
        expect(provider.inputs.clusterIdentifier).toBe(
            `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/NetworkLab/providers/Microsoft.containerservice/managedClusters/kubenet-cluster`,
        );
    });

    test("every Kubernetes resource names the explicit provider", () => {
        const kubernetesResources = dev.resources.filter((resource) => resource.type.startsWith("kubernetes:"));
        expect(kubernetesResources.length).toBe(4);
        const providerRef = `${id(dev.resource("cluster-k8s"))}::cluster-k8s-id`;
        for (const resource of kubernetesResources)
            expect([resource.name, resource.provider]).toEqual([resource.name, providerRef]);
    });
});

describe("cluster access (clusterAccess)", () => {
    test("entra, the default: managed Entra ID with Azure RBAC in the deployer's tenant, local accounts off", () => {
        expect(dev.resource("cluster-aks").inputs).toMatchObject({
            aadProfile: { managed: true, enableAzureRBAC: true, tenantID: MOCK_TENANT_ID },
            disableLocalAccounts: true,
            enableRBAC: true,
        });
    });

    test("entra: the deploying principal is RBAC Cluster Admin on the cluster, and the provider waits 5 minutes for it", () => {
        const admin = dev.resource("cluster-rbac-cluster-admin-deployer");
        expect(admin.inputs).toEqual({
            principalId: MOCK_DEPLOYER_OBJECT_ID,
            roleDefinitionId: roleDefinitionId(AZURE_ROLES.aksRbacClusterAdmin.id),
            scope: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/NetworkLab/providers/Microsoft.containerservice/managedClusters/kubenet-cluster`,
            description: expect.stringMatching(/clusterAdmins is empty/),
        });
        const wait = dev.resource("cluster-admin-grant-propagation");
        expect(wait.inputs).toEqual({ createDuration: "300s", triggers: { grant0: expect.any(String) } });
        expect(wait.dependencies).toContain(id(admin));
        expect(dev.resource("cluster-k8s").dependencies).toContain(id(wait));
    });

    test("entra with clusterAdmins: one grant per object id, named by it; the deployer gets none", async () => {
        const admins = ["0b6e1a52-37b4-4d7e-9c55-0a4d7f5a8e01", "7c2d9e10-5f4b-4c8a-a1b2-c3d4e5f60718"];
        const run = await runProgram({ config: { clusterAdmins: JSON.stringify(admins) } });
        expect(run.error).toBeUndefined();
        const grants = run
            .ofType("azure-native:authorization:RoleAssignment")
            .filter((grant) => grant.inputs.roleDefinitionId === roleDefinitionId(AZURE_ROLES.aksRbacClusterAdmin.id));
        expect(grants.map((grant) => [grant.name, grant.inputs.principalId])).toEqual(
            admins.map((admin) => [`cluster-rbac-cluster-admin-${admin}`, admin]),
        );
        expect(run.resource("cluster-admin-grant-propagation").inputs.triggers).toEqual({
            grant0: expect.any(String),
            grant1: expect.any(String),
        });
    });

    test("the admin credential is never fetched: only the cluster-user invoke, on both access modes", () => {
        for (const run of [dev, localAccounts])
            expect(run.invokes.map((invoke) => invoke.token).filter((token) => /Credential/i.test(token))).toEqual([
                "azure-native:containerservice:listManagedClusterUserCredentials",
            ]);
    });

    test("localAccounts: the tutorial's cluster, exactly as before Entra: no aadProfile, no admin grant, no wait", () => {
        const inputs = localAccounts.resource("cluster-aks").inputs;
        expect(inputs).not.toHaveProperty("aadProfile");
        expect(inputs).not.toHaveProperty("disableLocalAccounts");
        expect(localAccounts.resources.map((resource) => resource.name)).toEqual(
            dev.resources
                .map((resource) => resource.name)
                .filter((name) => !/rbac-cluster-admin|admin-grant-propagation/.test(name)),
        );
        const waits = localAccounts.ofType("time:index/sleep:Sleep").map((wait) => wait.urn);
        expect(localAccounts.resource("cluster-k8s").dependencies.filter((urn) => waits.includes(urn))).toEqual([]);
    });
});
