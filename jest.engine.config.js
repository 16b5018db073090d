/**
 * The engine tier (`npm run test:engine`): the real Pulumi CLI, the real Kubernetes provider and a
 * local control plane, built by `npm run engine -- build`. Not part of `npm test`. Suites run one
 * at a time (each starts control planes and real pulumi processes; 2 cores).
 */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests/engine"],
    testPathIgnorePatterns: ["/node_modules/", "/programs/"],
    transform: { "^.+\\.ts$": ["@swc/jest"] },
    moduleFileExtensions: ["ts", "js", "json"],
    testTimeout: 15 * 60 * 1000,
    maxWorkers: 1,
    // Real pulumi runs print a lot; the test names and failures are what matter.
    verbose: true,
};
