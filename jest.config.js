/** Tests transpile with SWC (fast); `npm run build` type-checks everything once with tsc. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests", "<rootDir>/policy", "<rootDir>/deployment", "<rootDir>/lab"].filter((dir) =>
        require("fs").existsSync(dir.replace("<rootDir>", __dirname)),
    ),
    // npm test runs the in-process suites; the program, system and engine tiers have commands of
    // their own (tests/tiers.js), which CI runs too.
    testPathIgnorePatterns: [
        "/node_modules/",
        "<rootDir>/tests/engine/",
        ...require("./tests/tiers").ignoreProgramAndSystem,
    ],
    transform: { "^.+\\.ts$": ["@swc/jest"] },
    moduleFileExtensions: ["ts", "js", "json"],
    testTimeout: 30000,
    // Jest's default is one worker less than the cores: one worker on a 2-core machine. Many suites
    // wait (started tools, the lab's packets and timeouts), so three workers keep 2 cores busy:
    // about 26 s of test time here, where one worker took 58 s.
    maxWorkers: 3,
};
