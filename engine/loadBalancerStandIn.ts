/**
 * A STAND-IN for AKS's cloud controller manager, for the engine's local control plane only: on AKS
 * the cloud controller gives an internal load balancer a frontend address from the subnet the
 * service names (service.beta.kubernetes.io/azure-load-balancer-internal-subnet), and writes it
 * into the Service's status.loadBalancer.ingress. Here nothing is balanced and no Azure resource
 * exists: this loop only writes the address, taken from the stack's address plan (never a CIDR of
 * its own), so that the Kubernetes provider's await for a LoadBalancer Service sees what it would
 * see on AKS. The workload is never changed to skip that await.
 */
import type { CoreV1Api, V1Service } from "@kubernetes/client-node";
import { AddressPlan, cidr, nodeIpAt, usableSubnetAddresses } from "../addressPlan";
import { SUBNET_NAMES } from "../names";
import { INTERNAL_LB_SUBNET_ANNOTATION } from "../workloads/nginxManifests";

export const STAND_IN_NAME = "load balancer stand-in (not AKS's cloud controller)";

/** A Service of type LoadBalancer, reduced to what the stand-in reads. */
export interface LoadBalancerService {
    readonly namespace: string;
    readonly name: string;
    readonly subnetName?: string;
    readonly requestedIp?: string;
    readonly ingressIp?: string;
}

export function asLoadBalancerService(service: V1Service): LoadBalancerService | undefined {
    if (service.spec?.type !== "LoadBalancer") return undefined;
    return {
        namespace: service.metadata?.namespace ?? "default",
        name: service.metadata?.name ?? "",
        subnetName: service.metadata?.annotations?.[INTERNAL_LB_SUBNET_ANNOTATION],
        requestedIp: service.spec.loadBalancerIP || undefined,
        ingressIp: service.status?.loadBalancer?.ingress?.[0]?.ip,
    };
}

/** The plan's subnet the annotation names (by its Azure name), else the services subnet. */
function planSubnet(plan: AddressPlan, name: string | undefined): { name: string; cidr: string } {
    const key = (Object.keys(SUBNET_NAMES) as Array<keyof typeof SUBNET_NAMES>).find(
        (candidate) => SUBNET_NAMES[candidate] === name,
    );
    const chosen = key ?? "services";
    return { name: SUBNET_NAMES[chosen], cidr: plan.subnets[chosen].cidr };
}

/**
 * The address for `service`: the one it asks for (spec.loadBalancerIP) when its subnet holds it,
 * else the lowest free address of its subnet (the services subnet unless the annotation names
 * another of the plan's), as Azure hands out dynamic frontend addresses. Node addresses and every
 * address already given are taken. Undefined when the subnet is full.
 */
export function allocateAddress(
    plan: AddressPlan,
    service: LoadBalancerService,
    taken: ReadonlySet<string>,
): { ip?: string; subnet: string } {
    const subnet = planSubnet(plan, service.subnetName);
    const range = cidr(subnet.cidr);
    const count = usableSubnetAddresses(range);
    const candidates = Array.from({ length: count }, (_, index) => nodeIpAt(range, index));
    const used = new Set([...taken, ...plan.nodes.map((node) => node.ip)]);
    if (service.requestedIp && candidates.includes(service.requestedIp) && !used.has(service.requestedIp))
        return { ip: service.requestedIp, subnet: subnet.name };
    return { ip: candidates.find((candidate) => !used.has(candidate)), subnet: subnet.name };
}

/** What one pass decides: an address for every LoadBalancer Service that has none yet. */
export function assignments(
    plan: AddressPlan,
    services: readonly LoadBalancerService[],
): Array<{ service: LoadBalancerService; ip?: string; subnet: string }> {
    const taken = new Set(services.flatMap((service) => (service.ingressIp ? [service.ingressIp] : [])));
    const result: Array<{ service: LoadBalancerService; ip?: string; subnet: string }> = [];
    for (const service of services) {
        if (service.ingressIp) continue;
        const { ip, subnet } = allocateAddress(plan, service, taken);
        if (ip) taken.add(ip);
        result.push({ service, ip, subnet });
    }
    return result;
}

/** One pass over the cluster: lists the Services, writes the addresses. Returns the lines to log. */
export async function reconcileOnce(core: CoreV1Api, plan: AddressPlan): Promise<string[]> {
    const list = await core.listServiceForAllNamespaces();
    const byKey = new Map(list.items.map((item) => [`${item.metadata?.namespace}/${item.metadata?.name}`, item]));
    const services = list.items.flatMap((item) => asLoadBalancerService(item) ?? []);
    const lines: string[] = [];
    for (const { service, ip, subnet } of assignments(plan, services)) {
        const key = `${service.namespace}/${service.name}`;
        if (!ip) {
            lines.push(`${STAND_IN_NAME}: subnet ${subnet} has no free address for ${key}`);
            continue;
        }
        const current = byKey.get(key)!;
        const body: V1Service = {
            ...current,
            status: { ...current.status, loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } },
        };
        // A replace carries the resourceVersion read: a Service changed meanwhile is a conflict,
        // and the next pass reads it again.
        await core.replaceNamespacedServiceStatus({ name: service.name, namespace: service.namespace, body });
        lines.push(`${STAND_IN_NAME}: ${key} gets ${ip} from subnet ${subnet}`);
    }
    return lines;
}

/** Runs until the process is stopped: a pass every `intervalMs`; errors are logged and retried. */
export async function runStandIn(
    kubeconfigPath: string,
    plan: AddressPlan,
    log: (line: string) => void,
    intervalMs = 500,
): Promise<never> {
    const k8s = await import("@kubernetes/client-node");
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfigPath);
    const core = config.makeApiClient(k8s.CoreV1Api);
    log(
        `${STAND_IN_NAME}: addresses from subnet ${SUBNET_NAMES.services} (${plan.subnets.services.cidr}) unless a Service names another`,
    );
    for (;;) {
        try {
            (await reconcileOnce(core, plan)).forEach(log);
        } catch (error) {
            log(`${STAND_IN_NAME}: ${(error as Error).message.split("\n")[0]}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
