/**
 * `pulumi-resource-time` in a rehearsal (only there): the Sleep stand-in (provider.ts), because the
 * real time provider cannot be built from the Go module proxy. Started by the real engine.
 */
import * as fs from "fs";
import * as provider from "@pulumi/pulumi/provider";
import { SleepStandIn } from "./provider";

const TIME_VERSION = (
    JSON.parse(fs.readFileSync(require.resolve("@pulumiverse/time/package.json"), "utf8")) as { version: string }
).version;

void provider.main(new SleepStandIn(TIME_VERSION), process.argv.slice(2));
