/**
 * The stand-in's GET bodies against Microsoft's example responses for the same API version (their
 * key paths, kept in azureFacts/contract): for the dev stack's cluster, its pool, the VNet, subnet,
 * route table, identity and grant, and the prod stack's separate pool and maintenance window, every
 * key the example carries that Azure sets (read-only in the spec) is in the stand-in's body or
 * listed in departures.ts (RESPONSE_DEPARTURES) with why. A key the example carries because its
 * request set it (writable in the spec, or inside an object only its request set) is the example's
 * input, not Azure's answer.
 */
import { contractOf, keyPathsOf, resolved, type ResourceContract, type SchemaNode } from "../azureFacts/contract";
import type { JsonObject } from "../rehearsal/azureModel";
import { readAzureState } from "../rehearsal/standIn/azureState";
import { RESPONSE_DEPARTURES } from "../rehearsal/standIn/departures";
import { clusterInputs, make, network, standIn, TYPES } from "./helpers/standIn";
import { readCapture, realdataPresent, REALDATA_DIR } from "./helpers/realdata";

/** The schema node at a key path (array items `[]`, map entries `*`), following the contract's refs. */
function nodeAt(contract: ResourceContract, path: string): SchemaNode | undefined {
    let node: SchemaNode | undefined = contract.response;
    for (const part of path.split(".")) {
        const name = part.replace(/\[\]$/g, "");
        const here: SchemaNode | undefined = node ? resolved(contract, node) : undefined;
        node =
            name === "*"
                ? typeof here?.additionalProperties === "object"
                    ? here.additionalProperties
                    : undefined
                : here?.properties?.[name];
        for (let arrays = (part.match(/\[\]/g) ?? []).length; arrays > 0 && node; arrays--)
            node = resolved(contract, node).items;
    }
    return node;
}

/** Whether Azure sets the key: it, or an object it sits in, is read-only. */
function setByAzure(contract: ResourceContract, path: string): boolean {
    const parts = path.split(".");
    return parts.some((_, index) => {
        const node = nodeAt(contract, parts.slice(0, index + 1).join("."));
        return node !== undefined && (node.readOnly === true || resolved(contract, node).readOnly === true);
    });
}

/**
 * Whether the object a key sits in is in the body: a read-only key inside an object only the
 * example's request set (a VNet's bgpCommunities) is the example's, not what Azure adds to ours.
 */
const parentIn = (keys: ReadonlySet<string>, key: string): boolean => {
    const parent = key.replace(/(\[\])?\.[^.]+$/, "").replace(/\[\]$/, "");
    return parent === key || keys.has(parent);
};

async function devBodies(): Promise<Record<string, JsonObject>> {
    const { provider, statePath } = standIn();
    const { subnet, identity, routes, grant } = await network(provider, { grantRouteTable: true });
    const cluster = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
    const pool = await make(provider, TYPES.pool, "cluster-user-pool", {
        resourceGroupName: "NetworkLab",
        resourceName: "kubenet-cluster",
        agentPoolName: "user",
        count: 3,
        vmSize: "Standard_D4s_v5",
        mode: "User",
        availabilityZones: ["1", "2", "3"],
        vnetSubnetID: subnet.id,
    });
    const window = await make(provider, "azure-native:containerservice:MaintenanceConfiguration", "cluster-window", {
        resourceGroupName: "NetworkLab",
        resourceName: "kubenet-cluster",
        configName: "aksManagedAutoUpgradeSchedule",
        maintenanceWindow: {
            schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } },
            durationHours: 4,
            startTime: "02:00",
            utcOffset: "+00:00",
        },
    });
    const resources = readAzureState(statePath).resources;
    const vnetId = subnet.id.split("/subnets/")[0];
    return {
        [TYPES.cluster]: resources[cluster.id].body,
        [TYPES.pool]: resources[pool.id].body,
        [TYPES.vnet]: resources[vnetId].body,
        [TYPES.subnet]: resources[subnet.id].body,
        [TYPES.routes]: resources[routes.id].body,
        [TYPES.identity]: resources[identity.id].body,
        [TYPES.grant]: resources[grant!.id].body,
        "azure-native:containerservice:MaintenanceConfiguration": resources[window.id].body,
    };
}

