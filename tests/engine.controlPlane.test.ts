/** The engine's control plane as data: flags, certificates, kubeconfigs, kwok stages, nodes, env, the LB stand-in. */
import { parse, parseAllDocuments } from "yaml";
import { buildAddressPlan } from "../addressPlan";
import { removalRefusal, validateName } from "../cli/ownership";
import { REPO_ROOT, validatedStackConfig } from "../stackFiles";
import { TUTORIAL_CLUSTER_SETTINGS } from "./helpers/tutorial";
import {
    AKS_SYSTEM_POOL_NAME,
    aksNodeName,
    apiserverArgs,
    controllerManagerArgs,
    envLines,
    kubeconfigText,
    kwokArgs,
    nodeManifests,
    opensslArgs,
    opensslConfig,
    planeFiles,
    Ports,
    schedulerArgs,
    storageArgs,
} from "../engine/controlPlane";
import { kwokConfigText, NODE_IP_ANNOTATION } from "../engine/kwokStages";

const config = validatedStackConfig("dev");
const plan = buildAddressPlan(config);
const files = planeFiles("/state/dev");
const ports: Ports = { apiserver: 41002, controllerManager: 41003, scheduler: 41004, kwok: 41005 };

describe("component command lines", () => {
    const all = [
        storageArgs(files),
        apiserverArgs(files, ports, plan),
        controllerManagerArgs(files, ports, plan),
        schedulerArgs(files, ports),
        kwokArgs(files, ports),
    ];

    it("bind to 127.0.0.1 only, each on its own port; the storage to a unix socket in the folder, no TCP at all", () => {
        for (const args of all) expect(args.join(" ")).not.toMatch(/0\.0\.0\.0|=:\d/);
        expect(storageArgs(files)).toEqual(
            expect.arrayContaining(["--listen-address=unix:///state/dev/kine.sock", "--metrics-bind-address=0"]),
        );
        expect(storageArgs(files).join(" ")).not.toMatch(/127\.0\.0\.1|tcp|http/);
        expect(apiserverArgs(files, ports, plan)).toEqual(
            expect.arrayContaining(["--bind-address=127.0.0.1", "--secure-port=41002"]),
        );
        expect(controllerManagerArgs(files, ports, plan)).toContain("--bind-address=127.0.0.1");
        expect(schedulerArgs(files, ports)).toContain("--secure-port=41004");
        expect(kwokArgs(files, ports)).toContain("--server-address=127.0.0.1:41005");
        // Without leases the node lifecycle controller marks the nodes NotReady after its grace period.
        expect(kwokArgs(files, ports)).toContain("--node-lease-duration-seconds=40");
    });

    it("the API server: RBAC with Node authorization, Pod Security, service-account tokens, the plan's service CIDR", () => {
        const args = apiserverArgs(files, ports, plan);
        expect(args).toContain("--authorization-mode=Node,RBAC");
        expect(args.find((arg) => arg.startsWith("--enable-admission-plugins"))).toContain("PodSecurity");
        expect(args).toContain("--allow-privileged=true"); // Pod Security, not validation, refuses privileged pods
        expect(args).toContain(`--service-account-signing-key-file=${files.serviceAccountKey}`);
        expect(args).toContain(`--service-account-key-file=${files.serviceAccountPublicKey}`);
        expect(args).toContain(`--service-cluster-ip-range=${plan.serviceCidr}`);
        // etcd's client reads unix:///ABSOLUTE as an absolute path (client/v3 internal/endpoint).
        expect(args).toContain("--etcd-servers=unix:///state/dev/kine.sock");
    });

    it("each names the control plane's folder (its files live there; down stops recorded pids, not names)", () => {
        for (const args of all) expect(args.some((arg) => arg.includes(`${files.dir}/`))).toBe(true);
    });
});

describe("certificates and kubeconfigs", () => {
    it("a CA, a serving certificate naming loopback and the kubernetes Service, client certificates with RBAC identities", () => {
        expect(opensslConfig("ca", plan.kubernetesServiceIp)).toContain("basicConstraints = critical,CA:TRUE");
        const serving = opensslConfig("apiserver", plan.kubernetesServiceIp);
        expect(serving).toContain("extendedKeyUsage = serverAuth");
        expect(serving).toContain(`IP:127.0.0.1,IP:${plan.kubernetesServiceIp}`);
        expect(serving).toContain("DNS:kubernetes.default.svc.cluster.local");
        expect(opensslConfig("admin", plan.kubernetesServiceIp)).toMatch(/O = system:masters\nCN = aks-kubenet-admin/);
        expect(opensslConfig("kube-scheduler", plan.kubernetesServiceIp)).toContain("CN = system:kube-scheduler");
        expect(opensslArgs(files, "admin")).toEqual(
            expect.arrayContaining(["-CA", files.caCert, "-CAkey", files.caKey, "-keyout", files.key("admin")]),
        );
        expect(opensslArgs(files, "ca")).not.toContain("-CA");
    });

    it("a kubeconfig with everything embedded", () => {
        const text = kubeconfigText({
            name: "aks-kubenet-dev",
            server: "https://127.0.0.1:41002",
            caPem: "CA",
            certPem: "CERT",
            keyPem: "KEY",
            user: "admin",
        });
        const parsed = parse(text) as {
            clusters: Array<{ cluster: Record<string, string> }>;
            users: Array<{ user: Record<string, string> }>;
            "current-context": string;
        };
        expect(parsed.clusters[0].cluster.server).toBe("https://127.0.0.1:41002");
        expect(Buffer.from(parsed.clusters[0].cluster["certificate-authority-data"], "base64").toString()).toBe("CA");
        expect(Buffer.from(parsed.users[0].user["client-key-data"], "base64").toString()).toBe("KEY");
        expect(parsed["current-context"]).toBe("aks-kubenet-dev");
    });
});

