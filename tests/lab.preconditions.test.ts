/** The lab CLI's preconditions, checked on any machine (root or not, with or without the lab's tools). */
import { runInProcess } from "../cli/shell";
import { main as labMain } from "../lab/cli";
import { runTool } from "./helpers/cli";
import { isRoot } from "./helpers/labTools";

const runCli = (args: string[], env?: NodeJS.ProcessEnv) => runTool("lab/cli.ts", args, { env });
const lab = (...args: string[]) => runInProcess("lab", labMain, args);

describe("the CLI's preconditions, on any machine (root or not, with or without the lab's tools)", () => {
    // In process (fast): the same main, output and exit code as the command; one real start below.

    test("verify of a lab that is not up: exit 2, one line saying how to bring it up", async () => {
        const result = await lab("verify", "--name", "nosuchlab");
        expect(result.code).toBe(2);
        expect(result.stderr.trim()).toBe(
            'lab: lab "nosuchlab" is not up; run `sudo npm run lab -- up --name nosuchlab`',
        );
    });

    test("up without root, or as root without ip/iptables on the PATH: exit 2 naming what is missing", () => {
        // Debian keeps ip and iptables in /usr/sbin and /sbin: without them on the PATH, a root
        // machine looks like a fresh one without the lab's packages. (A started command: jest's
        // process.env does not reach the children of the test's own process.)
        const path = (process.env.PATH ?? "")
            .split(":")
            .filter((dir) => !/\/sbin$/.test(dir))
            .join(":");
        const result = runCli(["up", "--name", "nolab"], { ...process.env, PATH: path });
        expect(result.code).toBe(2);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).toMatch(
            isRoot
                ? /^lab: missing: .*iptables \(package iptables\).*\. Install them, e\.g\. on Debian\/Ubuntu: sudo apt-get install iproute2 iptables/
                : /needs root .*`sudo npm run lab/,
        );
    });

    test("explain refuses text that is no IP and an address that is no pod, node or host: exit 2", async () => {
        expect(await lab("explain", "pod-a", "10.100.0.3")).toMatchObject({
            code: 2,
            stderr: expect.stringMatching(/^lab: "pod-a" is not an IPv4 address/),
        });
        expect(await lab("explain", "10.9.9.9", "10.100.0.3", "--name", "nosuchlab")).toMatchObject({
            code: 2,
            stderr: expect.stringMatching(/^lab: 10\.9\.9\.9 is not a pod, node or host of this lab/),
        });
        expect(await lab("explain", "10.100.0.2", "10.100.2.3", "--name", "nosuchlab")).toMatchObject({
            code: 0,
            stdout: expect.stringMatching(/^other node/),
        });
    });

    test("--help exits 0; an unknown option, command or cluster exits 2", async () => {
        expect(runCli(["--help"])).toMatchObject({
            code: 0,
            stdout: expect.stringMatching(/^usage: sudo npm run lab/),
        }); // the real command, once
        expect((await lab("up", "--nods", "3")).code).toBe(2);
        expect(await lab("teleport")).toMatchObject({
            code: 2,
            stderr: expect.stringMatching(/unknown command "teleport"/),
        });
        expect(await lab("up", "--cluster", "cilium", "--name", "nolab")).toMatchObject({
            code: 2,
            stderr: expect.stringMatching(/--cluster cilium: use main, azurecni, both/),
        });
    });
});
