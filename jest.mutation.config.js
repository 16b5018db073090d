/** The suites that exercise addressPlan/ and policy/, for Stryker's mutants (npm run mutation). */
const base = require("./jest.config");

module.exports = {
    ...base,
    roots: ["<rootDir>/tests"],
    testMatch: ["**/addressPlan.test.ts", "**/config.test.ts", "**/policy.test.ts", "**/lab.topology.test.ts"],
};
