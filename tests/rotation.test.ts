/**
 * After a move from local accounts to Entra ID (#31 item 3): the certificate rotation in the
 * runbook, the guard's message and verify's verdict. The certificates are made here with openssl:
 * two CAs with the same name, as AKS's CA before and after `az aks rotate-certs` ("Rotate all
 * certificates, CAs, and SAs"; the old client certificate then fails with "certificate signed by
 * unknown authority ... candidate authority certificate "ca"", learn.microsoft.com/azure/aks/certificate-rotation),
 * and a client certificate signed by the first, as the local-accounts cluster-user credential.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runInProcess } from "../cli/shell";
import { main as guardMain } from "../guard/cli";
import { entraMovesIn, PreviewStep } from "../guard/previewGuard";
import { singleClusterKubeconfig } from "../kubeconfig";
import { main as migrateMain } from "../migrate/cli";
import {
    clientCertificatesIn,
    PulumiRunner,
    readCheckpoints,
    rotationVerdict,
    stackRotationVerdict,
} from "../verify/rotation";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rotation-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
const pem = (name: string) => fs.readFileSync(file(name), "utf8");
const b64 = (text: string) => Buffer.from(text).toString("base64");

beforeAll(() => {
    for (const ca of ["ca-before", "ca-after"])
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=ca",
            "-keyout", file(`${ca}.key`), "-out", file(`${ca}.crt`), "-days", "3650"); // prettier-ignore
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", "/O=system:masters/CN=masterclient", "-keyout", file("user.key"), "-out", file("user.crt"),
        "-days", "730", "-CA", file("ca-before.crt"), "-CAkey", file("ca-before.key")); // prettier-ignore
});

/**
 * A checkpoint as `pulumi stack export --show-secrets` prints one: the kubeconfig output is a
 * secret whose plaintext is JSON text.
 */
const checkpointWith = (clientCertificatePem?: string) => ({
    version: 3,
    deployment: {
        resources: [
            {
                urn: "urn:pulumi:dev::aks-kubenet::pulumi:pulumi:Stack::aks-kubenet-dev",
                outputs: {
                    kubeconfig: {
                        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                        plaintext: JSON.stringify(
                            singleClusterKubeconfig({
                                clusterName: "kubenet-cluster",
                                server: "https://kubenet-cluster.hcp.eastus.azmk8s.io:443",
                                certificateAuthorityData: b64(pem("ca-before.crt")),
                                userName: "clusterUser_NetworkLab_kubenet-cluster",
                                user: clientCertificatePem
                                    ? {
                                          "client-certificate-data": b64(clientCertificatePem),
                                          "client-key-data": b64("key"),
                                      }
                                    : {
                                          exec: {
                                              apiVersion: "client.authentication.k8s.io/v1beta1",
                                              command: "kubelogin",
                                          },
                                      },
                            }),
                        ),
                    },
                },
            },
        ],
    },
});
const names = { resourceGroup: "NetworkLab", clusterName: "kubenet-cluster" };

