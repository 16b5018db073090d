/**
 * The deploying machine: Node.js as package.json's engines ask, the Pulumi CLI and its login, the
 * Azure CLI signed in (azure-native and kubelogin use its login), and kubelogin when the cluster
 * uses Microsoft Entra ID (the Kubernetes provider signs in through it after the cluster exists).
 * Pure: the shell (live.ts) runs the commands and hands over what they printed.
 */
import { nodeVersionProblem } from "../cli/nodeVersion";
import { KUBELOGIN_INSTALL_HINT } from "../kubeconfig";
import type { Account } from "./documents";
import { SOURCES } from "./sources";
import { CheckResult, Evidence, fail, pass } from "./verdicts";

export interface Workstation {
    readonly nodeVersion: string;
    readonly requiredNodeMajor: number;
    /** `pulumi version`. */
    readonly pulumiVersion: Evidence<string>;
    /** `pulumi whoami`. */
    readonly pulumiUser: Evidence<string>;
    /** `kubelogin --version`; undefined when the stack does not need it. */
    readonly kubeloginVersion?: Evidence<string>;
}

export function workstationChecks(machine: Workstation, account: Evidence<Account>, entra: boolean): CheckResult[] {
    const node = nodeVersionProblem(machine.nodeVersion, machine.requiredNodeMajor);
    const results = [
        node
            ? fail(
                  "Node.js",
                  node,
                  `install Node ${machine.requiredNodeMajor} (nvm install ${machine.requiredNodeMajor})`,
                  SOURCES.node,
              )
            : pass("Node.js", `${machine.nodeVersion} (needs ${machine.requiredNodeMajor} or newer)`, SOURCES.node),
        machine.pulumiVersion.ok
            ? pass("Pulumi CLI", machine.pulumiVersion.value, SOURCES.pulumiInstall)
            : fail(
                  "Pulumi CLI",
                  machine.pulumiVersion.reason,
                  "install it: https://www.pulumi.com/docs/iac/download-install/",
                  SOURCES.pulumiInstall,
              ),
        machine.pulumiUser.ok
            ? pass("Pulumi login", `logged in as ${machine.pulumiUser.value}`, SOURCES.pulumiLogin)
            : fail(
                  "Pulumi login",
                  machine.pulumiUser.reason,
                  "pulumi login (Pulumi Cloud), or pulumi login --local / a bucket URL",
                  SOURCES.pulumiLogin,
              ),
        account.ok
            ? pass("Azure CLI signed in", `${account.value.user.name} (${account.value.user.type})`, SOURCES.azLogin)
            : fail("Azure CLI signed in", account.reason, "install the Azure CLI and run `az login`", SOURCES.azLogin),
    ];
    if (entra && machine.kubeloginVersion)
        results.push(
            machine.kubeloginVersion.ok
                ? pass("kubelogin (clusterAccess entra)", machine.kubeloginVersion.value, SOURCES.kubelogin)
                : fail(
                      "kubelogin (clusterAccess entra)",
                      machine.kubeloginVersion.reason,
                      KUBELOGIN_INSTALL_HINT,
                      SOURCES.kubelogin,
                  ),
        );
    return results;
}