let bodies: Record<string, JsonObject>;
beforeAll(async () => {
    bodies = await devBodies();
});

const EXAMPLED = [
    TYPES.cluster,
    TYPES.pool,
    TYPES.vnet,
    TYPES.subnet,
    TYPES.routes,
    TYPES.identity,
    TYPES.grant,
    "azure-native:containerservice:MaintenanceConfiguration",
];

test.each(EXAMPLED)("%s: every key Azure sets in Microsoft's examples is filled in, or a listed departure", (token) => {
    const contract = contractOf(token)!;
    expect(contract.examples.length).toBeGreaterThan(0);
    const ours = keyPathsOf(contract.definitions, contract.response, bodies[token]);
    const departures = new Set((RESPONSE_DEPARTURES[token] ?? []).map((departure) => departure.key));
    const missing = new Set<string>();
    for (const example of contract.examples)
        for (const key of example.keys)
            if (!ours.has(key) && setByAzure(contract, key) && parentIn(ours, key) && !departures.has(key))
                missing.add(`${key} (${example.file.split("/").pop()})`);
    expect([token, [...missing].sort()]).toEqual([token, []]);
});

test("every response departure is a key the stand-in really leaves out, and says why", () => {
    for (const [token, departures] of Object.entries(RESPONSE_DEPARTURES)) {
        const contract = contractOf(token)!;
        const ours = keyPathsOf(contract.definitions, contract.response, bodies[token]);
        for (const departure of departures) {
            expect([token, departure.key, ours.has(departure.key)]).toEqual([token, departure.key, false]);
            expect(departure.why.length).toBeGreaterThan(10);
        }
    }
});

test("the kubenet cluster's defaults AKS fills in: the spec's and the real captures' values", () => {
    const properties = bodies[TYPES.cluster].properties as JsonObject;
    expect(properties.servicePrincipalProfile).toEqual({ clientId: "msi" }); // az aks create, realdata S7
    expect((properties.agentPoolProfiles as JsonObject[])[0]).toMatchObject({
        osDiskSizeGB: 128,
        osDiskType: "Managed",
        osType: "Linux",
    });
    expect(bodies[TYPES.cluster].sku).toEqual({ name: "Base", tier: "Free" });
});

/** What the real 2025 cluster's request set, or its plugin has, that the dev cluster does not: not AKS's filling. */
const REAL_CLUSTER_INPUTS = [
    "properties.linuxProfile",
    "properties.networkProfile.networkPluginMode", // Overlay
    "properties.networkProfile.networkDataplane", // Overlay: AKS sets it to azure; kubenet reports none
];

(realdataPresent ? test : test.skip)(
    `every key a real cluster's GET carries is in the stand-in's, but for what its request set${realdataPresent ? "" : ` (skipped: no real captures at ${REALDATA_DIR})`}`,
    () => {
        const contract = contractOf(TYPES.cluster)!;
        const ours = keyPathsOf(contract.definitions, contract.response, bodies[TYPES.cluster]);
        for (const file of ["arm_kubenet_calico_network_cidr.json", "arm_overlay_uai_byo_cliakstest000001.json"]) {
            const real = keyPathsOf(contract.definitions, contract.response, readCapture(`_sources/${file}`));
            const missing = [...real].filter(
                (key) =>
                    !ours.has(key) &&
                    !REAL_CLUSTER_INPUTS.some((input) => key === input || key.startsWith(`${input}.`)) &&
                    !key.startsWith("identity."), // SystemAssigned there, UserAssigned in the dev stack
            );
            expect([file, missing]).toEqual([file, []]);
        }
    },
);
