// Runs the Pulumi program (index.ts) under the SDK's mock runtime with nothing but what
// `npm ci --omit=dev` installs: @pulumi/pulumi and the program's other dependencies, and
// ts-node + typescript, which the Pulumi Node.js runtime uses. Plain JavaScript on purpose: no
// test framework (a devDependency).
//
//   AKS_KUBENET_CONFIG='{"aks-kubenet:...": "..."}' node tests/deployInstall/programUnderMocks.js
//
// Prints one JSON line: {resources, types, packages}; `packages` are the node_modules packages the
// program loaded. Exits 1 with one line when the program fails.
const path = require("path");
const Module = require("module");

const root = path.resolve(__dirname, "..", "..");
const config = JSON.parse(process.env.AKS_KUBENET_CONFIG || "{}");

// Record every package the program loads, by its folder under node_modules.
const packages = new Set();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (...args) {
    const file = resolve.apply(this, args);
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(path.relative(root, file));
    if (match) packages.add(match[1].replace(/\\/g, "/"));
    return file;
};

// As `pulumi up` does with PULUMI_NODEJS_TRANSPILE_ONLY (Deployments sets it): ts-node, transpile only.
require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.pulumi.json") });
const pulumi = require("@pulumi/pulumi");

const registered = [];
async function main() {
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push(args.type);
                return { id: `${args.name}-id`, state: { ...args.inputs, name: args.name } };
            },
            call: (args) => {
                if (args.token === "azure-native:containerservice:listManagedClusterUserCredentials") {
                    return {
                        kubeconfigs: [
                            {
                                name: "clusterUser",
                                value: Buffer.from(
                                    "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://c:443', certificate-authority-data: Q0E=}\n",
                                ).toString("base64"),
                            },
                        ],
                    };
                }
                if (args.token === "azure-native:authorization:getClientConfig") {
                    return {
                        subscriptionId: "00000000-0000-0000-0000-000000000000",
                        tenantId: "t",
                        clientId: "c",
                        objectId: "o",
                    };
                }
                throw new Error(`unexpected invoke ${args.token}`);
            },
        },
        "aks-kubenet",
        "dev",
        false,
    );
    require(path.join(root, "index.ts"));
    // Let every registration settle.
    await new Promise((done) => setTimeout(done, 500));
    await pulumi.runtime.disconnect();
    const types = [...new Set(registered)].sort();
    process.stdout.write(
        JSON.stringify({ resources: registered.length, types, packages: [...packages].sort() }) + "\n",
    );
}

main().catch((error) => {
    process.stderr.write(
        `programUnderMocks: ${String(error && error.message ? error.message : error).split("\n")[0]}\n`,
    );
    process.exit(1);
});
