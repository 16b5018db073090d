/**
 * preflight's live mode against fake `az`, `pulumi` and `kubelogin` on PATH: shell scripts that
 * record every argument list they are given and answer with a saved folder's files. It proves
 * that live mode runs only read-only commands (and which), that what it reads is judged as the
 * same files are with --from, that --save writes a folder --from reads, and that a tool missing
 * or signed out is a check that fails, not a crash.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { isReadOnly, READ_ONLY_COMMANDS, runReadOnly } from "../preflight/live";
import { detailOf, notPassing, removeSavedFolders, runPreflight, savedFolder } from "./helpers/preflight";

const FAKE_AZ = `#!/bin/sh
echo "az $*" >> "$PREFLIGHT_FAKE_LOG"
dir="$PREFLIGHT_FAKE_DIR"
if [ -n "$PREFLIGHT_FAKE_SIGNED_OUT" ]; then echo "ERROR: Please run 'az login' to setup account." >&2; exit 1; fi
case "$1 $2" in
  "account show") cat "$dir/account.json" ;;
  "role assignment")
    case "$*" in *--include-groups*)
      if [ -n "$PREFLIGHT_FAKE_NO_GRAPH" ]; then echo "ERROR: Insufficient privileges to complete the operation." >&2; exit 1; fi ;;
    esac
    cat "$dir/role-assignments.json" ;;
  "vm list-usage") cat "$dir/usage.json" ;;
  "vm list-skus") cat "$dir/skus.json" ;;
  "provider list") cat "$dir/providers.json" ;;
  "group list") cat "$dir/groups.json" ;;
  "aks list") if [ -f "$dir/clusters.json" ]; then cat "$dir/clusters.json"; else echo "[]"; fi ;;
  *) echo "ERROR: the fake az does not know: $*" >&2; exit 2 ;;
esac
`;
const FAKE_PULUMI = `#!/bin/sh
echo "pulumi $*" >> "$PREFLIGHT_FAKE_LOG"
case "$1" in
  version) echo "v3.270.0" ;;
  whoami) echo "deployer" ;;
  stack)
    if [ -f "$PREFLIGHT_FAKE_DIR/stack.json" ]; then cat "$PREFLIGHT_FAKE_DIR/stack.json";
    else echo "error: no stack named 'dev' found" >&2; exit 255; fi ;;
  *) echo "error: the fake pulumi does not know: $*" >&2; exit 2 ;;
esac
`;
const FAKE_KUBELOGIN = `#!/bin/sh
echo "kubelogin $*" >> "$PREFLIGHT_FAKE_LOG"
echo "kubelogin version"
echo "git hash: v0.2.10/7b2c1f4"
`;

/** Words no read-only command has: what a command that changes something would carry. */
const WRITING_WORDS = [
    "create",
    "delete",
    "set",
    "register",
    "update",
    "login",
    "logout",
    "import",
    "up",
    "destroy",
    "refresh",
    "config",
    "new",
    "rm",
];

let bin: string;
let log: string;
const savedEnv = { ...process.env };

beforeEach(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-fakes-"));
    log = path.join(bin, "calls.log");
    for (const [name, script] of Object.entries({ az: FAKE_AZ, pulumi: FAKE_PULUMI, kubelogin: FAKE_KUBELOGIN }))
        fs.writeFileSync(path.join(bin, name), script, { mode: 0o755 });
    fs.writeFileSync(log, "");
});
afterEach(() => {
    process.env = { ...savedEnv };
    fs.rmSync(bin, { recursive: true, force: true });
});
afterAll(removeSavedFolders);

/** Live preflight with the fakes first on PATH (and nothing but the system's tools after them). */
async function live(folder: string, args: string[] = [], env: Record<string, string> = {}) {
    process.env = {
        ...savedEnv,
        PATH: `${bin}:/usr/bin:/bin`,
        PREFLIGHT_FAKE_LOG: log,
        PREFLIGHT_FAKE_DIR: folder,
        ...env,
    };
    const run = await runPreflight(args);
    const calls = fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
    return { ...run, calls };
}

test("live mode runs only read-only commands, these, and judges the healthy subscription as --from does", async () => {
    const run = await live(savedFolder());
    expect([run.code, run.stderr, notPassing(run.checks)]).toEqual([0, "", {}]);
    expect([...run.calls].sort()).toEqual(
        [
            "az account show -o json",
            "az group list -o json",
            "az provider list --query [].{namespace:namespace,registrationState:registrationState} -o json",
            "az role assignment list --assignee deployer@contoso.com --all --include-inherited --include-groups -o json",
            "az vm list-skus -l eastus --resource-type virtualMachines --all -o json",
            "az vm list-usage -l eastus -o json",
            "kubelogin --version",
            "pulumi stack export --stack dev",
            "pulumi version",
            "pulumi whoami",
        ].sort(),
    );
    for (const call of run.calls) {
        expect([call, isReadOnly(call.split(" "))]).toEqual([call, true]);
        expect([call, call.split(" ").filter((word) => WRITING_WORDS.includes(word))]).toEqual([call, []]);
    }
    // The workstation's checks come first, from what the fakes printed.
    expect(run.checks.slice(0, 5).map((check) => [check.check, check.detail])).toEqual([
        ["Node.js", `${process.versions.node} (needs 22 or newer)`],
        ["Pulumi CLI", "v3.270.0"],
        ["Pulumi login", "logged in as deployer"],
        ["Azure CLI signed in", "deployer@contoso.com (user)"],
        ["kubelogin (clusterAccess entra)", "kubelogin version"],
    ]);
    const saved = await runPreflight(["--from", savedFolder()]);
    expect(run.checks.slice(5)).toEqual(saved.checks);
});

