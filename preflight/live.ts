/**
 * Live mode's thin shell: runs `az`, `pulumi` and `kubelogin` as the signed-in user and hands
 * what they print to the same parsers --from uses. It only reads: every command it may run is in
 * READ_ONLY_COMMANDS, checked before it starts (a test runs it against a fake `az` on PATH that
 * records its arguments). A command that fails becomes a reason some checks CANNOT TELL, not a crash.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { DocumentSource } from "../cli/documents";
import { requiredNodeMajor } from "../cli/nodeVersion";
import { UsageError } from "../cli/shell";
import { REPO_ROOT } from "../stackFiles";
import type { Gathered } from "./checks";
import {
    CommandNames,
    commandNamesOf,
    OPTIONAL_FILES,
    parseAccount,
    parseClusters,
    parseGroups,
    parseProviders,
    parseRoleAssignments,
    parseSkus,
    parseStackState,
    parseUsage,
    PREFLIGHT_FILES,
} from "./documents";
import type { StackNeeds } from "./needs";
import { listingOf } from "./rights";
import { Evidence, known, missing, sameName } from "./verdicts";

/** The commands live mode may run, by their leading words: each one only reads. */
export const READ_ONLY_COMMANDS: readonly (readonly string[])[] = [
    ["az", "account", "show"],
    ["az", "role", "assignment", "list"],
    ["az", "vm", "list-usage"],
    ["az", "vm", "list-skus"],
    ["az", "provider", "list"],
    ["az", "group", "list"],
    ["az", "aks", "list"],
    ["pulumi", "version"],
    ["pulumi", "whoami"],
    ["pulumi", "stack", "export"],
    ["kubelogin", "--version"],
];

export function isReadOnly(argv: readonly string[]): boolean {
    return READ_ONLY_COMMANDS.some((prefix) => prefix.every((word, index) => argv[index] === word));
}

/** The leading words of each saved file's command, split as the shell would (no quoting in them). */
const wordsOf = (command: string) => command.split(" ");

/** A command's name without its options: "az role assignment list". */
function commandWords(argv: readonly string[]): string {
    const firstOption = argv.findIndex((word) => word.startsWith("-"));
    return (firstOption < 0 ? argv : argv.slice(0, firstOption)).join(" ");
}

interface Output {
    readonly argv: readonly string[];
    readonly stdout: Evidence<string>;
}

/** Runs one read-only command; its failure (not installed, not signed in, refused) becomes a reason. */
export function runReadOnly(argv: readonly string[], cwd = REPO_ROOT): Promise<Output> {
    if (!isReadOnly(argv)) throw new Error(`preflight runs only read-only commands, not: ${argv.join(" ")}`);
    const [command, ...args] = argv;
    return new Promise((resolve) => {
        execFile(
            command,
            args,
            {
                cwd,
                maxBuffer: 256 * 1024 * 1024,
                timeout: 180000,
                // az is az.cmd on Windows, which only a shell starts.
                shell: process.platform === "win32",
                env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true", AZURE_CORE_ONLY_SHOW_ERRORS: "true" },
            },
            (error, stdout, stderr) => {
                if (!error) return resolve({ argv, stdout: known(stdout) });
                const notInstalled = (error as NodeJS.ErrnoException).code === "ENOENT";
                const said = `${stderr}`
                    .split("\n")
                    .find((line) => line.trim() !== "")
                    ?.trim();
                resolve({
                    argv,
                    stdout: missing(
                        notInstalled
                            ? `\`${command}\` is not installed or not on PATH`
                            : `\`${commandWords(argv)}\` failed: ${said ?? error.message.split("\n")[0]}`,
                    ),
                });
            },
        );
    });
}

/** JSON from a command's output, parsed as the saved file would be; a wrong shape becomes a reason. */
function parsed<T>(output: Output, parse: (document: unknown, source: DocumentSource) => T): Evidence<T> {
    if (!output.stdout.ok) return output.stdout;
    const command = output.argv.join(" ");
    try {
        return known(parse(JSON.parse(output.stdout.value), { file: command, label: `\`${command}\``, command }));
    } catch (error) {
        return missing(error instanceof UsageError ? error.message : `\`${command}\` printed no JSON`);
    }
}

const firstLine = (output: Output): Evidence<string> =>
    output.stdout.ok ? known(output.stdout.value.trim().split("\n")[0]) : output.stdout;

export interface LiveRun {
    readonly gathered: Gathered;
    /** Each command's argv and raw output, for --save. */
    readonly outputs: readonly Output[];
}

