/**
 * Which jest suites run in which command (one list, read by every jest config):
 *   npm test                in-process suites: pure functions, the tools' mains, fixtures; seconds each
 *   npm run test:program    the whole program under Pulumi's mock runtime (a program run is seconds)
 *   npm run test:system     suites that start real things: the tools' entry points as processes,
 *                           Chromium, loopback servers, the netns lab (as root), a fresh npm install
 *   npm run test:engine     the real Pulumi engine and a local control plane (jest.engine.config.js)
 * CI (.ci/run) runs all four. A suite goes where its slowest need puts it.
 */
const PROGRAM = [
    "program.test.ts",
    "program.access.test.ts",
    "program.plugins.test.ts",
    "program.posture.test.ts",
    "replacements.test.ts",
    "policy.program.test.ts",
    "workloads.test.ts",
    "overlayRefresh.test.ts",
    "migrate.test.ts",
    "preflight.checks.test.ts",
];
const SYSTEM = [
    "lab.integration.test.ts",
    "lab.preconditions.test.ts",
    "diagram.browser.test.ts",
    "diagram.lab.test.ts",
    "deployInstall.test.ts",
    "preflight.live.test.ts",
    "verify.live.test.ts",
    "engine.processes.test.ts",
    "nodeVersion.test.ts",
];
// Ignore patterns may name <rootDir>; a testRegex may not, so it matches the path's end.
const escaped = (files) => files.map((file) => `/tests/${file.replace(/\./g, "\\.")}$`);
module.exports = {
    PROGRAM,
    SYSTEM,
    programRegex: escaped(PROGRAM),
    systemRegex: escaped(SYSTEM),
    ignoreProgramAndSystem: escaped([...PROGRAM, ...SYSTEM]).map((pattern) => `<rootDir>${pattern}`),
};
