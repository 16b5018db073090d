/**
 * The stand-in against Azure's published contract: its view of azure-native's SDK shape agrees with
 * the SDK's own modules; its Check answers as azure-native's provider.go does (the messages are
 * provider.go's), plus the refusals it adds on purpose (unknown and read-only properties); its PUTs
 * are refused as ARM and AKS refuse them, with ARM's error shape; autonaming, locks and diagnostic
 * settings behave as Microsoft documents them.
 */
import * as fs from "fs";
import { contractOf, contractTokens } from "../azureFacts/contract";
import type { JsonObject } from "../rehearsal/azureModel";
import { sdkRequired } from "../rehearsal/standIn/checks";
import { sdkFileOf, sdkProperties, sdkShapeOf } from "../rehearsal/standIn/sdkShape";
import { clusterInputs, make, network, standIn, TYPES, urn, withNetwork, withPool } from "./helpers/standIn";

/** Where this spec copy and azure-native 3.28.0's SDK disagree on a type's inputs, and why. */
const SDK_DIFFERENCES: Readonly<Record<string, { sdkOnly: string[]; contractOnly: string[]; sdkOutputs?: string[] }>> =
    {
        // The SDK has AgentPool.localDNSProfile; the spec file copied (commit 1041da1a50) has none.
        "azure-native:containerservice:AgentPool": { sdkOnly: ["localDNSProfile"], contractOnly: [] },
        // azure-native leaves a writable etag and a data collection rule's sku out of its inputs.
        "azure-native:operationalinsights:Workspace": { sdkOnly: [], contractOnly: ["etag"] },
        "azure-native:monitor:DataCollectionRule": { sdkOnly: [], contractOnly: ["sku"] },
        // The SDK reports systemData for a role assignment; the 2022-04-01 response schema has none.
        "azure-native:authorization:RoleAssignment": { sdkOnly: [], contractOnly: [], sdkOutputs: ["systemData"] },
    };

describe("the contract's SDK view agrees with azure-native's own modules", () => {
    test.each(contractTokens())("%s: inputs, outputs, required inputs", (token) => {
        const contract = contractOf(token)!;
        const shape = sdkShapeOf(token);
        const inputs = new Set([
            ...sdkProperties(contract, contract.body, true).map((property) => property.sdkName),
            ...contract.pathParameters.map((parameter) => parameter.name),
        ]);
        const known = SDK_DIFFERENCES[token] ?? { sdkOnly: [], contractOnly: [] };
        expect([...inputs].filter((name) => !shape.inputs.has(name)).sort()).toEqual(known.contractOnly);
        expect([...shape.inputs].filter((name) => !inputs.has(name)).sort()).toEqual(known.sdkOnly);
        const outputs = new Set(sdkProperties(contract, contract.response, false).map((property) => property.sdkName));
        expect([...shape.outputOnly].filter((name) => !outputs.has(name) && name !== "azureApiVersion")).toEqual(
            known.sdkOutputs ?? [],
        );
        // Required: the SDK's Args without `?`; location too, which azure-native fills (Check's defaults).
        const declarations = fs.readFileSync(sdkFileOf(token).replace(/\.js$/, ".d.ts"), "utf8");
        const args = declarations.slice(declarations.indexOf("Args {"));
        const sdkRequiredArgs = [...args.matchAll(/^\s+(\w+): pulumi\.Input/gm)].map((match) => match[1]);
        const contractRequired = [
            ...sdkRequired(contract, contract.body).filter((name) => name !== "location"),
            ...contract.pathParameters
                .filter((parameter) => !shape.optional.has(parameter.name))
                .map((parameter) => parameter.name),
        ];
        expect(contractRequired.sort()).toEqual(sdkRequiredArgs.sort());
    });
});

const failuresOf = async (type: string, inputs: JsonObject, olds: JsonObject = {}) => {
    const { provider } = standIn();
    return (await provider.check(urn(type, "x"), olds, inputs)).failures ?? [];
};
const cluster = (changes: (inputs: JsonObject) => JsonObject) =>
    changes(
        clusterInputs(
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/k",
            "/i",
        ),
    );

