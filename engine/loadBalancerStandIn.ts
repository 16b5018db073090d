/**
 * A STAND-IN for AKS's cloud controller manager, for the engine's local control plane only: on AKS
 * the cloud controller gives an internal load balancer a frontend address from the subnet the
 * service names (service.beta.kubernetes.io/azure-load-balancer-internal-subnet), and writes it
 * into the Service's status.loadBalancer.ingress. Here nothing is balanced and no Azure resource
 * exists: this loop only writes the address, taken from the subnet as the rehearsal's Azure
 * stand-in holds it (what the program deployed), or from the stack's address plan when no
 * rehearsal runs (never a CIDR of its own), so that the Kubernetes provider's await for a
 * LoadBalancer Service sees what it would see on AKS. The workload is never changed to skip that
 * await.
 */
import type { CoreV1Api, V1Service } from "@kubernetes/client-node";
import * as fs from "fs";
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

/** A subnet the stand-in hands addresses from: its Azure name and range (undefined: not found). */
export interface StandInSubnet {
    readonly name: string;
    readonly cidr?: string;
}

/**
 * Where the stand-in looks a subnet up by the name a Service's annotation gives, as AKS's cloud
 * provider does in the cluster's VNet. Without the annotation: the nodes' own subnet
 * (learn.microsoft.com/azure/aks/internal-lb: the address comes from the cluster's subnet unless
 * `azure-load-balancer-internal-subnet` names another). A name the VNet does not hold is not found:
 * AKS leaves such a Service pending; it does not fall back to another subnet.
 */
export type SubnetResolver = (annotatedName: string | undefined) => StandInSubnet;

/** The stack's address plan as the VNet (`engine up` without a rehearsal: there is no Azure to read). */
export function planSubnets(plan: AddressPlan): SubnetResolver {
    return (annotatedName) => {
        const name = annotatedName ?? SUBNET_NAMES.kubenet;
        const key = (Object.keys(SUBNET_NAMES) as Array<keyof typeof SUBNET_NAMES>).find(
            (candidate) => SUBNET_NAMES[candidate] === name,
        );
        return { name, cidr: key ? plan.subnets[key].cidr : undefined };
    };
}

type ArmBody = { id?: unknown; properties?: Record<string, unknown> };
/** The Pulumi type tokens the Azure stand-in's state files its resources under. */
const CLUSTER_TYPE = "azure-native:containerservice:ManagedCluster";
const SUBNET_TYPE = "azure-native:network:Subnet";
const lower = (value: unknown) => (typeof value === "string" ? value.toLowerCase() : undefined);

/**
 * The subnets as the rehearsal's Azure stand-in holds them (its state file: every resource's ARM
 * body, as the program created it): the VNet is the one the clusters' node pools name
 * (agentPoolProfiles[].vnetSubnetID), so an address comes from what the program deployed, not from
 * the plan that verify checks it against.
 */
export function azureStateSubnets(state: unknown): SubnetResolver {
    const bodies = Object.values(
        (state as { resources?: Record<string, { type?: string; body?: ArmBody }> })?.resources ?? {},
    );
    const ofType = (type: string) =>
        bodies.filter((resource) => resource.type === type).map((resource) => resource.body ?? {});
    const nodeSubnetIds = ofType(CLUSTER_TYPE).flatMap((cluster) =>
        ((cluster.properties?.agentPoolProfiles as Array<{ vnetSubnetID?: unknown }> | undefined) ?? []).flatMap(
            (pool) => {
                const id = lower(pool?.vnetSubnetID);
                return id ? [id] : [];
            },
        ),
    );
    const vnets = new Set(nodeSubnetIds.map((id) => id.slice(0, id.lastIndexOf("/subnets/"))));
    const subnets = ofType(SUBNET_TYPE);
    const nodeSubnet = subnets.find((subnet) => lower(subnet.id) === nodeSubnetIds[0]);
    const nodeSubnetName = typeof nodeSubnet?.id === "string" ? nodeSubnet.id.split("/").pop()! : "(the nodes' subnet)";
    return (annotatedName) => {
        const name = annotatedName ?? nodeSubnetName;
        const found = subnets.filter((subnet) =>
            [...vnets].some((vnet) => lower(subnet.id) === `${vnet}/subnets/${name.toLowerCase()}`),
        );
        const prefix = found.length === 1 ? found[0].properties?.addressPrefix : undefined;
        return { name, cidr: typeof prefix === "string" ? prefix : undefined };
    };
}

