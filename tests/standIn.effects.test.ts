/**
 * The stand-in's side on the local control plane, as manifests: the nodes AKS registers, the
 * bindings Azure RBAC stands for, the kubeconfigs AKS lists, the ServiceCIDR that makes the API
 * server serve the cluster's service range; and docs/engine.md's list of departures.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { cidr, planNode } from "../addressPlan";
import { aksNodeManifests } from "../engine/controlPlane";
import {
    kubeDnsManifest,
    roleBindingManifest,
    serviceCidrManifest,
    userKubeconfigText,
} from "../rehearsal/standIn/effects";
import { STAND_IN_DEPARTURES } from "../rehearsal/standIn/departures";

/** The dev stack's nodes as the address plan places them (its pod CIDR and kubenet subnet). */
const plannedNodes = [0, 1, 2].map((index) => planNode(cidr("10.100.0.0/16"), cidr("10.220.1.0/24"), index));
describe("the control plane's side, as manifests", () => {
    test("nodes labelled as AKS labels a pool, tainted as declared, with addresses and slices from the address plan", () => {
        const nodes = aksNodeManifests({
            clusterName: "kubenet-cluster",
            nodeResourceGroup: "MC_x",
            location: "eastus",
            subnetCidr: "10.220.1.0/24",
            podCidr: "10.100.0.0/16",
            pools: [
                {
                    name: "system",
                    mode: "System",
                    count: 2,
                    vmSize: "Standard_D2s_v5",
                    zones: [],
                    taints: ["CriticalAddonsOnly=true:NoSchedule"],
                    labels: {},
                },
                {
                    name: "user",
                    mode: "User",
                    count: 1,
                    vmSize: "Standard_D4s_v5",
                    zones: ["1", "2"],
                    taints: [],
                    labels: {},
                },
            ],
        }) as any[];
        expect(
            nodes.map((node) => [
                node.metadata.labels["kubernetes.azure.com/agentpool"],
                node.metadata.labels["kubernetes.azure.com/mode"],
                node.metadata.labels["topology.kubernetes.io/zone"],
                node.spec.podCIDR,
            ]),
        ).toEqual([
            ["system", "system", "0", "10.100.0.0/24"],
            ["system", "system", "0", "10.100.1.0/24"],
            ["user", "user", "eastus-1", "10.100.2.0/24"],
        ]);
        expect(nodes[0].spec.taints).toEqual([{ key: "CriticalAddonsOnly", value: "true", effect: "NoSchedule" }]);
        expect(Object.values(nodes[2].metadata.annotations)).toContain(plannedNodes[2].ip);
    });

    test("an RBAC role assignment is a ClusterRoleBinding for the principal's object id", () => {
        expect(roleBindingManifest({ name: "abc", principalId: "p", role: "reader" })).toMatchObject({
            kind: "ClusterRoleBinding",
            roleRef: { name: "aks-kubenet-azure-rbac-reader" },
            subjects: [{ kind: "User", name: "p" }],
        });
    });

    test("the user kubeconfig: kubelogin's devicecode exec form with Entra ID, the local certificate without", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "link-"));
        const admin = path.join(dir, "admin.kubeconfig");
        fs.writeFileSync(admin, "users:\n- user:\n    client-certificate-data: Q0VSVA==\n    client-key-data: S0VZ\n");
        const link = {
            server: "https://127.0.0.1:6443",
            certificateAuthorityData: "Q0E=",
            adminKubeconfig: admin,
            kubectl: "kubectl",
        };
        const entra = parse(userKubeconfigText(link, { name: "c", entra: true, tenantId: "t" }));
        expect(entra.users[0].user.exec.args).toEqual(
            expect.arrayContaining(["--login", "devicecode", "--tenant-id", "t"]),
        );
        expect(entra.clusters[0].cluster).toEqual({
            server: "https://127.0.0.1:6443",
            "certificate-authority-data": "Q0E=",
        });
        const local = parse(userKubeconfigText(link, { name: "c", entra: false, tenantId: "t" }));
        expect(local.users[0].user).toEqual({ "client-certificate-data": "Q0VSVA==", "client-key-data": "S0VZ" });
    });
});

test("the cluster's service range becomes a ServiceCIDR the API server serves; kube-dns takes the DNS IP in it", () => {
    expect(serviceCidrManifest("10.0.0.0/16")).toMatchObject({
        apiVersion: "networking.k8s.io/v1",
        kind: "ServiceCIDR",
        spec: { cidrs: ["10.0.0.0/16"] },
    });
    expect(kubeDnsManifest("10.0.0.10")).toMatchObject({ spec: { clusterIP: "10.0.0.10" } });
});

test("docs/engine.md lists every departure of the stand-in, word for word", () => {
    const page = fs.readFileSync(path.join(__dirname, "..", "docs", "engine.md"), "utf8");
    for (const departure of STAND_IN_DEPARTURES)
        expect([departure, page.includes(`- ${departure}`)]).toEqual([departure, true]);
});
