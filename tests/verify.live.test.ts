/**
 * verify's live paths, each in a started process (the tools' own entry point, @kubernetes/client-node
 * under Node 22's require(esm), a stand-in kubelogin and a loopback API): seconds each, so in the
 * system tier (npm run test:system), apart from the snapshot checks of tests/verify.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parse } from "yaml";
import { kubeconfigProblem } from "../cli/live";
import { entraKubeconfig } from "../kubeconfig";
import { REPO, runTool, TS_NODE } from "./helpers/cli";

describe("the CLI, live", () => {
    test("live, without the Pulumi CLI: exit 2 saying what to install", () => {
        const result = runTool("verify/cli.ts", [], { env: { ...process.env, PATH: path.dirname(process.execPath) } });
        expect(result.code).toBe(2);
        expect(result.stderr.trim()).toMatch(
            /^verify: the Pulumi CLI is not installed or not on PATH .* or work from saved files \(see --help\)$/,
        );
    });
});

describe("live access (loopback only)", () => {
    test("an API server out of reach is one line that says what to check", () => {
        // @kubernetes/client-node is ESM-only: Node 22 loads it with require(esm), jest cannot, so
        // this runs in a started process like the tools do. Port 1 on loopback refuses at once.
        const kubeconfig = JSON.stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:1", "insecure-skip-tls-verify": true } }],
            users: [{ name: "u", user: { token: "t" } }],
            contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
            "current-context": "x",
        });
        const script = `require("./cli/live").withKubernetes(${JSON.stringify(kubeconfig)}, (core) => core.listNode()).then(() => console.log("reached?"), (error) => console.log(error.constructor.name + ": " + error.message))`;
        const result = spawnSync(process.execPath, [...TS_NODE, "-e", script], {
            cwd: REPO,
            encoding: "utf8",
        });
        expect(result.stdout.trim()).toMatch(
            /^UsageError: cannot reach https:\/\/127\.0\.0\.1:1 \(.*\); check the network path to the cluster/,
        );
    });

    test("an Entra ID cluster's kubeconfig without kubelogin installed: one line saying what to install and how to sign in", () => {
        const kubeconfig = entraKubeconfig({
            clusterName: "c",
            server: "https://127.0.0.1:1",
            certificateAuthorityData: "Q0E=",
            tenantId: "t",
        });
        expect(kubeconfigProblem(kubeconfig, "/nonexistent")).toMatch(
            /^this cluster signs in with Microsoft Entra ID: install kubelogin \(`az aks install-cli`.*sign in with `az login`/,
        );
    });

    test("with the exec plugin installed, the live path signs in with the token it prints (a stand-in kubelogin, a loopback API)", () => {
        // A stand-in for kubelogin on PATH prints an ExecCredential, as kubelogin does after `az login`;
        // a loopback server answers GET /api/v1/nodes only with that bearer token.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "live-exec-"));
        fs.writeFileSync(
            path.join(dir, "kubelogin"),
            '#!/bin/sh\necho \'{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"entra-token-from-exec"}}\'\n',
            { mode: 0o755 },
        );
        const entra = parse(
            entraKubeconfig({ clusterName: "c", server: "x", certificateAuthorityData: "Q0E=", tenantId: "t" }),
        );
        const script = `
            const http = require("http");
            const server = http.createServer((request, response) => {
                const ok = request.headers.authorization === "Bearer entra-token-from-exec" && request.url.startsWith("/api/v1/nodes");
                response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
                response.end(JSON.stringify(ok ? { kind: "NodeList", apiVersion: "v1", items: [{ metadata: { name: "node-a" } }] } : { kind: "Status", code: 401 }));
            });
            server.listen(0, "127.0.0.1", () => {
                const kubeconfig = JSON.parse(process.env.KUBECONFIG_TEMPLATE);
                kubeconfig.clusters[0].cluster = { server: "http://127.0.0.1:" + server.address().port, "insecure-skip-tls-verify": true };
                require("./cli/live").withKubernetes(JSON.stringify(kubeconfig), (core) => core.listNode()).then(
                    (nodes) => { console.log("nodes: " + nodes.items.map((node) => node.metadata.name).join(",")); server.close(); },
                    (error) => { console.log(error.constructor.name + ": " + error.message); server.close(); },
                );
            });`;
        const result = spawnSync(process.execPath, [...TS_NODE, "-e", script], {
            cwd: REPO,
            encoding: "utf8",
            env: {
                ...process.env,
                PATH: `${dir}${path.delimiter}${process.env.PATH}`,
                KUBECONFIG_TEMPLATE: JSON.stringify(entra),
            },
        });
        expect(result.stdout.trim()).toBe("nodes: node-a");
    });
});
