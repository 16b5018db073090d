/** The policy pack over the program itself, under the mock runtime: no misfires on what the program declares. */
import { policies } from "../policy/policies";
import { plain, stackViolationsOf, violationsOf } from "./helpers/policy";
import { runProgram } from "./helpers/program";

describe("the pack over the program itself (mock runtime: every resource's state)", () => {
    // As the policy server sees a stack: each resource's type, name, URN and state behind the proxy.
    async function violationsOver(config: Record<string, string>) {
        const run = await runProgram({ config });
        if (run.error) throw run.error;
        const resources = run.resources
            .filter((resource) => resource.custom)
            .map((resource) => ({
                type: resource.type,
                name: resource.name,
                urn: resource.urn,
                props: plain(run.states.get(resource.name) ?? resource.inputs),
            }));
        const found: Array<[string, string]> = [];
        for (const policy of policies) {
            const messages =
                "validateResource" in policy
                    ? resources.flatMap((resource) => violationsOf(policy, resource))
                    : stackViolationsOf(policy, resources);
            for (const message of messages) found.push([policy.name, message]);
        }
        return found;
    }

    test("kubenet: no mandatory violation, the retirement notice once", async () => {
        expect(await violationsOver({})).toEqual([
            ["kubenet-retirement-notice", expect.stringMatching(/31 March 2028/)],
        ]);
    });
    test("with the Azure CNI cluster: the kubenet policies do not misfire on it", async () => {
        expect(await violationsOver({ azureCniCluster: "true" })).toEqual([
            ["kubenet-retirement-notice", expect.stringMatching(/31 March 2028/)],
        ]);
    });
    test("Overlay: nothing at all", async () => {
        expect(await violationsOver({ networkPlugin: "overlay", azureCniCluster: "true" })).toEqual([]);
    });
});
