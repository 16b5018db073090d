/**
 * HTTP probes from inside the lab's namespaces, through one long-lived prober per source namespace
 * (lab/prober.js): a probe costs a connection, not a process. Probes run in parallel, at most
 * PROBES_IN_FLIGHT per prober, and every probe has a timeout.
 */
import { ChildProcess } from "child_process";
import * as path from "path";
import { createInterface } from "readline";
import { NETNS_DIR, spawnTracked } from "./system";

/** How long one probe may take: the lab answers in milliseconds, or not at all. */
export const PROBE_TIMEOUT_MS = 1500;
/** Requests one prober has open at once (a 2-core machine serves the CGI for each). */
export const PROBES_IN_FLIGHT = 16;

const PROBER_SCRIPT = path.join(__dirname, "prober.js");

export interface Answer {
    readonly server: string;
    readonly client: string;
}

interface Pending {
    readonly resolve: (answer: Answer | undefined) => void;
}

/** One prober process in one namespace. */
class Prober {
    private readonly child: ChildProcess;
    private readonly pending = new Map<number, Pending>();
    private readonly waiting: Array<() => void> = [];
    private inFlight = 0;
    private nextId = 0;
    private exited = false;

    constructor(netns: string) {
        this.child = spawnTracked("nsenter", [`--net=${NETNS_DIR}/${netns}`, "--", process.execPath, PROBER_SCRIPT]);
        createInterface({ input: this.child.stdout! }).on("line", (line) => this.settle(line));
        this.child.on("close", () => {
            this.exited = true;
            for (const [, pending] of this.pending) pending.resolve(undefined);
            this.pending.clear();
        });
        this.child.stdin!.on("error", () => {}); // a prober that died is reported by "close"
    }

    private settle(line: string): void {
        let reply: { id: number; ok: boolean; body?: string };
        try {
            reply = JSON.parse(line) as typeof reply;
        } catch {
            return;
        }
        const pending = this.pending.get(reply.id);
        if (!pending) return;
        this.pending.delete(reply.id);
        let answer: Answer | undefined;
        try {
            answer = reply.ok && reply.body ? (JSON.parse(reply.body) as Answer) : undefined;
        } catch {
            answer = undefined;
        }
        pending.resolve(answer);
    }

    async probe(url: string): Promise<Answer | undefined> {
        if (this.inFlight >= PROBES_IN_FLIGHT) await new Promise<void>((resume) => this.waiting.push(resume));
        this.inFlight += 1;
        try {
            if (this.exited) return undefined;
            const id = this.nextId++;
            return await new Promise<Answer | undefined>((resolve) => {
                this.pending.set(id, { resolve });
                this.child.stdin!.write(JSON.stringify({ id, url, timeoutMs: PROBE_TIMEOUT_MS }) + "\n");
            });
        } finally {
            this.inFlight -= 1;
            this.waiting.shift()?.();
        }
    }

    close(): Promise<void> {
        return new Promise((resolve) => {
            if (this.exited) return resolve();
            this.child.once("close", () => resolve());
            this.child.stdin!.end();
        });
    }
}

/** The probers of one verify run, started on first use, closed together. */
export class Probers {
    private readonly probers = new Map<string, Prober>();

    /** One HTTP request from inside `netns`; undefined when it fails or times out. */
    probe(netns: string, url: string): Promise<Answer | undefined> {
        let prober = this.probers.get(netns);
        if (!prober) {
            prober = new Prober(netns);
            this.probers.set(netns, prober);
        }
        return prober.probe(url);
    }

    async close(): Promise<void> {
        await Promise.all([...this.probers.values()].map((prober) => prober.close()));
        this.probers.clear();
    }
}
