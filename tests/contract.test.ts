/**
 * The contract in azureFacts/contract: what `npm run contract` derives from Microsoft's REST API
 * specs equals what is committed (wherever ../shared/azure-specs is there), each type's API version
 * is the one @pulumi/azure-native names for it, only facts are kept, and the spec's defaults agree
 * with what a real AKS cluster reported (../shared/realdata).
 */
import * as fs from "fs";
import * as path from "path";
import { contractOf, contractTokens, resolved, type Json, type SchemaNode } from "../azureFacts/contract";
import { DEFAULT_SPECS, deriveAll, folderSource, main, sdkApiVersion } from "../contractgen/cli";
import { armTypeOf } from "../contractgen/derive";
import { CONTRACT_TARGETS } from "../contractgen/targets";
import { readCapture, realdataPresent, REALDATA_DIR } from "./helpers/realdata";

const SPECS = process.env.AKS_KUBENET_AZURE_SPECS ?? DEFAULT_SPECS;
const specsPresent = fs.existsSync(path.join(SPECS, "MANIFEST.json"));
const withSpecs = specsPresent
    ? test
    : (name: string, body: () => void) =>
          test.skip(`${name} (skipped: no specs at ${SPECS}; set AKS_KUBENET_AZURE_SPECS)`, body);

withSpecs("what the specs derive equals the committed contract, file for file", () => {
    const derived = deriveAll(folderSource(SPECS));
    const dir = path.join(__dirname, "..", "azureFacts", "contract");
    const committed = fs.readdirSync(dir).filter((file) => file.endsWith(".json"));
    expect(committed.sort()).toEqual([...derived.keys()].sort());
    for (const [file, text] of derived)
        expect([file, fs.readFileSync(path.join(dir, file), "utf8")]).toEqual([file, text]);
});

withSpecs("npm run contract -- --check passes on the committed contract", () => {
    const log = jest.spyOn(console, "log").mockImplementation(() => {});
    try {
        expect(main(["--specs", SPECS, "--check"])).toBe(0);
        expect(log.mock.calls[0][0]).toMatch(/^contract: 16 files equal/);
    } finally {
        log.mockRestore();
    }
});

test("one contract per target, each at the API version its azure-native SDK module names", () => {
    expect(contractTokens()).toEqual(CONTRACT_TARGETS.map((target) => target.token).sort());
    for (const target of CONTRACT_TARGETS) {
        const contract = contractOf(target.token)!;
        expect([target.token, contract.apiVersion]).toEqual([target.token, sdkApiVersion(target.sdkModule)]);
        expect(contract.source).toMatchObject({
            repository: "Azure/azure-rest-api-specs",
            commit: expect.stringMatching(/^[0-9a-f]{40}$/),
        });
        expect(contract.source.path).toContain(`/${contract.apiVersion}/`);
    }
});

test("the versions the SDK names, read from its doc comments, are the ones the issue lists", () => {
    const version = (token: string) => contractOf(`azure-native:${token}`)!.apiVersion;
    expect(version("containerservice:ManagedCluster")).toBe("2025-09-01");
    expect(version("network:Subnet")).toBe("2024-05-01");
    expect(version("managedidentity:UserAssignedIdentity")).toBe("2023-01-31");
    expect(version("authorization:RoleAssignment")).toBe("2022-04-01");
    expect(version("resources:ResourceGroup")).toBe("2024-03-01");
    expect(version("monitor:DiagnosticSetting")).toBe("2021-05-01-preview");
    expect(version("authorization:ManagementLockByScope")).toBe("2020-05-01");
});

