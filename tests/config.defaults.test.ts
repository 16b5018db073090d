/** The CLI applies Pulumi.yaml's defaults; the SDK does not: the code's table must match it. */
import { CONFIG_DEFAULTS, PROJECT_NAME } from "../config";
import { projectConfig, readYaml } from "../stackFiles";

const typeOf = (value: unknown) => (typeof value === "number" ? "integer" : typeof value);

test("Pulumi.yaml declares exactly the keys of the defaults table, with the same defaults and types", () => {
    const declared = Object.entries(projectConfig()).filter(([key]) => !key.includes(":"));
    expect(Object.fromEntries(declared.map(([key, entry]) => [key, entry.default]))).toEqual(CONFIG_DEFAULTS);
    for (const [key, entry] of declared) {
        expect([key, entry.type]).toEqual([key, typeOf(CONFIG_DEFAULTS[key as keyof typeof CONFIG_DEFAULTS])]);
        expect([key, (entry.description ?? "").length > 10]).toEqual([key, true]);
    }
});

test("the project is aks-kubenet on nodejs and refuses the default Kubernetes provider", () => {
    const project = readYaml("Pulumi.yaml");
    expect(project.name).toBe(PROJECT_NAME);
    expect(project.runtime.name).toBe("nodejs");
    expect(projectConfig()["pulumi:disable-default-providers"].value).toEqual(["kubernetes"]);
});

test("Pulumi.dev.yaml sets the location and restates the seed's values", () => {
    const dev = readYaml<{ config: Record<string, string> }>("Pulumi.dev.yaml").config;
    expect(dev["azure-native:location"]).toBe("eastus");
    expect(dev).toMatchObject({
        "aks-kubenet:resourceGroupName": "NetworkLab",
        "aks-kubenet:vnetName": "aksvnet",
        "aks-kubenet:vnetCidr": "10.220.0.0/16",
        "aks-kubenet:kubenetSubnetCidr": "10.220.1.0/24",
        "aks-kubenet:azureCniSubnetCidr": "10.220.2.0/24",
        "aks-kubenet:servicesSubnetCidr": "10.220.3.0/24",
        "aks-kubenet:clusterName": "kubenet-cluster",
        "aks-kubenet:podCidr": "10.100.0.0/16",
        "aks-kubenet:serviceCidr": "10.200.0.0/16",
        "aks-kubenet:dnsServiceIp": "10.200.0.10",
        "aks-kubenet:nodeCount": "3",
    });
});
