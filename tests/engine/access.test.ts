/**
 * Cluster access on the real engine (#24): a deployed local-accounts cluster moves to Microsoft
 * Entra ID in place (no replacement, the workloads kept, the certificate gone from the state),
 * and turning Entra ID off again is refused by the guard and by AKS (the stand-in, as AKS does).
 */
import { down } from "../../engine/plane";
import { guardPreview, PreviewStep, readPreview } from "../../guard/previewGuard";
import { apiServerOf, bearerCredentialsInDocument } from "../../kubeconfig";
import { Rehearsal, runPulumi } from "../../rehearsal/rehearsal";
import { rotationVerdict, stackRotationVerdict } from "../../verify/rotation";
import { jsonOf, PulumiRun, startRehearsal, tail, uniqueName } from "./helpers";

let rehearsal: Rehearsal;
const pulumi = (...args: string[]) => runPulumi(rehearsal, [...args, "--stack", "dev"]);
const ok = (run: PulumiRun) => expect([run.status, tail(run)]).toEqual([0, expect.any(String)]);
const preview = (): PreviewStep[] => {
    const run = pulumi("preview", "--json");
    ok(run);
    const read = readPreview(jsonOf(run));
    if ("error" in read) throw new Error(read.error);
    return read.steps;
};
const opOf = (steps: PreviewStep[], name: string) => steps.find((step) => step.urn.endsWith(`::${name}`))?.op;
const credentialsInState = () => bearerCredentialsInDocument(jsonOf(pulumi("stack", "export", "--show-secrets")));

beforeAll(async () => {
    rehearsal = await startRehearsal(uniqueName("acc"));
    ok(pulumi("config", "set", "clusterAccess", "localAccounts"));
    ok(pulumi("up", "--yes", "--skip-preview"));
});
afterAll(async () => {
    if (rehearsal) await down({ name: rehearsal.name, stack: "dev", explicitName: true });
});

let localAccountsExport: unknown;
test("the local-accounts cluster's state holds its certificate (the control case of the state scan)", () => {
    localAccountsExport = jsonOf(pulumi("stack", "export", "--show-secrets"));
    expect(credentialsInState()).toEqual(
        expect.arrayContaining([
            expect.stringMatching(/client-key-data$/),
            expect.stringMatching(/client-certificate-data$/),
        ]),
    );
});

test("moving to Entra ID updates the cluster and the provider in place; the workloads stay; the state no longer holds a credential", () => {
    ok(pulumi("config", "rm", "clusterAccess")); // the default: entra
    const steps = preview();
    expect(opOf(steps, "cluster-aks")).toBe("update");
    expect(opOf(steps, "cluster-k8s")).toBe("update");
    expect(opOf(steps, "cluster-rbac-cluster-admin-deployer")).toBe("create");
    // The workloads are kept: at most an update of their provider reference, never a replacement.
    for (const name of ["nginx-namespace", "nginx-deployment", "nginx-pdb", "nginx-service"])
        expect([name, ["same", "update"].includes(opOf(steps, name) ?? "")]).toEqual([name, true]);
    expect(guardPreview(steps)).toMatchObject({ ok: true, losses: [], refusals: [] });
    ok(pulumi("up", "--yes", "--skip-preview"));
    expect(credentialsInState()).toEqual([]);
    expect(preview().filter((step) => step.op !== "same")).toEqual([]);
});

test("verify's rotation check (#31): on the real engine's documents, not rotated; a file backend's history it says it cannot read", () => {
    const outputs = jsonOf<{ kubeconfig: string }>(pulumi("stack", "output", "--json", "--show-secrets"));
    const names = { resourceGroup: "NetworkLab", clusterName: "kubenet-cluster" };
    // Through the history, as verify reads it live: a file backend cannot export earlier versions
    // (Pulumi Cloud can: `pulumi stack export --version N`), and verify says it cannot tell.
    const throughHistory = stackRotationVerdict({
        stack: "dev",
        kubeconfig: outputs.kubeconfig,
        depth: 50,
        pulumi: (args) => runPulumi(rehearsal, args),
        ...names,
    });
    expect(throughHistory).toEqual({
        state: "unknown",
        detail: expect.stringMatching(/^cannot tell: .*does not provide the ability to export previous deployments/),
    });
    // The verdict on the checkpoint of the local-accounts days (exported then) and the CA the
    // cluster serves after the move: the stand-in's AKS has no rotate-certs, so "not rotated".
    const verdict = rotationVerdict({
        checkpoints: [{ version: 1, document: localAccountsExport }],
        historyComplete: true,
        currentCaPem: Buffer.from(apiServerOf(outputs.kubeconfig).certificateAuthorityData, "base64").toString("utf8"),
        ...names,
    });
    expect(verdict).toEqual({
        state: "not-rotated",
        detail: expect.stringMatching(
            /^the certificate in checkpoint 1 .* is still signed by the cluster's CA: .*az aks rotate-certs -g NetworkLab -n kubenet-cluster/,
        ),
    });
});

test("turning Entra ID off again: the guard refuses the preview, and AKS refuses the update", () => {
    ok(pulumi("config", "set", "clusterAccess", "localAccounts"));
    const steps = preview();
    expect(guardPreview(steps, ["cluster-aks"]).refusals).toEqual([
        expect.objectContaining({ name: "cluster-aks", path: "aadProfile.managed", kind: "one-way" }),
    ]);
    const up = pulumi("up", "--yes", "--skip-preview");
    ok(pulumi("config", "rm", "clusterAccess"));
    expect(up.status).not.toBe(0);
    // ARM's answer, from AKS's rule (rehearsal/standIn/aksRules.ts, Microsoft's Entra ID page), not the guard's table.
    expect(`${up.stdout}${up.stderr}`).toMatch(
        /400 InvalidParameter: Microsoft Entra ID integration cannot be disabled once enabled .*\(target properties\.aadProfile\.managed\)/,
    );
});
