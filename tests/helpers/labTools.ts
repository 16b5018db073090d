/** Whether this machine can run the lab: root, and the tools its commands use. */
import { execFileSync } from "child_process";

export const hasTool = (tool: string): boolean => {
    try {
        execFileSync("sh", ["-c", `command -v ${tool}`]);
        return true;
    } catch {
        return false;
    }
};
export const isRoot = process.getuid?.() === 0;
export const labToolsPresent = ["ip", "iptables", "iptables-restore", "sysctl", "busybox"].every(hasTool);