/**
 * The address for `service` in `subnet`: the one it asks for (spec.loadBalancerIP) when the subnet
 * holds it and it is free; when it asks for none, the lowest free address after Azure's reserved
 * ones, as Azure hands out dynamic frontend addresses. Node addresses and every address already
 * given are taken. Undefined when there is none, or the subnet was not found.
 */
export function allocateAddress(
    subnet: StandInSubnet,
    service: LoadBalancerService,
    taken: ReadonlySet<string>,
): string | undefined {
    if (!subnet.cidr) return undefined;
    const range = cidr(subnet.cidr);
    const count = usableSubnetAddresses(range);
    const candidates = Array.from({ length: count }, (_, index) => nodeIpAt(range, index));
    // An address the Service asks for is that address or none: Azure does not hand out another one
    // when it lies outside the subnet or is taken (the Service stays pending, with an event, on AKS).
    if (service.requestedIp)
        return candidates.includes(service.requestedIp) && !taken.has(service.requestedIp)
            ? service.requestedIp
            : undefined;
    return candidates.find((candidate) => !taken.has(candidate));
}

/** What one pass decides: an address for every LoadBalancer Service that has none yet. */
export function assignments(
    resolve: SubnetResolver,
    nodeIps: readonly string[],
    services: readonly LoadBalancerService[],
): Array<{ service: LoadBalancerService; ip?: string; subnet: StandInSubnet }> {
    const taken = new Set([
        ...nodeIps,
        ...services.flatMap((service) => (service.ingressIp ? [service.ingressIp] : [])),
    ]);
    const result: Array<{ service: LoadBalancerService; ip?: string; subnet: StandInSubnet }> = [];
    for (const service of services) {
        if (service.ingressIp) continue;
        const subnet = resolve(service.subnetName);
        const ip = allocateAddress(subnet, service, taken);
        if (ip) taken.add(ip);
        result.push({ service, ip, subnet });
    }
    return result;
}

/** Where one pass reads its subnets: the Azure stand-in's state under a rehearsal, else the plan. */
export interface SubnetSource {
    readonly describe: string;
    resolver(): SubnetResolver;
    readonly nodeIps: readonly string[];
}

export function subnetSource(plan: AddressPlan, azureStateFile?: string): SubnetSource {
    const nodeIps = plan.nodes.map((node) => node.ip);
    if (!azureStateFile)
        return {
            describe: "the stack's address plan (no Azure to read outside a rehearsal)",
            resolver: () => planSubnets(plan),
            nodeIps,
        };
    return {
        describe: `the Azure stand-in's subnets (${azureStateFile})`,
        // Read at every pass: the program creates and changes the subnets while the stand-in runs.
        resolver: () =>
            azureStateSubnets(fs.existsSync(azureStateFile) ? JSON.parse(fs.readFileSync(azureStateFile, "utf8")) : {}),
        nodeIps,
    };
}

/** One pass over the cluster: lists the Services, writes the addresses. Returns the lines to log. */
export async function reconcileOnce(core: CoreV1Api, source: SubnetSource): Promise<string[]> {
    const list = await core.listServiceForAllNamespaces();
    const byKey = new Map(list.items.map((item) => [`${item.metadata?.namespace}/${item.metadata?.name}`, item]));
    const services = list.items.flatMap((item) => asLoadBalancerService(item) ?? []);
    const lines: string[] = [];
    for (const { service, ip, subnet } of assignments(source.resolver(), source.nodeIps, services)) {
        const key = `${service.namespace}/${service.name}`;
        if (!ip) {
            lines.push(
                subnet.cidr
                    ? `${STAND_IN_NAME}: subnet ${subnet.name} has no free address for ${key}`
                    : `${STAND_IN_NAME}: no subnet ${subnet.name} in ${source.describe} for ${key}; it stays pending, as on AKS`,
            );
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
        lines.push(`${STAND_IN_NAME}: ${key} gets ${ip} from subnet ${subnet.name} (${subnet.cidr})`);
    }
    return lines;
}

/** Runs until the process is stopped: a pass every `intervalMs`; errors are logged and retried. */
export async function runStandIn(
    kubeconfigPath: string,
    source: SubnetSource,
    log: (line: string) => void,
    intervalMs = 500,
): Promise<never> {
    const k8s = await import("@kubernetes/client-node");
    const config = new k8s.KubeConfig();
    config.loadFromFile(kubeconfigPath);
    const core = config.makeApiClient(k8s.CoreV1Api);
    log(`${STAND_IN_NAME}: addresses from ${source.describe}, in the subnet each Service's annotation names`);
    for (;;) {
        try {
            (await reconcileOnce(core, source)).forEach(log);
        } catch (error) {
            log(`${STAND_IN_NAME}: ${(error as Error).message.split("\n")[0]}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
