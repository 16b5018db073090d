/**
 * The real captures in ../shared/realdata (az CLI and ARM JSON, kubectl output from public
 * sources). They are read where they are, never copied into this repository; where the folder is
 * absent (a plain clone), the suites that need them skip and say so.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../../stackFiles";

export const REALDATA_DIR = process.env.AKS_KUBENET_REALDATA ?? path.resolve(REPO_ROOT, "..", "shared", "realdata");

export const realdataPresent = fs.existsSync(path.join(REALDATA_DIR, "cases.tsv"));

/** describe, or describe.skip with the reason in its title, when the captures are absent. */
export function describeWithRealdata(title: string, body: () => void): void {
    if (realdataPresent) describe(title, body);
    else describe.skip(`${title} (skipped: no real captures at ${REALDATA_DIR}; set AKS_KUBENET_REALDATA)`, body);
}

/** A capture as JSON (UTF-8, with or without a BOM). */
export function readCapture<T = any>(relative: string): T {
    return JSON.parse(fs.readFileSync(path.join(REALDATA_DIR, relative), "utf8").replace(/^\uFEFF/, "")) as T;
}