describe("verify's verdict", () => {
    test("the certificate of the local-accounts days is found where stack export --show-secrets puts it", () => {
        expect(clientCertificatesIn(checkpointWith(pem("user.crt")))).toEqual([pem("user.crt")]);
        expect(clientCertificatesIn(checkpointWith())).toEqual([]);
    });

    test("still signed by the cluster's CA: not rotated, naming az aks rotate-certs and its cost", () => {
        const verdict = rotationVerdict({
            checkpoints: [
                { version: 7, document: checkpointWith() },
                { version: 6, document: checkpointWith(pem("user.crt")) },
            ],
            historyComplete: true,
            currentCaPem: pem("ca-before.crt"),
            ...names,
        });
        expect(verdict.state).toBe("not-rotated");
        expect(verdict.detail).toMatch(
            /checkpoint 6 .*CN=masterclient.*still signed by the cluster's CA.*az aks rotate-certs -g NetworkLab -n kubenet-cluster.*up to 30 minutes of downtime/,
        );
    });

    test("the CA replaced (a rotation), or the certificate expired: rotated", () => {
        const checkpoints = [{ version: 6, document: checkpointWith(pem("user.crt")) }];
        expect(
            rotationVerdict({ checkpoints, historyComplete: true, currentCaPem: pem("ca-after.crt"), ...names }).state,
        ).toBe("rotated");
        const later = new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000);
        expect(
            rotationVerdict({
                checkpoints,
                historyComplete: true,
                currentCaPem: pem("ca-before.crt"),
                now: later,
                ...names,
            }).state,
        ).toBe("rotated");
    });

    test("no certificate in any checkpoint: nothing to rotate; in the checkpoints read only: it says it cannot tell", () => {
        const checkpoints = [{ version: 2, document: checkpointWith() }];
        expect(
            rotationVerdict({ checkpoints, historyComplete: true, currentCaPem: pem("ca-after.crt"), ...names }),
        ).toEqual({ state: "none", detail: expect.stringMatching(/nothing to rotate/) });
        expect(
            rotationVerdict({ checkpoints, historyComplete: false, currentCaPem: pem("ca-after.crt"), ...names }),
        ).toEqual({
            state: "unknown",
            detail: expect.stringMatching(/^cannot tell: .*older ones were not read.*az aks rotate-certs/),
        });
    });

    test("through pulumi: history newest first, export until a certificate; a failing pulumi is 'cannot tell'", () => {
        const asked: string[] = [];
        const runner: PulumiRunner = (args) => {
            asked.push(args.join(" "));
            if (args[1] === "history")
                return {
                    status: 0,
                    stdout: JSON.stringify([{ version: 5 }, { version: 4 }, { version: 3 }, { version: 2 }]),
                    stderr: "",
                };
            const version = Number(args[3]);
            return {
                status: 0,
                stdout: JSON.stringify(checkpointWith(version <= 3 ? pem("user.crt") : undefined)),
                stderr: "",
            };
        };
        const read = readCheckpoints("dev", 50, runner);
        expect(read).toMatchObject({ complete: true, checkpoints: [{ version: 5 }, { version: 4 }, { version: 3 }] });
        expect(asked).toEqual([
            "stack history --json --stack dev",
            ...[5, 4, 3].map((version) => `stack export --version ${version} --show-secrets --stack dev`),
        ]);
        expect(readCheckpoints("dev", 2, runner)).toMatchObject({ complete: false });
        const kubeconfig = singleClusterKubeconfig({
            clusterName: "c",
            server: "https://c:443",
            certificateAuthorityData: b64(pem("ca-after.crt")),
            userName: "u",
            user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "kubelogin" } },
        });
        expect(stackRotationVerdict({ stack: "dev", kubeconfig, depth: 50, pulumi: runner, ...names }).state).toBe(
            "rotated",
        );
        const failing: PulumiRunner = () => ({ status: 255, stdout: "", stderr: "error: no stack named 'dev' found" });
        expect(stackRotationVerdict({ stack: "dev", kubeconfig, depth: 50, pulumi: failing, ...names })).toEqual({
            state: "unknown",
            detail: "cannot tell: pulumi stack history failed: error: no stack named 'dev' found",
        });
    });
});

describe("the runbook and the guard name the rotation", () => {
    test("migrate -- entra: the runbook ends with az aks rotate-certs, its cost and verify", async () => {
        const result = await runInProcess("migrate", migrateMain, ["entra", "--stack", "dev"]);
        expect(result.code).toBe(0);
        expect(result.stdout).toMatch(
            /already declares clusterAccess=entra.*az aks rotate-certs -g NetworkLab -n kubenet-cluster/,
        );
        expect(result.stdout).toMatch(
            /\$ az aks rotate-certs -g NetworkLab -n kubenet-cluster\n.*Why: the stack's earlier checkpoints keep/,
        );
        expect(result.stdout).toMatch(
            /Cost: it recreates every node, virtual machine scale set and disk, and can cause up to 30 minutes of downtime/,
        );
        expect(result.stdout).toMatch(/\$ npm run --silent verify -- --stack dev/);
    });

    const update = (oldInputs: object, newInputs: object): PreviewStep => ({
        op: "update",
        urn: "urn:pulumi:dev::aks-kubenet::aks-kubenet:cluster:Cluster$azure-native:containerservice:ManagedCluster::cluster-aks",
        oldState: {
            type: "azure-native:containerservice:ManagedCluster",
            inputs: { resourceGroupName: "NetworkLab", resourceName: "kubenet-cluster", ...oldInputs },
        },
        newState: {
            type: "azure-native:containerservice:ManagedCluster",
            inputs: { resourceGroupName: "NetworkLab", resourceName: "kubenet-cluster", ...newInputs },
        },
    });

    test("the guard passes a move to Entra ID and says what comes next; not for a cluster already on Entra ID", async () => {
        const move = update({}, { aadProfile: { managed: true, enableAzureRBAC: true }, disableLocalAccounts: true });
        expect(entraMovesIn([move])).toEqual([{ name: "cluster-aks", ...names, clusterName: "kubenet-cluster" }]);
        expect(
            entraMovesIn([update({ aadProfile: { managed: true } }, { aadProfile: { managed: true }, sku: {} })]),
        ).toEqual([]);
        const preview = file("preview.json");
        fs.writeFileSync(preview, JSON.stringify({ steps: [move] }));
        const text = await runInProcess("preview-guard", guardMain, [preview]);
        expect([text.code, text.stdout.split("\n")]).toEqual([
            0,
            [
                expect.stringMatching(
                    /^NEXT: cluster-aks moves to Microsoft Entra ID: run `az aks rotate-certs -g NetworkLab -n kubenet-cluster` after the move: .*up to 30 minutes of downtime/,
                ),
                "OK: no guarded resource is replaced or deleted",
            ],
        ]);
        const json = await runInProcess("preview-guard", guardMain, [preview, "--json"]);
        expect(JSON.parse(json.stdout).notices).toEqual([
            expect.stringMatching(/^cluster-aks moves to Microsoft Entra ID: run `az aks rotate-certs/),
        ]);
    });
});