/** Every string in a value, with the path it sits at. */
function strings(value: Json, at = ""): Array<[string, string]> {
    if (typeof value === "string") return [[at, value]];
    if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${at}[${index}]`));
    if (value && typeof value === "object")
        return Object.entries(value).flatMap(([key, inner]) => strings(inner, `${at}.${key}`));
    return [];
}

test("only derived facts are committed: no string of any contract reads as prose", () => {
    for (const token of contractTokens()) {
        const contract = contractOf(token)! as unknown as Json;
        const prose = strings(contract).filter(
            // Patterns and enum values are facts, whatever they look like ("Mon DD, YYYY HH:MM:SS").
            ([at, value]) =>
                !at.endsWith(".pattern") &&
                !/\.enum\[\d+\]$/.test(at) &&
                value.split(/\s+/).filter(Boolean).length >= 4,
        );
        expect([token, prose]).toEqual([token, []]);
    }
});

test("the ARM type of a PUT path: the namespace and the fixed segments after it", () => {
    expect(
        armTypeOf(
            "/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.ContainerService/managedClusters/{n}/agentPools/{p}",
        ),
    ).toBe("Microsoft.ContainerService/managedClusters/agentPools");
    expect(armTypeOf("/subscriptions/{s}/resourcegroups/{g}")).toBe("Microsoft.Resources/resourceGroups");
    expect(armTypeOf("/{scope}/providers/Microsoft.Authorization/locks/{lockName}")).toBe(
        "Microsoft.Authorization/locks",
    );
});

const networkProfile = (): Readonly<Record<string, SchemaNode>> => {
    const cluster = contractOf("azure-native:containerservice:ManagedCluster")!;
    const properties = resolved(cluster, resolved(cluster, cluster.body).properties!.properties);
    return resolved(cluster, properties.properties!.networkProfile).properties!;
};

(realdataPresent ? test : test.skip)(
    `the spec's networkProfile defaults are what a real kubenet cluster created without them reports${realdataPresent ? "" : ` (skipped: no real captures at ${REALDATA_DIR})`}`,
    () => {
        // `az aks create -g AKSRG -n AKS-AZCLI-DEFAULT` (2024-09), no network options given.
        const real = readCapture("_sources/cli_kubenet_AKS-AZCLI-DEFAULT.json").networkProfile;
        const profile = networkProfile();
        expect(profile.podCidr.default).toBe(real.podCidr);
        expect(profile.serviceCidr.default).toBe(real.serviceCidr);
        expect(profile.dnsServiceIP.default).toBe(real.dnsServiceIp);
        expect(profile.outboundType.default).toBe(real.outboundType);
    },
);

test("what the contract keeps of a property: enums and whether they are extensible, readOnly, create-only, flatten", () => {
    const cluster = contractOf("azure-native:containerservice:ManagedCluster")!;
    const profile = networkProfile();
    expect(profile.networkPlugin).toMatchObject({ enum: ["azure", "kubenet", "none"], extensible: true });
    const identity = resolved(cluster, resolved(cluster, cluster.body).properties!.identity);
    expect(identity.properties!.type).toMatchObject({ enum: ["SystemAssigned", "UserAssigned", "None"] });
    expect(identity.properties!.type.extensible).toBeUndefined(); // a closed enum
    const body = resolved(cluster, cluster.body);
    expect(body.properties!.properties).toMatchObject({ flatten: true });
    expect(body.properties!.location).toMatchObject({ mutability: ["read", "create"] });
    expect(body.required).toEqual(["location"]);
    const lock = contractOf("azure-native:authorization:ManagementLockByScope")!;
    const lockProperties = resolved(lock, resolved(lock, lock.body).properties!.properties);
    expect(lockProperties.required).toEqual(["level"]);
    expect(lockProperties.properties!.level.enum).toEqual(["NotSpecified", "CanNotDelete", "ReadOnly"]);
});

test("docs/engine.md's table of the contract's sources is the contract's provenance, type for type", () => {
    const page = fs.readFileSync(path.join(__dirname, "..", "docs", "engine.md"), "utf8");
    const rows = page
        .split("\n")
        .filter((line) => line.startsWith("| `azure-native:"))
        .map((line) =>
            line
                .split("|")
                .slice(1, -1)
                .map((cell) => cell.trim().replace(/`/g, "")),
        );
    expect(rows).toEqual(
        contractTokens().map((token) => {
            const contract = contractOf(token)!;
            return [
                token,
                contract.apiVersion,
                contract.source.path.replace(/^specification\//, ""),
                contract.source.commit.slice(0, 12),
                String(contract.examples.length),
            ];
        }),
    );
});
