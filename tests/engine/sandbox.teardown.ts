/**
 * jest.engine.config.js globalTeardown: the tier leaves no process behind. Whatever still runs in
 * the sandbox (its variable in the process's environment) outside jest's own process tree was left
 * by a test or by a tool it ran: pulumi v3.274.1, for one, leaves the language host it started
 * running when it refuses a stack's config before the program runs (the kind of orphan of
 * pulumi/pulumi#8696). Each is named and stopped; one that survives SIGKILL fails the tier.
 */
import { commandOf, descendantsOf, stopProcesses } from "../../engine/processes";
import { processesWithVariable, SANDBOX_VARIABLE } from "./sandbox";

export default async function teardown(): Promise<void> {
    const sandbox = process.env[SANDBOX_VARIABLE];
    if (!sandbox) return;
    const ours = new Set(descendantsOf([process.pid]));
    const left = processesWithVariable(SANDBOX_VARIABLE, sandbox).filter((pid) => !ours.has(pid));
    if (left.length === 0) return;
    console.error(
        `engine tier: stopping ${left.length} process(es) left behind: ${left.map((pid) => `${pid} ${commandOf(pid)}`).join("; ")}`,
    );
    const survivors = await stopProcesses(left, { graceMs: 5000, killDeadlineMs: 5000 });
    if (survivors.length > 0)
        throw new Error(
            `engine tier: still running after SIGKILL: ${survivors.map((s) => `${s.pid} ${s.command}`).join("; ")}`,
        );
}
