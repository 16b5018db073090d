/**
 * Runs the whole Pulumi program (index.ts) under the SDK's mock runtime and records what it
 * declares: every resource registration (type, name, inputs, parent, provider, dependencies,
 * protect), every invoke, and the stack outputs. Each run gets a fresh module registry, so
 * one test file can compare runs with different config.
 */
import * as fs from "fs";
import type * as pulumiType from "@pulumi/pulumi";
import { stackConfig } from "../../stackFiles";
import { USER_CREDENTIALS_INVOKE } from "../../cluster";

export const MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
/** A built-in role's definition id, as a role assignment in the mock subscription names it. */
export const roleDefinitionId = (roleId: string) =>
    `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
export const MOCK_API_SERVER = "https://kubenet-cluster.hcp.eastus.azmk8s.io:443";
/** The cluster CA the mocked credential carries (base64 of a stand-in, not a certificate). */
export const MOCK_CA_DATA = "Y2x1c3Rlci1jYQ==";
export const MOCK_TENANT_ID = "11111111-2222-3333-4444-555555555555";
export const MOCK_DEPLOYER_OBJECT_ID = "99999999-8888-7777-6666-555555555555";
/** A marker only the mocked kubeconfig contains: it must never show up in clear. */
export const KUBECONFIG_MARKER = "token-c2VjcmV0LW1hcmtlcg";
export const MOCK_KUBECONFIG = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: kubenet-cluster",
    `  cluster: {server: '${MOCK_API_SERVER}', certificate-authority-data: ${MOCK_CA_DATA}}`,
    "users:",
    // What a local-accounts cluster hands out: credentials that grant access by themselves.
    `- name: clusterUser\n  user: {token: ${KUBECONFIG_MARKER}, client-certificate-data: Y2VydA==, client-key-data: a2V5}`,
].join("\n");

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly custom: boolean;
    readonly inputs: Record<string, any>;
    /** URN of the parent resource. */
    readonly parent: string;
    /** Provider reference ("urn::id"), "" when the default provider would be used. */
    readonly provider: string;
    /** URNs this resource waits for (explicit dependsOn and input dependencies). */
    readonly dependencies: readonly string[];
    readonly protect: boolean;
    /** The ignoreChanges option: inputs the engine keeps at their recorded value. */
    readonly ignoreChanges: readonly string[];
    /** The deletedWith option: the URN whose deletion (or replacement) takes this resource along. */
    readonly deletedWith: string;
}

export interface RecordedInvoke {
    readonly token: string;
    readonly inputs: Record<string, any>;
}

export interface ProgramRun {
    readonly resources: readonly RecordedResource[];
    readonly invokes: readonly RecordedInvoke[];
    /** Stack outputs, resolved (secrets unwrapped). */
    readonly outputs: Record<string, any>;
    /** Names of stack outputs that are secret. */
    readonly secretOutputs: readonly string[];
    /** The error the program threw, if it failed. */
    readonly error?: Error;
    /** Each resource's state as the mocked cloud returned it (inputs plus id and computed fields), by Pulumi name. */
    readonly states: ReadonlyMap<string, Record<string, any>>;
    /** The one resource with this Pulumi name (throws unless exactly one). */
    resource(name: string): RecordedResource;
    ofType(type: string): RecordedResource[];
}

const azureNameInputs = [
    "resourceGroupName",
    "virtualNetworkName",
    "subnetName",
    "routeTableName",
    "resourceName",
] as const;

/** Azure-like resource id for a mocked resource. */
function azureId(type: string, inputs: Record<string, any>, name: string): string {
    const [, module, kind] = type.split(":");
    const ownName =
        inputs.subnetName ?? inputs.routeTableName ?? inputs.resourceName ?? inputs.virtualNetworkName ?? name;
    if (kind === "ResourceGroup")
        return `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}`;
    const parentPath =
        kind === "Subnet"
            ? `virtualNetworks/${inputs.virtualNetworkName}/subnets`
            : `${kind.charAt(0).toLowerCase()}${kind.slice(1)}s`;
    return `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.${module}/${parentPath}/${ownName}`;
}

/** What the cloud would add to a resource's state: ids, names and computed fields. */
function mockState(
    type: string,
    name: string,
    inputs: Record<string, any>,
): { id: string; state: Record<string, any> } {
    if (type.startsWith("azure-native:")) {
        const state: Record<string, any> = { ...inputs };
        const azureName = azureNameInputs
            .map((key) => inputs[key])
            .filter((value) => value !== undefined)
            .pop();
        if (azureName !== undefined)
            state.name = type.endsWith(":ResourceGroup") ? inputs.resourceGroupName : azureName;
        if (type === "azure-native:managedidentity:UserAssignedIdentity") {
            state.principalId = `principal-of-${inputs.resourceName}`;
            state.clientId = `client-of-${inputs.resourceName}`;
        }
        if (type === "azure-native:containerservice:ManagedCluster") {
            state.nodeResourceGroup = `MC_${inputs.resourceGroupName}_${inputs.resourceName}_${inputs.location}`;
        }
        const id = azureId(type, inputs, name);
        return { id, state: { ...state, id } };
    }
    if (type === "kubernetes:core/v1:Service") {
        return {
            id: `${inputs.metadata?.namespace}/${inputs.metadata?.name}`,
            state: {
                ...inputs,
                spec: { ...inputs.spec, clusterIP: MOCK_SERVICE_ADDRESSES.clusterIp },
                status: { loadBalancer: { ingress: [{ ip: MOCK_SERVICE_ADDRESSES.loadBalancerIp }] } },
            },
        };
    }
    return { id: `${name}-id`, state: inputs };
}

/** The addresses the mocked cluster assigns to the nginx Service (set per run). */
export const MOCK_SERVICE_ADDRESSES = { clusterIp: "", loadBalancerIp: "" };

async function resolve(pulumi: typeof pulumiType, value: any): Promise<any> {
    if (pulumi.Output.isInstance(value)) {
        return new Promise((done) =>
            (value as pulumiType.Output<any>).apply((inner) => resolve(pulumi, inner).then(done)),
        );
    }
    if (Array.isArray(value)) return Promise.all(value.map((item) => resolve(pulumi, item)));
    if (value && typeof value === "object" && !(value instanceof Error)) {
        const entries = await Promise.all(
            Object.entries(value).map(async ([key, item]) => [key, await resolve(pulumi, item)]),
        );
        return Object.fromEntries(entries);
    }
    return value;
}

export interface RunOptions {
    /** Config overrides over the stack's config (short keys are project keys). */
    readonly config?: Record<string, string>;
    readonly stack?: string;
    /** The Service addresses the mocked cluster hands out. */
    readonly serviceAddresses?: { clusterIp: string; loadBalancerIp: string };
}

type Transform = (args: {
    type: string;
    name: string;
    custom: boolean;
    props: Record<string, any>;
    opts: Record<string, any>;
}) => any;

/**
 * What the engine does with a resource's `transforms`: each runs on the properties about to be
 * registered, in order, and its result replaces them. The SDK's mock monitor only hands the
 * transforms to the mocks (runtime/mocks.js registerResource), so the helper applies them here.
 */
async function applyTransforms(
    pulumi: typeof pulumiType,
    transforms: readonly Transform[],
    type: string,
    name: string,
    custom: boolean,
    props: Record<string, any>,
) {
    let current = props;
    for (const transform of transforms) {
        const result = await transform({ type, name, custom, props: current, opts: {} });
        if (result?.props) current = await resolve(pulumi, result.props);
    }
    return current;
}

/** The Error of the realm Node.js's built-ins run in (jest's worker), where jest formats stack traces. */
function workerErrorConstructor(): { prepareStackTrace?: unknown } {
    try {
        fs.readFileSync("/nonexistent/for-the-realm-of-errors");
    } catch (error) {
        let constructor = (error as object).constructor as ErrorConstructor;
        while (Object.getPrototypeOf(constructor) !== Function.prototype && Object.getPrototypeOf(constructor)?.name)
            constructor = Object.getPrototypeOf(constructor) as ErrorConstructor;
        return constructor;
    }
    return Error;
}

export async function runProgram(options: RunOptions = {}): Promise<ProgramRun> {
    const stack = options.stack ?? "dev";
    const resources: RecordedResource[] = [];
    const invokes: RecordedInvoke[] = [];
    let outputs: Record<string, any> = {};
    const secretOutputs: string[] = [];
    const states = new Map<string, Record<string, any>>();
    let error: Error | undefined;
    Object.assign(
        MOCK_SERVICE_ADDRESSES,
        options.serviceAddresses ?? { clusterIp: "10.200.12.34", loadBalancerIp: "10.220.3.4" },
    );

    // The SDK takes a stack trace for every resource and promise it makes (its source positions and
    // leak reports), and jest rewrites each frame through source maps: a third of a run's time.
    // V8's own formatting is enough for those; jest's comes back for the assertions. Jest installs
    // its formatter on the worker's own Error, not the test context's: reach it through an error a
    // Node.js built-in makes.
    const workerError = workerErrorConstructor();
    const jestPrepareStackTrace = workerError.prepareStackTrace;
    workerError.prepareStackTrace = undefined;
    try {
        await isolatedRun();
    } finally {
        workerError.prepareStackTrace = jestPrepareStackTrace;
    }
    async function isolatedRun() {
        await jest.isolateModulesAsync(async () => {
            const pulumi: typeof pulumiType = require("@pulumi/pulumi");
            pulumi.runtime.setAllConfig(stackConfig(stack, options.config ?? {}));
            await pulumi.runtime.setMocks(
                {
                    newResource: async (args) => {
                        const inputs = await applyTransforms(
                            pulumi,
                            (args as any).transforms ?? [],
                            args.type,
                            args.name,
                            args.custom ?? true,
                            args.inputs,
                        );
                        const mocked = mockState(args.type, args.name, inputs);
                        states.set(args.name, { ...mocked.state, id: mocked.id });
                        return mocked;
                    },
                    call: (args) => {
                        invokes.push({ token: args.token, inputs: args.inputs });
                        if (args.token === USER_CREDENTIALS_INVOKE) {
                            return {
                                kubeconfigs: [
                                    { name: "clusterUser", value: Buffer.from(MOCK_KUBECONFIG).toString("base64") },
                                ],
                            };
                        }
                        if (args.token === "azure-native:authorization:getClientConfig") {
                            return {
                                subscriptionId: MOCK_SUBSCRIPTION_ID,
                                tenantId: MOCK_TENANT_ID,
                                clientId: "client",
                                objectId: MOCK_DEPLOYER_OBJECT_ID,
                            };
                        }
                        throw new Error(`unexpected invoke ${args.token}`);
                    },
                },
                "aks-kubenet",
                stack,
                false,
            );

            // Record the raw registration requests: the mock API does not show parents,
            // dependencies or protect, the monitor's requests do.
            const monitor: any = pulumi.runtime.getMonitor();
            const registerResource = monitor.registerResource.bind(monitor);
            monitor.registerResource = (req: any, callback: any) => {
                const name: string = req.getName();
                const type: string = req.getType();
                const transforms: Transform[] = req
                    .getTransformsList()
                    .map((callbackRef: any) => monitor.transformCallbacks.get(callbackRef.getToken()))
                    .filter((transform: Transform | undefined) => transform !== undefined);
                registerResource(req, (err: any, response: any) => {
                    if (err) return callback(err, response);
                    applyTransforms(
                        pulumi,
                        transforms,
                        type,
                        name,
                        req.getCustom(),
                        req.getObject()?.toJavaScript() ?? {},
                    ).then(
                        (inputs) => {
                            resources.push({
                                type,
                                name,
                                urn: response.getUrn(),
                                custom: req.getCustom(),
                                inputs,
                                parent: req.getParent(),
                                provider: req.getProvider(),
                                dependencies: req.getDependenciesList(),
                                protect: req.getProtect() === true,
                                ignoreChanges: req.getIgnorechangesList(),
                                deletedWith: req.getDeletedwith(),
                            });
                            callback(err, response);
                        },
                        (error) => callback(error, response),
                    );
                });
            };

            try {
                const program = require("../../index");
                // Secret outputs, top-level or nested in a plain object (azureCni.kubeconfig).
                const collectSecrets = async (value: unknown, path: string): Promise<void> => {
                    if (pulumi.Output.isInstance(value)) {
                        if (await pulumi.isSecret(value)) secretOutputs.push(path);
                    } else if (value && typeof value === "object" && !Array.isArray(value)) {
                        for (const [key, inner] of Object.entries(value)) await collectSecrets(inner, `${path}.${key}`);
                    }
                };
                for (const [key, value] of Object.entries(program)) await collectSecrets(value, key);
                outputs = await resolve(pulumi, { ...program });
                await pulumi.runtime.disconnect();
            } catch (thrown) {
                error = thrown as Error;
            }
        });
    }

    const find = (name: string) => {
        const matches = resources.filter((resource) => resource.name === name);
        if (matches.length !== 1)
            throw new Error(
                `expected one resource named ${name}, found ${matches.length}: ${resources.map((r) => r.name).join(", ")}`,
            );
        return matches[0];
    };
    return {
        resources,
        invokes,
        outputs,
        secretOutputs,
        error,
        states,
        resource: find,
        ofType: (type) => resources.filter((resource) => resource.type === type),
    };
}
