/**
 * The engine tier (`npm run test:engine`): the real Pulumi CLI, the real Kubernetes provider and a
 * local control plane, built by `npm run engine -- build`. Not part of `npm test`. Two suites at a
 * time: much of a suite is waiting (plugins starting, the provider's await), so on 2 cores two
 * workers take 4.5 minutes where one took 6.75. Each suite names its control planes after its own
 * process id, so two never share one.
 */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests/engine"],
    testPathIgnorePatterns: ["/node_modules/", "/programs/"],
    // The whole tier in the sandbox: no Azure account, no Pulumi Cloud, no plugin downloads
    // (tests/engine/sandbox.ts); set up in jest's own process, so workers and children inherit it.
    globalSetup: "<rootDir>/tests/engine/sandbox.setup.ts",
    // ... and leaves no process behind (tests/engine/sandbox.teardown.ts).
    globalTeardown: "<rootDir>/tests/engine/sandbox.teardown.ts",
    transform: { "^.+\\.ts$": ["@swc/jest"] },
    moduleFileExtensions: ["ts", "js", "json"],
    testTimeout: 15 * 60 * 1000,
    maxWorkers: 2,
    // Real pulumi runs print a lot; the test names and failures are what matter.
    verbose: true,
};