test("--save writes a folder --from reads to the same verdicts; the state keeps only type, URN and id", async () => {
    const folder = savedFolder("group-is-the-stacks");
    const target = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-saved-"));
    try {
        const run = await live(folder, ["--save", target]);
        expect(run.calls).toContain("az aks list -g NetworkLab -o json");
        expect(fs.readdirSync(target).sort()).toEqual([
            "account.json",
            "clusters.json",
            "groups.json",
            "providers.json",
            "role-assignments.json",
            "skus.json",
            "stack.json",
            "usage.json",
        ]);
        const state = JSON.parse(fs.readFileSync(path.join(target, "stack.json"), "utf8")) as {
            deployment: { resources: Array<Record<string, unknown>> };
        };
        expect(state.deployment.resources.map((resource) => Object.keys(resource).sort())).toEqual([
            ["type", "urn"],
            ["id", "type", "urn"],
            ["id", "type", "urn"],
        ]);
        const again = await runPreflight(["--from", target]);
        expect([again.code, notPassing(again.checks)]).toEqual([0, {}]);
        expect(again.checks).toEqual(run.checks.slice(5));
        expect(detailOf(again.checks, "resource group name NetworkLab")).toBe(
            "exists, and stack dev holds it in its state",
        );
    } finally {
        fs.rmSync(target, { recursive: true, force: true });
    }
});

test("a stack pinned to a subscription (ARM_SUBSCRIPTION_ID here) asks az about that one in every call", async () => {
    const pinned = "3f2c8a10-5b7e-4d21-9c4a-7e1d2b3c4d5e";
    const run = await live(savedFolder(), [], { ARM_SUBSCRIPTION_ID: pinned });
    expect([run.code, notPassing(run.checks)]).toEqual([0, {}]);
    const azCalls = run.calls.filter((call) => call.startsWith("az "));
    expect(azCalls).toHaveLength(6);
    for (const call of azCalls) expect([call, call.includes(` --subscription ${pinned} `)]).toEqual([call, true]);
    // Another subscription than the one az answers for is named, with the fix.
    const other = await live(savedFolder(), [], { ARM_SUBSCRIPTION_ID: "aaaaaaaa-0000-4000-8000-000000000000" });
    expect(notPassing(other.checks)).toEqual({ subscription: "FAIL" });
});

test("signed out of az: that check fails, the subscription's cannot tell, and nothing crashes", async () => {
    const run = await live(savedFolder(), [], { PREFLIGHT_FAKE_SIGNED_OUT: "1" });
    expect(run.code).toBe(1);
    expect(notPassing(run.checks)["Azure CLI signed in"]).toBe("FAIL");
    expect(detailOf(run.checks, "Azure CLI signed in")).toBe(
        "`az account show` failed: ERROR: Please run 'az login' to setup account.",
    );
    // Every subscription check cannot tell; only "clusterAdmins is empty" needs nothing from Azure.
    expect(run.checks.slice(5).filter((check) => check.verdict !== "CANNOT TELL")).toEqual([
        expect.objectContaining({ check: "you administer the cluster (clusterAdmins)", verdict: "PASS" }),
    ]);
    // No role listing without knowing whom to list them for.
    expect(run.calls.filter((call) => call.startsWith("az role"))).toEqual([]);
});

test("kubelogin and the Pulumi CLI missing are failed checks with the install step", async () => {
    fs.rmSync(path.join(bin, "kubelogin"));
    fs.rmSync(path.join(bin, "pulumi"));
    const run = await live(savedFolder());
    expect(notPassing(run.checks)).toEqual({
        "Pulumi CLI": "FAIL",
        "Pulumi login": "FAIL",
        "kubelogin (clusterAccess entra)": "FAIL",
        // Without the Pulumi CLI the state cannot be read; the group is free, so that does not matter here.
    });
    expect(detailOf(run.checks, "kubelogin (clusterAccess entra)")).toBe("`kubelogin` is not installed or not on PATH");
});

test("without Microsoft Graph for --include-groups, the listing is retried without it and says so", async () => {
    const run = await live(savedFolder("right-maybe-through-group"), [], { PREFLIGHT_FAKE_NO_GRAPH: "1" });
    expect(run.calls.filter((call) => call.startsWith("az role"))).toEqual([
        "az role assignment list --assignee deployer@contoso.com --all --include-inherited --include-groups -o json",
        "az role assignment list --assignee deployer@contoso.com --all --include-inherited -o json",
    ]);
    expect(notPassing(run.checks)).toEqual({ "right to write role assignments": "CANNOT TELL" });
    // With Graph, the same listing is known to include groups: no right is then a FAIL.
    const withGraph = await live(savedFolder("right-maybe-through-group"));
    expect(notPassing(withGraph.checks)).toEqual({ "right to write role assignments": "FAIL" });
});

test("the shell refuses any command outside the read-only list before starting it", () => {
    for (const argv of [
        ["az", "group", "create", "-n", "NetworkLab", "-l", "eastus"],
        ["az", "provider", "register", "--namespace", "Microsoft.ContainerService"],
        ["az", "account", "set", "-s", "x"],
        ["pulumi", "up"],
        ["pulumi", "stack", "rm"],
    ])
        expect(() => runReadOnly(argv)).toThrow(/runs only read-only commands/);
    expect(READ_ONLY_COMMANDS.every((command) => isReadOnly(command))).toBe(true);
});
