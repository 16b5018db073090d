/** The nginx workload: pure manifests against the Kubernetes schema and every rule, then under mocks. */
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { SUBNET_NAMES } from "../network";
import {
    deploymentManifest,
    imageVersion,
    namespaceManifest,
    NginxManifestInput,
    podDisruptionBudgetManifest,
    serviceManifest,
} from "../workloads/nginxManifests";
import { ProgramRun, runProgram } from "./helpers/program";

const input: NginxManifestInput = {
    name: "nginx",
    namespace: "nginx",
    image: "nginxinc/nginx-unprivileged:1.28.0-alpine",
    replicas: 3,
    loadBalancerSubnetName: "services",
};
/** The builders return Pulumi args types; the values are plain objects. */
const plain = (value: unknown): any => JSON.parse(JSON.stringify(value));
const deployment = plain(deploymentManifest(input));
const pod = deployment.spec.template.spec;
const container = pod.containers[0];

describe("schema", () => {
    test.each([
        ["Namespace", () => new Namespace(plain(namespaceManifest(input)))],
        ["Deployment", () => new Deployment(plain(deploymentManifest(input)))],
        ["PodDisruptionBudget", () => new PodDisruptionBudget(plain(podDisruptionBudgetManifest(input)))],
        ["Service", () => new Service(plain(serviceManifest(input)))],
    ])("%s validates against the Kubernetes OpenAPI schema", (_, build) => {
        expect(() => build().validate()).not.toThrow();
    });

    test("the validator does catch a broken object", () => {
        const broken = plain(deploymentManifest(input));
        broken.spec.template.spec.containers[0].ports[0].containerPort = "eighty";
        expect(() => new Deployment(broken).validate()).toThrow();
    });
});

describe("Deployment", () => {
    test("replicas, selector and a rolling update that keeps 2 of 3 serving", () => {
        expect(deployment.spec.replicas).toBe(3);
        expect(deployment.spec.selector.matchLabels).toEqual({
            "app.kubernetes.io/name": "nginx",
            "app.kubernetes.io/instance": "nginx",
        });
        expect(deployment.spec.strategy).toEqual({
            type: "RollingUpdate",
            rollingUpdate: { maxUnavailable: 1, maxSurge: 1 },
        });
    });

    test("one pod per node: spread over kubernetes.io/hostname with maxSkew 1", () => {
        expect(pod.topologySpreadConstraints).toEqual([
            {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "ScheduleAnyway",
                nodeTaintsPolicy: "Honor",
                labelSelector: { matchLabels: deployment.spec.selector.matchLabels },
            },
        ]);
    });

    test("the pinned unprivileged image on port 8080 named http", () => {
        expect(container.image).toBe("nginxinc/nginx-unprivileged:1.28.0-alpine");
        expect(container.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    });

    test("the restricted Pod Security Standard", () => {
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(container.securityContext).toEqual({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.hostNetwork).toBeUndefined();
        expect(container.securityContext.privileged).toBeUndefined();
    });

    test("a writable /tmp on an emptyDir under the read-only root", () => {
        expect(container.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
        expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }]);
    });

    test("requests, limits and probes on the named port", () => {
        expect(container.resources).toEqual({
            requests: { cpu: "50m", memory: "32Mi" },
            limits: { cpu: "200m", memory: "64Mi" },
        });
        expect(container.readinessProbe.httpGet).toEqual({ path: "/", port: "http" });
        expect(container.livenessProbe.httpGet).toEqual({ path: "/", port: "http" });
    });

    test("the recommended labels on the Deployment and its pods", () => {
        const labels = {
            "app.kubernetes.io/name": "nginx",
            "app.kubernetes.io/instance": "nginx",
            "app.kubernetes.io/version": "1.28.0-alpine",
            "app.kubernetes.io/component": "web",
            "app.kubernetes.io/part-of": "aks-kubenet",
            "app.kubernetes.io/managed-by": "pulumi",
        };
        expect(deployment.metadata.labels).toEqual(labels);
        expect(deployment.spec.template.metadata.labels).toEqual(labels);
    });

    test("image versions for labels: tag, digest, or neither", () => {
        expect(imageVersion("nginxinc/nginx-unprivileged:1.28.0-alpine")).toBe("1.28.0-alpine");
        expect(imageVersion(`registry:5000/nginx@sha256:${"ab".repeat(32)}`)).toBe("abababababab");
        expect(imageVersion("registry:5000/nginx")).toBe("unversioned");
    });
});