describe("kwok and the nodes", () => {
    it("writes the five stages kwok needs, as YAML documents", () => {
        const stages = parseAllDocuments(kwokConfigText()).map(
            (document) => document.toJS() as { kind: string; metadata: { name: string } },
        );
        expect(stages.map((stage) => stage.metadata.name)).toEqual([
            "node-initialize",
            "node-heartbeat-with-lease",
            "pod-ready",
            "pod-complete",
            "pod-delete",
        ]);
        expect(stages.every((stage) => stage.kind === "Stage")).toBe(true);
        expect(kwokConfigText()).toContain(NODE_IP_ANNOTATION);
    });

    it("the stack's nodes as AKS registers its system pool: names, labels, VNet address and kubenet /24 from the plan", () => {
        const nodes = nodeManifests(plan, config) as Array<{
            metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
            spec: { podCIDR: string };
        }>;
        expect(nodes).toHaveLength(config.nodeCount);
        nodes.forEach((node, index) => {
            expect(node.metadata.name).toMatch(new RegExp(`^aks-${AKS_SYSTEM_POOL_NAME}-\\d{8}-vmss00000${index}$`));
            expect(node.metadata.labels).toMatchObject({
                "kubernetes.azure.com/agentpool": AKS_SYSTEM_POOL_NAME,
                "kubernetes.azure.com/mode": "system",
                "kubernetes.io/os": "linux",
                "kubernetes.io/hostname": node.metadata.name,
                "topology.kubernetes.io/zone": "0",
            });
            expect(node.metadata.annotations[NODE_IP_ANNOTATION]).toBe(plan.nodes[index].ip);
            expect(node.spec.podCIDR).toBe(plan.nodes[index].podCidr);
        });
        expect(aksNodeName("system", "kubenet-cluster", 10)).toMatch(/vmss00000a$/);
    });

    it("names the pool the program creates (clusterArgs.ts's system pool)", () => {
        // Required here, not imported at the top: it loads azure-native's containerservice module.
        const { managedClusterInputs } = require("../clusterArgs") as typeof import("../clusterArgs");
        const { NETWORK_PLUGINS } = require("../addressPlan") as typeof import("../addressPlan");
        const inputs = managedClusterInputs(NETWORK_PLUGINS.kubenet, TUTORIAL_CLUSTER_SETTINGS, {
            identityId: "id",
            nodeSubnetId: "subnet",
            tenantId: "tenant",
        });
        expect((inputs.agentPoolProfiles as { name: string }[]).map((pool) => pool.name)).toEqual([
            AKS_SYSTEM_POOL_NAME,
        ]);
    });
});

describe("env", () => {
    it("export lines: the tools first on PATH (once), the admin kubeconfig, a local backend, no update checks or plugin downloads", () => {
        const lines = envLines({
            tools: "/cache/tools-1",
            files,
            passphrase: "it's",
            currentPath: "/cache/tools-1:/usr/bin",
        });
        expect(lines).toEqual([
            "export PATH='/cache/tools-1:/usr/bin'",
            `export KUBECONFIG='${files.kubeconfig("admin")}'`,
            `export PULUMI_HOME='${files.pulumiHome}'`,
            `export PULUMI_BACKEND_URL='file://${files.pulumiBackend}'`,
            "export PULUMI_SKIP_UPDATE_CHECK='true'",
            "export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION='true'",
            "export PULUMI_CONFIG_PASSPHRASE='it'\\''s'",
        ]);
    });
});

describe("names and ownership (shared with the lab)", () => {
    it("refuses another checkout's or stack's control plane without --name, and leftovers nobody recorded", () => {
        const maker = { stack: "dev", checkout: REPO_ROOT, pid: 1, startedAt: "2026-11-30T00:00:00Z" };
        const base = { subject: 'control plane "dev"', stack: "dev", hasState: true, hint: "use --name" };
        expect(removalRefusal({ ...base, maker })).toBeUndefined();
        expect(removalRefusal({ ...base, maker: { ...maker, checkout: "/elsewhere" } })).toMatch(
            /made by stack dev of \/elsewhere .* not by stack dev of this checkout.*use --name$/,
        );
        expect(removalRefusal({ ...base, hasState: false, maker: undefined, leftovers: "2 processes" })).toMatch(
            /has 2 processes but no state file/,
        );
        expect(validateName("control plane", "Dev")).toMatch(/lower-case/);
        expect(validateName("control plane", "dev-2")).toBeUndefined();
    });
});
