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
import { AzureStandIn } from "./provider";

/** The version the program's @pulumi/azure-native asks for; the stand-in answers to it. */
const AZURE_NATIVE_VERSION = (
    JSON.parse(fs.readFileSync(require.resolve("@pulumi/azure-native/package.json"), "utf8")) as { version: string }
).version;

const folder = process.env.AKS_KUBENET_STAND_IN;
if (!folder) {
    process.stderr.write("Azure stand-in: AKS_KUBENET_STAND_IN is not set; only `npm run rehearse` starts it\n");
    process.exit(2);
}
const link = JSON.parse(fs.readFileSync(path.join(folder, "plane.json"), "utf8")) as PlaneLink;
void provider.main(
    new AzureStandIn({
        statePath: path.join(folder, "azure.json"),
        effects: kubectlEffects(link),
        version: AZURE_NATIVE_VERSION,
    }),
    process.argv.slice(2),
);
