/**
 * The one reader verify, migrate and the guard share (cli/documents.ts): each shape, each
 * container, each encoding a shell saves, and a refusal, naming the file and the command, for
 * everything else. The encoded files are written here from hand-made documents.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    AZURE_KINDS,
    decodeText,
    readAzureResource,
    readAzureResources,
    readJsonDocument,
    readKubernetesList,
} from "../cli/documents";
import { UsageError } from "../cli/shell";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "documents-"));
const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
};
const source = (file: string, label = "--cluster") => ({
    file,
    label,
    command: "az aks show -g <rg> -n <cluster> -o json",
});

const azRoute = {
    name: "r0",
    addressPrefix: "10.100.1.0/24",
    nextHopType: "VirtualAppliance",
    nextHopIpAddress: "10.220.1.4",
    resourceGroup: "NetworkLab",
    type: "Microsoft.Network/routeTables/routes",
};
const armRoute = {
    name: "r0",
    id: "/subscriptions/s/resourceGroups/NetworkLab/providers/Microsoft.Network/routeTables/t/routes/r0",
    type: "Microsoft.Network/routeTables/routes",
    properties: { addressPrefix: "10.100.1.0/24", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.220.1.4" },
};
const azCluster = {
    name: "c",
    type: "Microsoft.ContainerService/ManagedClusters",
    networkProfile: { networkPlugin: "kubenet", dnsServiceIp: "10.200.0.10" },
    agentPoolProfiles: [{ name: "system", vnetSubnetId: "/s/kubenet" }],
};
const armCluster = {
    name: "c",
    type: "Microsoft.ContainerService/managedClusters",
    properties: {
        networkProfile: { networkPlugin: "kubenet", dnsServiceIP: "10.200.0.10" },
        agentPoolProfiles: [{ name: "system", vnetSubnetID: "/s/kubenet" }],
    },
};

describe("encodings", () => {
    const text = JSON.stringify(azCluster);
    const utf16be = (value: string) => Buffer.from(value, "utf16le").swap16();
    test.each<[string, Buffer]>([
        ["UTF-8", Buffer.from(text, "utf8")],
        [
            "UTF-8 with a BOM (PowerShell Out-File -Encoding utf8)",
            Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]),
        ],
        [
            "UTF-16LE with a BOM (Windows PowerShell 5.1's >)",
            Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
        ],
        ["UTF-16BE with a BOM", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
    ])("%s reads as the same document", (_, bytes) => {
        expect(readJsonDocument(source(write("encoded.json", bytes)))).toEqual(azCluster);
    });
    test.each<[string, Buffer, RegExp]>([
        [
            "UTF-32",
            Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, 0x00]), Buffer.alloc(8)]),
            /is UTF-32; save it as UTF-8/,
        ],
        ["UTF-16 without a BOM", Buffer.from(text, "utf16le"), /looks like UTF-16 without a byte-order mark/],
        [
            "Windows-1252",
            Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]),
            /is not UTF-8 \(a legacy code page such as Windows-1252\?\)/,
        ],
    ])("%s is refused, naming the encoding", (_, bytes, message) => {
        expect(() => decodeText(bytes, "f.json")).toThrow(message);
        expect(() => decodeText(bytes, "f.json")).toThrow(UsageError);
    });
});

describe("shapes and containers", () => {
    test("the az CLI's shape and ARM's become the same SDK shape (ARM casing, properties lifted)", () => {
        const fromAz = readAzureResource(source(write("az.json", JSON.stringify(azCluster))), AZURE_KINDS.cluster);
        const fromArm = readAzureResource(source(write("arm.json", JSON.stringify(armCluster))), AZURE_KINDS.cluster);
        expect([fromAz.shape, fromArm.shape]).toEqual(["az", "arm"]);
        for (const { resource } of [fromAz, fromArm]) {
            expect(resource).toMatchObject({
                networkProfile: { dnsServiceIP: "10.200.0.10" },
                agentPoolProfiles: [{ vnetSubnetID: "/s/kubenet" }],
            });
            expect(JSON.stringify(resource)).not.toMatch(/dnsServiceIp|vnetSubnetId|"properties"/);
        }
    });
    test.each<[string, unknown]>([
        ["one object", armRoute],
        ["a list", [azRoute, armRoute]],
        ['an az rest page {"value": [...]}', { value: [armRoute, azRoute], nextLink: null }],
    ])("%s of routes", (_, document) => {
        const routes = readAzureResources(
            source(write("routes.json", JSON.stringify(document)), "routes.json"),
            AZURE_KINDS.route,
        );
        expect(
            routes.every(
                ({ resource }) =>
                    (resource as any).addressPrefix === "10.100.1.0/24" &&
                    (resource as any).nextHopIpAddress === "10.220.1.4",
            ),
        ).toBe(true);
    });
    test("a document without a type is judged by its fields (the lab's own snapshots)", () => {
        const file = write(
            "routes.json",
            JSON.stringify([
                {
                    name: "node-0",
                    addressPrefix: "10.100.0.0/24",
                    nextHopType: "VirtualAppliance",
                    nextHopIpAddress: "10.220.1.4",
                },
            ]),
        );
        expect(readAzureResources(source(file, "routes.json"), AZURE_KINDS.route)).toHaveLength(1);
    });
    test("one resource among several is picked by a rule, or refused", () => {
        const subnets = [
            { name: "kubenet", addressPrefix: "10.220.1.0/24" },
            { name: "services", addressPrefix: "10.220.3.0/24" },
        ];
        const file = write("subnets.json", JSON.stringify(subnets));
        expect(
            readAzureResource<{ name: string }>(
                source(file, "subnet.json"),
                AZURE_KINDS.subnet,
                (subnet) => subnet.name === "services",
            ).resource.name,
        ).toBe("services");
        expect(() => readAzureResource(source(file, "subnet.json"), AZURE_KINDS.subnet)).toThrow(
            /holds 2 of them; give exactly one \(a subnet\)/,
        );
        expect(() =>
            readAzureResource<{ name: string }>(
                source(file, "subnet.json"),
                AZURE_KINDS.subnet,
                (subnet) => subnet.name === "azurecni",
            ),
        ).toThrow(/none the one wanted/);
    });
});

describe("anything else is refused, naming the file, what was expected and the command", () => {
    test.each<[string, string, RegExp]>([
        [
            "a route table where routes were wanted",
            JSON.stringify({ type: "Microsoft.Network/routeTables", routes: [azRoute] }),
            /^--cluster .* holds a Microsoft\.Network\/routeTables, not a route as az or ARM print it; write it with `az aks show/,
        ],
        ["YAML", "apiVersion: v1\nitems: []\nkind: List\n", /is YAML \(-o yaml\), not JSON \(-o json\)/],
        [
            "a table",
            "Name    AddressPrefix\n----    -------------\nr0      10.100.1.0/24\n",
            /is a table \(-o table\), not JSON/,
        ],
        ["an empty file", "", /is empty; write it with/],
        ["a number", "42", /holds 42 where a route was expected/],
    ])("%s", (_, content, message) => {
        expect(() => readAzureResources(source(write("bad.json", content)), AZURE_KINDS.route)).toThrow(message);
    });
    test("a missing file", () => {
        expect(() => readJsonDocument(source(path.join(dir, "nope.json")))).toThrow(
            /^cannot read --cluster .*nope\.json: ENOENT$/,
        );
    });
    test("Kubernetes lists: one object of the kind is refused with the list command", () => {
        const file = write("pods.json", JSON.stringify({ kind: "Pod", metadata: { name: "p" } }));
        const pods = { file, label: "pods.json", command: "kubectl get pods -A -o json" };
        expect(() => readKubernetesList(pods, "Pod")).toThrow(
            /holds one Pod, not the list of them; write it with `kubectl get pods -A -o json`/,
        );
        fs.writeFileSync(file, JSON.stringify({ kind: "List", items: [] }));
        expect(readKubernetesList(pods, "Pod").items).toEqual([]);
    });
});
