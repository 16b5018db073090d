/** Tests transpile with SWC (fast); `npm run build` type-checks everything once with tsc. */
module.exports = {
    testEnvironment: "node",
    roots: ["<rootDir>/tests", "<rootDir>/policy", "<rootDir>/deployment", "<rootDir>/lab"].filter((dir) =>
        require("fs").existsSync(dir.replace("<rootDir>", __dirname)),
    ),
    testPathIgnorePatterns: ["/node_modules/"],
    transform: { "^.+\\.ts$": ["@swc/jest"] },
    moduleFileExtensions: ["ts", "js", "json"],
    testTimeout: 30000,
};
