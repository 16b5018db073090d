/** How @pulumi/policy's server hands a policy its resources: props behind the proxy that throws on unknowns. */
import { unknownCheckingProxy } from "@pulumi/policy";

export const plain = (value: unknown): any => JSON.parse(JSON.stringify(value));
export type Resource = { type: string; name?: string; props: any; urn?: string };

export function violationsOf(policy: any, resource: Resource): string[] {
    const found: string[] = [];
    // As @pulumi/policy's server does: props behind the proxy that throws on unknown values.
    policy.validateResource(
        {
            type: resource.type,
            props: unknownCheckingProxy(resource.props),
            urn: resource.urn ?? `urn:${resource.name ?? "r"}`,
            name: resource.name ?? "r",
            opts: {},
            isType: () => false,
            asType: () => undefined,
            getConfig: () => ({}),
        },
        (message: string) => found.push(message),
    );
    return found;
}

/** A stack policy's violations with the URN each is reported on, as the policy server hands them over. */
export function stackReportsOf(policy: any, resources: Resource[]): Array<[string, string | undefined]> {
    const found: Array<[string, string | undefined]> = [];
    policy.validateStack(
        {
            resources: resources.map((resource) => ({
                ...resource,
                props: unknownCheckingProxy(resource.props),
                urn: resource.urn ?? `urn:${resource.name}`,
                name: resource.name ?? "r",
                opts: {},
                dependencies: [],
                propertyDependencies: {},
                isType: () => false,
                asType: () => undefined,
            })),
            getConfig: () => ({}),
        },
        (message: string, urn?: string) => found.push([message, urn]),
    );
    return found;
}

export function stackViolationsOf(policy: any, resources: Resource[]): string[] {
    return stackReportsOf(policy, resources).map(([message]) => message);
}
