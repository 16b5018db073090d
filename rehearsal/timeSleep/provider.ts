/**
 * `time:index/sleep:Sleep` for the rehearsal. The real time provider (@pulumiverse/time 0.1.1,
 * a bridge of hashicorp/terraform-provider-time) cannot be built here: the Go module proxy refuses
 * its module (engine/versions.ts TIME_PROVIDER). This is a stand-in for the one resource the
 * program uses, on Pulumi's provider SDK, with terraform-provider-time's time_sleep semantics
 * (internal/provider/resource_time_sleep.go): Create waits create_duration, Delete waits
 * destroy_duration, a change of `triggers` replaces it (create first), a change of a duration
 * alone updates it without waiting. The rehearsal puts it on the PATH as pulumi-resource-time.
 */
import type * as provider from "@pulumi/pulumi/provider";
import { parseGoDuration } from "../../config";

interface SleepInputs {
    readonly createDuration?: string;
    readonly destroyDuration?: string;
    readonly triggers?: Readonly<Record<string, string>>;
}

export class SleepStandIn implements provider.Provider {
    readonly version: string;
    private readonly wait: (ms: number) => Promise<void>;

    constructor(version: string, wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))) {
        this.version = version;
        this.wait = wait;
    }

    check(urn: string, _olds: unknown, news: unknown): Promise<provider.CheckResult> {
        const inputs = news as SleepInputs;
        const failures = (["createDuration", "destroyDuration"] as const).flatMap((key) => {
            const value = inputs[key];
            if (value === undefined) return [];
            try {
                parseGoDuration(value);
                return [];
            } catch (error) {
                return [{ property: key, reason: (error as Error).message }];
            }
        });
        if (!urn.includes("time:index/sleep:Sleep"))
            return Promise.reject(
                new Error(`time stand-in (rehearsal): only time:index/sleep:Sleep is served, not ${urn}`),
            );
        return Promise.resolve({ inputs, failures });
    }

    diff(_id: string, _urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
        const [before, after] = [olds as SleepInputs, news as SleepInputs];
        const same = (key: keyof SleepInputs) =>
            JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null);
        const replaces = same("triggers") ? [] : ["triggers"];
        return Promise.resolve({
            changes: !(same("createDuration") && same("destroyDuration") && same("triggers")),
            replaces,
            deleteBeforeReplace: false,
        });
    }

    async create(_urn: string, inputs: unknown): Promise<provider.CreateResult> {
        const sleep = inputs as SleepInputs;
        if (sleep.createDuration) await this.wait(parseGoDuration(sleep.createDuration));
        return { id: new Date().toISOString(), outs: sleep };
    }

    update(_id: string, _urn: string, _olds: unknown, news: unknown): Promise<provider.UpdateResult> {
        return Promise.resolve({ outs: news });
    }

    async delete(_id: string, _urn: string, props: unknown): Promise<void> {
        const sleep = props as SleepInputs;
        if (sleep.destroyDuration) await this.wait(parseGoDuration(sleep.destroyDuration));
    }

    read(id: string, _urn: string, props?: unknown): Promise<provider.ReadResult> {
        return Promise.resolve({ id, props: props ?? {}, inputs: props ?? {} });
    }
}
