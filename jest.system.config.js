/** npm run test:system: suites that start real processes, Chromium, servers or the lab (tests/tiers.js). */
const base = require("./jest.config");
const { systemRegex } = require("./tests/tiers");

module.exports = { ...base, testPathIgnorePatterns: ["/node_modules/"], testRegex: systemRegex };