/** Everything the checks need, from the live subscription and this machine. Commands run in parallel. */
export async function gatherLive(needs: StackNeeds): Promise<LiveRun> {
    const names = commandNamesOf(needs);
    const command = (key: keyof typeof PREFLIGHT_FILES) => wordsOf(PREFLIGHT_FILES[key].command(names));
    const [account, usage, skus, providers, groups, state, pulumiVersion, pulumiUser, kubelogin] = await Promise.all([
        runReadOnly(command("account")),
        runReadOnly(command("usage")),
        runReadOnly(command("skus")),
        // Only the two fields the check reads: the full list runs to megabytes of resource types.
        runReadOnly(
            command("providers").flatMap((word) =>
                word === "-o"
                    ? ["--query", "[].{namespace:namespace,registrationState:registrationState}", word]
                    : [word],
            ),
        ),
        runReadOnly(command("groups")),
        runReadOnly(wordsOf(OPTIONAL_FILES.stack.command(names))),
        runReadOnly(["pulumi", "version"]),
        runReadOnly(["pulumi", "whoami"]),
        needs.entra ? runReadOnly(["kubelogin", "--version"]) : undefined,
    ]);
    const accountDocument = parsed(account, parseAccount);
    const groupList = parsed(groups, parseGroups);

    // Who to list role assignments for is known once az account show answered.
    const assignee = accountDocument.ok ? accountDocument.value.user.name : undefined;
    const listAssignments = (withGroups: boolean) =>
        runReadOnly(
            wordsOf(PREFLIGHT_FILES.roleAssignments.command({ ...names, assignee })).filter(
                (word) => withGroups || word !== "--include-groups",
            ),
        );
    let assignments = assignee ? await listAssignments(true) : undefined;
    let groupsIncluded = true;
    if (assignments && !assignments.stdout.ok) {
        // --include-groups reads group memberships from Microsoft Graph, which not every identity may.
        assignments = await listAssignments(false);
        groupsIncluded = false;
    }
    const groupExists = groupList.ok && groupList.value.some((group) => sameName(group.name, needs.resourceGroupName));
    const clusters = groupExists ? await runReadOnly(wordsOf(OPTIONAL_FILES.clusters.command(names))) : undefined;

    const stackState: Evidence<ReturnType<typeof parseStackState>> =
        !state.stdout.ok && /no stack named|stack .*not found|does not exist/i.test(state.stdout.reason)
            ? known([]) // a stack never created holds nothing
            : parsed(state, parseStackState);
    const gathered: Gathered = {
        account: accountDocument,
        roleAssignments: assignments
            ? (() => {
                  const list = parsed(assignments, parseRoleAssignments);
                  return list.ok ? known(listingOf(list.value, groupsIncluded)) : list;
              })()
            : missing(accountDocument.ok ? "no user name in az account show" : accountDocument.reason),
        usage: parsed(usage, parseUsage),
        skus: parsed(skus, parseSkus),
        providers: parsed(providers, parseProviders),
        groups: groupList,
        state: stackState,
        clusters: clusters ? parsed(clusters, parseClusters) : known([]),
        workstation: {
            nodeVersion: process.versions.node,
            requiredNodeMajor: requiredNodeMajor(),
            pulumiVersion: firstLine(pulumiVersion),
            pulumiUser: firstLine(pulumiUser),
            kubeloginVersion: kubelogin ? firstLine(kubelogin) : undefined,
        },
    };
    const outputs = [
        account,
        usage,
        skus,
        providers,
        groups,
        state,
        ...(assignments ? [assignments] : []),
        ...(clusters ? [clusters] : []),
    ];
    return { gathered, outputs };
}

/** The saved folder's file for each command live mode ran. */
function fileFor(argv: readonly string[]): string | undefined {
    const all = { ...PREFLIGHT_FILES, ...OPTIONAL_FILES };
    const placeholder: CommandNames = { location: "", resourceGroup: "", stack: "" };
    return Object.values(all).find(({ command }) => {
        const words = wordsOf(command(placeholder));
        return words.slice(0, 3).every((word, index) => argv[index] === word);
    })?.file;
}

/**
 * Writes what live mode read into `dir`, as --from reads it. The stack's state keeps only each
 * resource's type, URN and id: its inputs and outputs stay out of a folder meant for tickets.
 */
export function saveOutputs(dir: string, outputs: readonly Output[]): string[] {
    fs.mkdirSync(dir, { recursive: true });
    return outputs.flatMap((output) => {
        const file = fileFor(output.argv);
        if (!file || !output.stdout.ok) return [];
        let text = output.stdout.value;
        if (file === OPTIONAL_FILES.stack.file) {
            const exported = JSON.parse(text) as {
                version: number;
                deployment?: { resources?: Array<Record<string, unknown>> };
            };
            const resources = (exported.deployment?.resources ?? []).map(({ urn, type, id }) => ({ urn, type, id }));
            text = `${JSON.stringify({ version: exported.version, deployment: { resources } }, null, 2)}\n`;
        }
        const target = path.join(dir, file);
        fs.writeFileSync(target, text);
        return [target];
    });
}
