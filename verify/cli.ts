/**
 * npm run --silent verify -- [--stack NAME] [--cluster main|azurecni] [--from DIR | --save DIR] [--json]
 * Checks the tutorial's observations on a deployed cluster, a saved snapshot or the lab's snapshot.
 */
import "../cli/nodeVersion"; // first: stops with one line on Node older than package.json's engines
import {
    EXIT_CHECK_FAILED,
    EXIT_OK,
    formatTable,
    parseOptions,
    runMain,
    STACK_TOOL_OPTIONS,
    UsageError,
} from "../cli/shell";
import { validatedStackConfig } from "../stackFiles";
import { checkSnapshot } from "./checks";
import { RotationVerdict, stackRotationVerdict } from "./rotation";
import { CLUSTER_CHOICES, parseClusterChoice } from "../names";
import { expectedFor, snapshotNamesOf } from "./expected";
import { incompletePodsCapture, readSnapshot, SNAPSHOT_FILES, snapshotCommands, writeSnapshot } from "./snapshot";

const USAGE = `usage: npm run --silent verify -- [--stack NAME] [--cluster main|azurecni] [--from DIR | --save DIR] [--json]
  --stack NAME     the stack whose config and address plan say what to expect (default dev)
  --cluster C      main (the cluster in the kubenet subnet, kubenet or Overlay; default) or
                   azurecni (part 2's cluster); kubenet is accepted for main
  --from DIR       check a saved snapshot (${Object.values(SNAPSHOT_FILES).join(", ")}); nothing is
                   contacted. Azure files in the az CLI's shape or ARM's, UTF-8 or UTF-16 (docs/verify.md)
  --save DIR       gather from the live deployment, write the snapshot to DIR, and check it
  --json           print {checks: [{name, ok, expected, observed}], passed, failed, certificates}
  --history-depth N  live, on an Entra ID cluster: read at most N of the stack's newest checkpoints
                   for a client certificate from its local-accounts days (default 50)
Without --from, the kubeconfig comes from the stack's secret output (Pulumi CLI, logged in) and the
route table and subnet from Azure (az login). Exit 0 when every check passes, 1 when one fails,
2 when the input cannot be used.`;

export async function main(argv: string[]): Promise<number> {
    const { values } = parseOptions({
        args: argv,
        allowPositionals: false,
        options: {
            ...STACK_TOOL_OPTIONS,
            cluster: { type: "string", default: "main" },
            from: { type: "string" },
            save: { type: "string" },
            "history-depth": { type: "string", default: "50" },
        },
    });
    if (values.help) {
        console.log(USAGE);
        return EXIT_OK;
    }
    const cluster = parseClusterChoice(values.cluster);
    if (!cluster) throw new UsageError(`--cluster ${values.cluster}: use ${CLUSTER_CHOICES.join(" or ")}`);
    if (values.from && values.save)
        throw new UsageError("--from reads a snapshot and --save writes one: give one of them");
    // The Azure CNI cluster's expectations exist even when the stack has it off (the lab builds it anyway).
    const config = validatedStackConfig(values.stack, cluster === "azurecni" ? { azureCniCluster: "true" } : {});
    const expected = expectedFor(config, cluster);

    const names = snapshotNamesOf(expected);
    const depth = Number(values["history-depth"]);
    if (!Number.isInteger(depth) || depth < 1)
        throw new UsageError(
            `--history-depth ${values["history-depth"]}: give a whole number of checkpoints, 1 or more`,
        );
    let snapshot;
    let certificates: RotationVerdict | undefined;
    if (values.from) {
        snapshot = readSnapshot(values.from, names);
    } else {
        const { gatherLiveWithAccess } = await import("./live");
        const live = await gatherLiveWithAccess(values.stack, expected);
        snapshot = live.snapshot;
        // Entra ID: were the certificates of the stack's local-accounts days rotated (migrate/entra.ts)?
        if (config.clusterAccess === "entra" && cluster === "main")
            certificates = stackRotationVerdict({
                stack: values.stack,
                kubeconfig: live.kubeconfig,
                resourceGroup: expected.resourceGroupName,
                clusterName: expected.clusterName,
                depth,
            });
        const incomplete = incompletePodsCapture(snapshot.pods.items, names.namespace);
        if (incomplete)
            throw new UsageError(
                `the cluster's pod list ${incomplete}; are the stack's credentials allowed to list every namespace?`,
            );
        if (values.save)
            for (const file of writeSnapshot(values.save, snapshot)) console.error(`verify: wrote ${file}`);
    }

    const checks = [
        ...checkSnapshot(expected, snapshot),
        // A row only where there is something to judge; "nothing to rotate" and "cannot tell" are notes.
        ...(certificates && (certificates.state === "rotated" || certificates.state === "not-rotated")
            ? [
                  {
                      name: "certificates rotated since local accounts",
                      ok: certificates.state === "rotated",
                      expected: "no certificate from the stack's checkpoints signed by the cluster's CA",
                      observed: certificates.detail,
                  },
              ]
            : []),
    ];
    const passed = checks.filter((result) => result.ok).length;
    const failed = checks.length - passed;
    if (values.json) {
        console.log(JSON.stringify({ checks, passed, failed, certificates }, null, 2));
    } else {
        console.log(
            `${expected.clusterName} (${expected.plugin.title}, stack ${values.stack}${values.from ? `, snapshot ${values.from}` : ", live"})`,
        );
        console.log(
            formatTable(
                ["result", "check", "expected", "observed"],
                checks.map((result) => [result.ok ? "PASS" : "FAIL", result.name, result.expected, result.observed]),
            ),
        );
        if (certificates && (certificates.state === "none" || certificates.state === "unknown"))
            console.log(`NOTE  certificates: ${certificates.detail}`);
        if (values.from && config.clusterAccess === "entra")
            console.log("NOTE  certificates: whether they were rotated since local accounts is checked live only");
        console.log(`\n${passed} passed, ${failed} failed`);
        if (failed > 0 && !values.from) {
            console.log(
                `To attach to a bug report: npm run --silent verify -- --stack ${values.stack} --cluster ${cluster} ` +
                    `--save DIR, or by hand:\n  ${snapshotCommands(names).join("\n  ")}`,
            );
        }
    }
    return failed === 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

runMain("verify", main, module);
