/** npm run test:program: the whole program under Pulumi's mock runtime (tests/tiers.js lists the suites). */
const base = require("./jest.config");
const { programRegex } = require("./tests/tiers");

module.exports = { ...base, testPathIgnorePatterns: ["/node_modules/"], testRegex: programRegex };
