/**
 * jest.engine.config.js globalSetup: the whole engine tier runs in the sandbox (tests/engine/sandbox.ts).
 * A global setup, not a per-file one: it runs in jest's own process before any worker starts, so
 * the real environment changes, and every worker, test and child process inherits it. (A setup
 * file would change only the copy of process.env jest gives each test file, while a child started
 * without an explicit env, spawnSync("az") say, gets the real one: the engine tier found that.)
 */
import { installSandbox } from "./sandbox";

export default function setup(): void {
    installSandbox();
}
