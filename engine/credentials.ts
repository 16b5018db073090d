/**
 * A control plane's credentials, written into its folder (pki/ and the kubeconfigs, secrets mode
 * 600): what each holds is engine/controlPlane.ts's data (subjects, openssl's config and arguments,
 * the token file, the kubeconfig's text); this file makes them.
 */
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
    Identity,
    KUBECONFIG_USERS,
    kubeconfigText,
    LOCAL_IDENTITIES,
    LocalIdentity,
    opensslArgs,
    opensslConfig,
    PlaneFiles,
    Ports,
    tokenAuthFile,
} from "./controlPlane";
import { run } from "./planeProcesses";

/**
 * The CA, the serving and client certificates (openssl), the service-account key pair (node's
 * crypto), the kubeconfigs.
 */
export function writeCredentials(files: PlaneFiles, kubernetesServiceIp: string, ports: Ports, name: string): void {
    fs.mkdirSync(files.pki, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(files.pki, "ca.cnf"), opensslConfig("ca", kubernetesServiceIp));
    run("openssl", opensslArgs(files, "ca"), "making the control plane's CA");
    const identities: Identity[] = ["apiserver", ...KUBECONFIG_USERS];
    for (const identity of identities) {
        fs.writeFileSync(files.config(identity), opensslConfig(identity, kubernetesServiceIp));
        run("openssl", opensslArgs(files, identity), `making the ${identity} certificate`);
    }
    const tokens = Object.fromEntries(
        (Object.keys(LOCAL_IDENTITIES) as LocalIdentity[]).map((identity) => [
            identity,
            randomBytes(32).toString("base64url"),
        ]),
    ) as Record<LocalIdentity, string>;
    fs.writeFileSync(files.tokens, tokenAuthFile(tokens), { mode: 0o600 });
    for (const identity of Object.keys(tokens) as LocalIdentity[])
        fs.writeFileSync(files.token(identity), tokens[identity], { mode: 0o600 });
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
    });
    fs.writeFileSync(files.serviceAccountKey, privateKey, { mode: 0o600 });
    fs.writeFileSync(files.serviceAccountPublicKey, publicKey);
    const caPem = fs.readFileSync(files.caCert, "utf8");
    for (const user of KUBECONFIG_USERS) {
        fs.writeFileSync(
            files.kubeconfig(user),
            kubeconfigText({
                name: `aks-kubenet-${name}`,
                server: `https://127.0.0.1:${ports.apiserver}`,
                caPem,
                certPem: fs.readFileSync(files.cert(user), "utf8"),
                keyPem: fs.readFileSync(files.key(user), "utf8"),
                user,
            }),
            { mode: 0o600 },
        );
    }
}
