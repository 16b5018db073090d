/**
 * The suites that exercise addressPlan/, policy/ and guard/, for Stryker's mutants (npm run mutation).
 * Left out on purpose: suites that run the whole program under the mock runtime in a beforeAll
 * (replacements.test.ts, program*.test.ts): per mutant they would cost seconds and kill nothing the
 * pure suites below do not.
 */
const base = require("./jest.config");

module.exports = {
    ...base,
    roots: ["<rootDir>/tests"],
    testMatch: [
        "**/addressPlan.test.ts",
        "**/config.test.ts",
        "**/policy.test.ts",
        "**/policy.production.test.ts",
        "**/lab.topology.test.ts",
        "**/previewGuard.test.ts",
        "**/previewGuard.posture.test.ts",
        "**/*.mutation.test.ts",
    ],
};
