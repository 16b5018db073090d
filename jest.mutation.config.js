/**
 * The suites that exercise addressPlan/, policy/, guard/ and azureFacts/, for Stryker's mutants (npm run mutation).
 * Left out on purpose: suites that run the whole program under the mock runtime in a beforeAll
 * (replacements.test.ts, program*.test.ts): per mutant they would cost seconds and kill nothing the
 * pure suites below do not.
 */
const base = require("./jest.config");

module.exports = {
    ...base,
    // The whole checkout is a root so that jest's dependency graph sees config.ts and the other
    // top-level modules: Stryker's findRelatedTests (stryker.config.json) then loads, for each
    // mutant, only the suites that import its file, through config.ts too.
    roots: ["<rootDir>"],
    testMatch: [
        "<rootDir>/tests/addressPlan.test.ts",
        "<rootDir>/tests/config.test.ts",
        "<rootDir>/tests/config.refused.test.ts",
        "<rootDir>/tests/policy.test.ts",
        "<rootDir>/tests/policy.production.test.ts",
        "<rootDir>/tests/policy.sharedSubnet.test.ts",
        "<rootDir>/tests/lab.topology.test.ts",
        "<rootDir>/tests/lab.twoClusters.test.ts",
        "<rootDir>/tests/previewGuard.test.ts",
        "<rootDir>/tests/previewGuard.posture.test.ts",
        "<rootDir>/tests/*.mutation.test.ts",
    ],
    setupFiles: ["<rootDir>/tests/helpers/mutationSetup.ts"],
    modulePathIgnorePatterns: ["<rootDir>/.stryker-tmp/", "<rootDir>/reports/", "<rootDir>/.ci/"],
    // In band: Stryker runs one jest per mutant in each of its own processes (concurrency in
    // stryker.config.json); jest workers on top would only add process starts.
    maxWorkers: 1,
};
