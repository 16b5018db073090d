/**
 * Runs deployment/index.ts (Pulumi Deployments, main's protection, the e2e environment) under the
 * SDK's mock runtime and records every resource it registers, with the config a test gives on top
 * of a complete one.
 */
import type * as pulumiType from "@pulumi/pulumi";

export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly inputs: any;
}

export const DEPLOYMENT_CONFIG = Object.freeze({
    organization: "acme",
    repository: "acme/aks-kubenet",
    azureClientId: "client",
    azureTenantId: "tenant",
    azureSubscriptionId: "subscription",
    deployers: JSON.stringify(["alice", "bob"]),
    maintainers: JSON.stringify(["alice-gh", "bob-gh"]),
});

export async function runDeploymentProgram(config: Record<string, string> = {}): Promise<Registered[]> {
    const registered: Registered[] = [];
    await jest.isolateModulesAsync(async () => {
        const pulumi: typeof pulumiType = require("@pulumi/pulumi");
        pulumi.runtime.setAllConfig(
            Object.fromEntries(
                Object.entries({ ...DEPLOYMENT_CONFIG, ...config }).map(([key, value]) => [
                    `aks-kubenet-deployment:${key}`,
                    value,
                ]),
            ),
        );
        await pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
                    return {
                        id: args.type === "github:index/team:Team" ? "4242" : `${args.name}-id`,
                        state: args.inputs,
                    };
                },
                call: () => ({}),
            },
            "aks-kubenet-deployment",
            "settings",
            false,
        );
        const program = require("../../deployment/index");
        await new Promise((resolve) => program.deploymentSettingsStack.apply(resolve));
        // Outputs derived from ids (the environment's reviewer team) resolve after the stack's own.
        await new Promise((resolve) => setTimeout(resolve, 50));
    });
    return registered;
}

export const ofType = (registered: readonly Registered[], type: string) =>
    registered.filter((resource) => resource.type === type);
