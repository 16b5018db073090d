/** The test tiers' lists (tests/tiers.js) name suites that exist, each once, none of the engine tier's. */
import * as fs from "fs";
import * as path from "path";
const { PROGRAM, SYSTEM } = require("./tiers") as { PROGRAM: string[]; SYSTEM: string[] };

test("every suite a tier names exists in tests/, and no suite is in two tiers", () => {
    const listed = [...PROGRAM, ...SYSTEM];
    expect(listed.filter((file) => !fs.existsSync(path.join(__dirname, file)))).toEqual([]);
    expect(listed.filter((file, index) => listed.indexOf(file) !== index)).toEqual([]);
});
