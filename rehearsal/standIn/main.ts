/**
 * `pulumi-resource-azure-native` in a rehearsal: the Azure stand-in, started by the real Pulumi
 * engine. The rehearsal puts a shell script of that name on the PATH that runs this file; it finds
 * its "Azure" and the local control plane through AKS_KUBENET_STAND_IN (the rehearsal's folder).
 * It announces itself on stderr, which the engine shows: nobody mistakes it for Azure.
 */
import * as fs from "fs";
import * as path from "path";
import * as provider from "@pulumi/pulumi/provider";
import { kubectlEffects, PlaneLink } from "./effects";
import { AzureStandIn, forceNewDropped } from "./provider";

/** The version the program's @pulumi/azure-native asks for; the stand-in answers to it. */
const AZURE_NATIVE_VERSION = (
    JSON.parse(fs.readFileSync(require.resolve("@pulumi/azure-native/package.json"), "utf8")) as { version: string }
).version;

const folder = process.env.AKS_KUBENET_STAND_IN;
if (!folder) {
    process.stderr.write("Azure stand-in: AKS_KUBENET_STAND_IN is not set; only `npm run rehearse` starts it\n");
    process.exit(2);
}
const dropped = [...forceNewDropped()];
if (dropped.length > 0)
    process.stderr.write(
        `Azure stand-in: force-new facts left out of its copy of the table (a control case): ${dropped.join(", ")}\n`,
    );
const link = JSON.parse(fs.readFileSync(path.join(folder, "plane.json"), "utf8")) as PlaneLink;
const standIn = new AzureStandIn({
    statePath: path.join(folder, "azure.json"),
    effects: kubectlEffects(link),
    version: AZURE_NATIVE_VERSION,
});

/**
 * The Node.js provider SDK answers Configure without reading the provider's configuration
 * (@pulumi/pulumi provider/server.js `configure`), and azure-native reads azure-native:location from
 * it. The stand-in wraps the gRPC service's configure to keep the variables first.
 */
interface ConfigureCall {
    request: { getVariablesMap(): { toArray(): Array<[string, string]> } };
}
type Implementation = { configure?: (call: ConfigureCall, callback: unknown) => void };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const grpc = require(
    require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] }),
) as { Server: { prototype: { addService: AddService } } };
type AddService = (this: unknown, service: unknown, implementation: Implementation) => void;
const prototype = grpc.Server.prototype;
const addService = prototype.addService;
prototype.addService = function (this: unknown, service: unknown, implementation: Implementation) {
    const configure = implementation.configure?.bind(implementation);
    if (configure)
        implementation.configure = (call, callback) => {
            const variables = call.request.getVariablesMap().toArray();
            standIn.configure(
                Object.fromEntries(
                    variables.map(([key, value]) => [key.replace(/^azure-native:config:/, "azure-native:"), value]),
                ),
            );
            configure(call, callback);
        };
    addService.call(this, service, implementation);
};

void provider.main(standIn, process.argv.slice(2));