describe("PodDisruptionBudget and Service", () => {
    test("the PDB keeps at least 2 of 3 pods", () => {
        const pdb = plain(podDisruptionBudgetManifest(input));
        expect(pdb.spec).toEqual({ minAvailable: 2, selector: { matchLabels: deployment.spec.selector.matchLabels } });
        expect(plain(podDisruptionBudgetManifest({ ...input, replicas: 5 })).spec.minAvailable).toBe(4);
    });

    test("an internal LoadBalancer in the services subnet, port 80 to http", () => {
        const service = plain(serviceManifest(input));
        expect(service.metadata.annotations).toEqual({
            "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
            "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": "services",
        });
        expect(service.spec).toEqual({
            type: "LoadBalancer",
            selector: deployment.spec.selector.matchLabels,
            ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
        });
    });

    test("the namespace enforces the restricted standard", () => {
        expect(plain(namespaceManifest(input)).metadata.labels["pod-security.kubernetes.io/enforce"]).toBe(
            "restricted",
        );
    });
});

describe("under the mock runtime", () => {
    let run: ProgramRun;
    beforeAll(async () => {
        run = await runProgram({
            config: { nginxNamespace: "web" },
            serviceAddresses: { clusterIp: "10.200.7.7", loadBalancerIp: "10.220.3.5" },
        });
        if (run.error) throw run.error;
    });

    test("the program declares exactly the builders' objects, schema-valid", () => {
        const expected = { ...input, namespace: "web", loadBalancerSubnetName: SUBNET_NAMES.services };
        expect(plain(run.resource("nginx-namespace").inputs)).toEqual(plain(namespaceManifest(expected)));
        expect(plain(run.resource("nginx-deployment").inputs)).toEqual(plain(deploymentManifest(expected)));
        expect(plain(run.resource("nginx-pdb").inputs)).toEqual(plain(podDisruptionBudgetManifest(expected)));
        expect(plain(run.resource("nginx-service").inputs)).toEqual(plain(serviceManifest(expected)));
        expect(() => new Deployment(plain(run.resource("nginx-deployment").inputs)).validate()).not.toThrow();
        expect(() => new Service(plain(run.resource("nginx-service").inputs)).validate()).not.toThrow();
    });

    test("nginxReplicas and nginxImage reach the Deployment", async () => {
        const other = await runProgram({
            config: { nginxReplicas: "2", nginxImage: "nginxinc/nginx-unprivileged:1.27.5" },
        });
        const spec = plain(other.resource("nginx-deployment").inputs).spec;
        expect(spec.replicas).toBe(2);
        expect(spec.template.spec.containers[0].image).toBe("nginxinc/nginx-unprivileged:1.27.5");
        expect(plain(other.resource("nginx-pdb").inputs).spec.minAvailable).toBe(1);
    });

    test("the service's ClusterIP and load balancer IP are exported, and the kubectl commands use the namespace", () => {
        expect(run.outputs.nginxClusterIp).toBe("10.200.7.7");
        expect(run.outputs.nginxLoadBalancerIp).toBe("10.220.3.5");
        expect(run.outputs.nextSteps.viewPods).toBe("kubectl get pods -n web -o wide --sort-by=.spec.nodeName");
    });
});

describe("placement on the user pool", () => {
    test("a nodeSelector only when given (the user pool's mode label); none by default", () => {
        expect(plain(deploymentManifest(input)).spec.template.spec).not.toHaveProperty("nodeSelector");
        const placed = plain(deploymentManifest({ ...input, nodeSelector: { "kubernetes.azure.com/mode": "user" } }));
        expect(placed.spec.template.spec.nodeSelector).toEqual({ "kubernetes.azure.com/mode": "user" });
        expect(() => new Deployment(placed).validate()).not.toThrow();
    });
});