describe("Check, as azure-native's provider.go validates (its messages)", () => {
    test("the valid dev cluster passes", async () => {
        expect(
            await failuresOf(
                TYPES.cluster,
                cluster((inputs) => inputs),
            ),
        ).toEqual([]);
    });

    test("a missing required property, with the location hint where it is the location", async () => {
        expect(await failuresOf(TYPES.grant, { scope: "/subscriptions/s", roleDefinitionId: "r" })).toEqual([
            { property: "principalId", reason: "missing required property 'principalId'" },
        ]);
        expect(await failuresOf(TYPES.rg, { resourceGroupName: "g" })).toEqual([
            {
                property: "location",
                reason: "missing required property 'location'. Either set it explicitly or configure it with 'pulumi config set azure-native:location <value>'.",
            },
        ]);
    });

    test("a wrong type, a pattern, a length, a range", async () => {
        expect(
            await failuresOf(
                TYPES.cluster,
                cluster((inputs) => withPool(inputs, { count: "three" })),
            ),
        ).toEqual([
            {
                property: "agentPoolProfiles[0].count",
                reason: "'agentPoolProfiles[0].count' should be of type 'integer' but got a string",
            },
        ]);
        const badName = await failuresOf(
            TYPES.cluster,
            cluster((inputs) => ({ ...inputs, resourceName: "bad name!" })),
        );
        expect(badName).toEqual([
            {
                property: "resourceName",
                reason: expect.stringMatching(/^'resourceName' does not match expression '\^\[a-zA-Z0-9\]/),
            },
        ]);
        expect(await failuresOf(TYPES.rg, { resourceGroupName: "g".repeat(91), location: "eastus" })).toEqual([
            {
                property: "resourceGroupName",
                reason: "'resourceGroupName' is too long (91): at most 90 characters allowed",
            },
        ]);
        expect(
            await failuresOf(
                TYPES.cluster,
                cluster((inputs) => withPool(inputs, { osDiskSizeGB: 4096 })),
            ),
        ).toEqual([
            {
                property: "agentPoolProfiles[0].osDiskSizeGB",
                reason: "'agentPoolProfiles[0].osDiskSizeGB' is too high (4096.000000 > 2048.000000)",
            },
        ]);
    });

    test("stricter than azure-native, on purpose: a property the type does not have, or one Azure sets, is refused naming its path", async () => {
        expect(
            await failuresOf(
                TYPES.cluster,
                cluster((inputs) => withNetwork(inputs, { podCIDR: "10.1.0.0/16" })),
            ),
        ).toEqual([
            {
                property: "networkProfile.podCIDR",
                reason: expect.stringMatching(
                    /^'networkProfile\.podCIDR' is not a property of azure-native:containerservice:ManagedCluster at API version 2025-09-01/,
                ),
            },
        ]);
        expect(
            await failuresOf(
                TYPES.cluster,
                cluster((inputs) => ({ ...inputs, fqdn: "x.example" })),
            ),
        ).toEqual([{ property: "fqdn", reason: expect.stringMatching(/^'fqdn' is read-only: Azure sets it/) }]);
        expect(
            await failuresOf(
                TYPES.cluster,
                cluster((inputs) => withPool(inputs, { nodeImageVersion: "x" })),
            ),
        ).toEqual([
            { property: "agentPoolProfiles[0].nodeImageVersion", reason: expect.stringMatching(/is read-only/) },
        ]);
    });

    test("autonaming: the URN's name and 8 hex characters, kept across checks and marked create-before-delete; location from the resource group", async () => {
        const { provider } = standIn();
        const group = await make(provider, TYPES.rg, "resourceGroup", { location: "westus2" });
        expect(group.inputs.resourceGroupName).toMatch(/^resourceGroup[0-9a-f]{8}$/);
        expect(group.inputs.__createBeforeDelete).toBe(true);
        const again = await provider.check(urn(TYPES.rg, "resourceGroup"), group.inputs, { location: "westus2" });
        expect(again.inputs.resourceGroupName).toBe(group.inputs.resourceGroupName);
        const vnet = await make(provider, TYPES.vnet, "virtualNetwork", {
            resourceGroupName: group.inputs.resourceGroupName,
            addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        });
        expect(vnet.inputs).toMatchObject({ location: "westus2", azureApiVersion: "2024-05-01" });
        expect(vnet.inputs.virtualNetworkName).toMatch(/^virtualNetwork[0-9a-f]{8}$/);
    });
});

describe("PUT: what ARM and AKS refuse, in ARM's error shape, before anything exists", () => {
    const refusal = async (changes: (inputs: JsonObject) => JsonObject) => {
        const { provider, statePath } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        const inputs = changes(clusterInputs(subnet.id, identity.id));
        const error = await provider.create(urn(TYPES.cluster, "c"), inputs).then(
            () => undefined,
            (thrown: Error) => thrown.message,
        );
        const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
        expect(Object.keys(state.resources).filter((id) => id.includes("managedClusters"))).toEqual([]);
        return error;
    };

    test("a value outside a closed enum: InvalidRequestContent, naming the JSON path", async () => {
        expect(
            await refusal((inputs) => ({ ...inputs, identity: { type: "Managed", userAssignedIdentities: [] } })),
        ).toMatch(
            /400 InvalidRequestContent: The request content was invalid and could not be deserialized: 'Error converting value "Managed" to type 'ResourceIdentityType'.* \(target identity\.type\)/,
        );
    });

    test("a value outside an extensible enum that AKS does not accept: InvalidParameter", async () => {
        expect(await refusal((inputs) => withNetwork(inputs, { networkPlugin: "calico" }))).toMatch(
            /400 InvalidParameter: The value "calico" of properties\.networkProfile\.networkPlugin is not one AKS accepts at API version 2025-09-01 \(azure, kubenet, none\)/,
        );
    });

    test("a boolean where a string belongs passes azure-native's Check (it judges no booleans) and ARM refuses it", async () => {
        expect(
            await failuresOf(
                TYPES.cluster,
                cluster((inputs) => ({ ...inputs, dnsPrefix: true })),
            ),
        ).toEqual([]);
        expect(await refusal((inputs) => ({ ...inputs, dnsPrefix: true }))).toMatch(
            /400 InvalidRequestContent: .*Error converting value true to type 'string'.* \(target properties\.dnsPrefix\)/,
        );
    });
});

describe("the posture's types: management locks and diagnostic settings, as Microsoft documents them", () => {
    test("a lock's level is CanNotDelete or ReadOnly; a CanNotDelete lock on the group stops deletes in it, a ReadOnly one writes too; the lock itself goes", async () => {
        const { provider } = standIn();
        const { subnet } = await network(provider, { grantRouteTable: true });
        const rgLock = (level: string) => ({ resourceGroupName: "NetworkLab", lockName: "keep", level });
        await expect(make(provider, TYPES.rgLock, "lock", rgLock("NotSpecified"))).rejects.toThrow(
            /400 LockLevelInvalid/,
        );
        const lock = await make(provider, TYPES.rgLock, "lock", rgLock("CanNotDelete"));
        await expect(provider.delete(subnet.id, urn(TYPES.subnet, "s"), subnet.state)).rejects.toThrow(
            /409 ScopeLocked: The scope '.*subnets\/kubenet' cannot perform delete operation because following scope\(s\) are locked: '.*resourceGroups\/NetworkLab'/,
        );
        await provider.delete(lock.id, urn(TYPES.rgLock, "lock"), lock.state);
        const readOnly = await make(provider, TYPES.scopeLock, "ro", {
            scope: subnet.id,
            lockName: "ro",
            level: "ReadOnly",
        });
        await expect(
            provider.update(subnet.id, urn(TYPES.subnet, "s"), subnet.state, {
                ...subnet.inputs,
                addressPrefix: "10.220.1.0/25",
            }),
        ).rejects.toThrow(/ScopeLocked: .*cannot perform write operation/);
        await provider.delete(readOnly.id, urn(TYPES.scopeLock, "ro"), readOnly.state);
    });

    test("a diagnostic setting needs a destination, and takes the workspace it names", async () => {
        const { provider } = standIn();
        const { subnet, identity } = await network(provider, { grantRouteTable: true });
        const aks = await make(provider, TYPES.cluster, "cluster-aks", clusterInputs(subnet.id, identity.id));
        await expect(
            make(provider, TYPES.diagnostics, "d", {
                resourceUri: aks.id,
                name: "audit",
                logs: [{ category: "kube-audit", enabled: true }],
            }),
        ).rejects.toThrow(/400 BadRequest: A diagnostic setting needs at least one destination/);
        const workspace = await make(provider, TYPES.workspace, "w", {
            resourceGroupName: "NetworkLab",
            workspaceName: "logs",
            location: "eastus",
        });
        const setting = await make(provider, TYPES.diagnostics, "d", {
            resourceUri: aks.id,
            name: "audit",
            workspaceId: workspace.id,
            logs: [{ category: "kube-audit", enabled: true }],
        });
        expect(setting.id).toBe(`${aks.id}/providers/Microsoft.Insights/diagnosticSettings/audit`);
        // A category AKS does not send is refused, naming it and where it is (Azure Monitor's
        // supported logs for managedClusters: kube-audit is one, kube-proxy is not).
        await expect(
            make(provider, TYPES.diagnostics, "d2", {
                resourceUri: aks.id,
                name: "proxy",
                workspaceId: workspace.id,
                logs: [
                    { category: "guard", enabled: true },
                    { category: "kube-proxy", enabled: true },
                ],
            }),
        ).rejects.toThrow(/400 BadRequest: Category 'kube-proxy' is not a resource log of an AKS cluster/);
        expect(setting.outs).toMatchObject({ workspaceId: workspace.id, azureApiVersion: "2021-05-01-preview" });
    });
});
