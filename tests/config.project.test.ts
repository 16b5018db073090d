/** Pulumi.yaml is the one source of the keys, their types and defaults; the dev stack adds only its location. */
import { ARRAY_KEYS, BOOLEAN_KEYS, CONFIG_KEYS, INTEGER_KEYS, PROJECT_NAME, validateConfig } from "../config";
import { projectConfig, rawStackConfig, readYaml } from "../stackFiles";

const declared = Object.entries(projectConfig()).filter(([key]) => !key.includes(":"));

test("Pulumi.yaml declares exactly the keys the program reads, each typed as config/ parses it, with a default and a description", () => {
    expect(declared.map(([key]) => key).sort()).toEqual([...CONFIG_KEYS].sort());
    for (const [key, entry] of declared) {
        const parsedAs = INTEGER_KEYS.includes(key as never)
            ? "integer"
            : BOOLEAN_KEYS.includes(key as never)
              ? "boolean"
              : ARRAY_KEYS.includes(key as never)
                ? "array"
                : "string";
        expect([key, entry.type, entry.default !== undefined, (entry.description ?? "").length > 10]).toEqual([
            key,
            parsedAs,
            true,
            true,
        ]);
    }
});

test("every default passes validation: a stack that sets only its location is valid", () => {
    const result = validateConfig({ ...rawStackConfig("dev") });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
});

test("the project is aks-kubenet on nodejs and refuses the default Kubernetes provider", () => {
    const project = readYaml<any>("Pulumi.yaml");
    expect(project.name).toBe(PROJECT_NAME);
    expect(project.runtime.name).toBe("nodejs");
    expect(projectConfig()["pulumi:disable-default-providers"].value).toEqual(["kubernetes"]);
});

test("Pulumi.dev.yaml sets only the location; the dev stack is the tutorial's lab", () => {
    expect(readYaml<{ config: Record<string, string> }>("Pulumi.dev.yaml").config).toEqual({
        "azure-native:location": "eastus",
    });
    expect(validateConfig(rawStackConfig("dev")).config).toMatchObject({
        location: "eastus",
        resourceGroupName: "NetworkLab",
        vnetName: "aksvnet",
        vnetCidr: "10.220.0.0/16",
        kubenetSubnetCidr: "10.220.1.0/24",
        azureCniSubnetCidr: "10.220.2.0/24",
        servicesSubnetCidr: "10.220.3.0/24",
        clusterName: "kubenet-cluster",
        podCidr: "10.100.0.0/16",
        serviceCidr: "10.200.0.0/16",
        dnsServiceIp: "10.200.0.10",
        nodeCount: 3,
        nginxReplicas: 3,
        networkPlugin: "kubenet",
    });
});
