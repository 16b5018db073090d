/**
 * Who made a lab or a control plane, and who may remove it: what the lab and the engine share.
 * Names default to the stack's, which every checkout shares, so each state file records the
 * checkout, stack, pid and time of its maker; a command without an explicit --name only touches
 * what this checkout made for this stack.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../stackFiles";

/** Who made it: `down` without --name removes only what its own checkout's stack made. */
export interface Maker {
    readonly stack: string;
    /** The repository checkout whose CLI ran `up`. */
    readonly checkout: string;
    readonly pid: number;
    readonly startedAt: string;
}

/** The maker of something this process is about to make. */
export function makerNow(stack: string): Maker {
    return { stack, checkout: REPO_ROOT, pid: process.pid, startedAt: new Date().toISOString() };
}

/** Lab and control-plane names: short (they prefix namespaces and file names), lower case. */
export function validateName(kind: string, name: string): string | undefined {
    return /^[a-z0-9][a-z0-9-]{0,11}$/.test(name)
        ? undefined
        : `${kind} name "${name}" must be 1-12 lower-case letters, digits or '-'`;
}

/** How one maker is described in a refusal. */
export const describeMaker = (maker: Maker) =>
    `stack ${maker.stack} of ${maker.checkout} (pid ${maker.pid}, ${maker.startedAt})`;

/**
 * Why a command without an explicit --name must not remove `subject` (undefined: it may).
 * `leftovers` says what exists without a state file ("27 namespaces"), if anything does.
 */
export function removalRefusal(options: {
    readonly subject: string;
    readonly stack: string;
    readonly maker: Maker | undefined;
    readonly hasState: boolean;
    readonly leftovers?: string;
    readonly hint: string;
}): string | undefined {
    const { subject, stack, maker, hint } = options;
    if (!options.hasState) {
        return options.leftovers
            ? `${subject} has ${options.leftovers} but no state file, so nobody is known to have made it; ${hint}`
            : undefined;
    }
    if (!maker) return `${subject} does not record who made it; ${hint}`;
    if (maker.checkout !== REPO_ROOT || maker.stack !== stack) {
        return `${subject} was made by ${describeMaker(maker)}, not by stack ${stack} of this checkout (${REPO_ROOT}); ${hint}`;
    }
    return undefined;
}

/** Writes JSON whole, then renames it into place: an interrupted write never leaves half a file. */
export function writeJsonAtomically(file: string, value: unknown): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(value, null, 2));
    fs.renameSync(temporary, file);
}

/** A JSON file, or undefined when it is missing or unreadable. */
export function readJson<T>(file: string): T | undefined {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
    } catch {
        return undefined;
    }
}
