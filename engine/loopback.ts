/**
 * What the control plane reaches on 127.0.0.1: the ports its components listen on (free ones the
 * kernel picks, or consecutive ones from a base, each checked free), whether a port is still held
 * after `down`, and the probes `up` waits on (kine's unix socket, HTTPS with the admin's
 * certificate or none, plain HTTP for kwok).
 */
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import { UsageError } from "../cli/shell";
import { PlaneFiles, PORTED_COMPONENTS, Ports } from "./controlPlane";

/** A free port on 127.0.0.1, chosen by the kernel. */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Whether something listens on 127.0.0.1:port (or holds it). */
export function portInUse(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(true));
        server.listen(port, "127.0.0.1", () => server.close(() => resolve(false)));
    });
}

/** Ports: consecutive from `base` (each must be free), or free ones the kernel picks. */
export async function choosePorts(base?: number): Promise<Ports> {
    const ports: Partial<Record<keyof Ports, number>> = {};
    for (const [index, component] of PORTED_COMPONENTS.entries()) {
        if (base === undefined) {
            let port = await freePort();
            while (Object.values(ports).includes(port)) port = await freePort();
            ports[component] = port;
        } else {
            const port = base + index;
            if (await portInUse(port))
                throw new UsageError(
                    `port ${port} on 127.0.0.1 (for ${component}) is in use; choose another --port-base, or stop what listens there (ss -ltnp 'sport = :${port}')`,
                );
            ports[component] = port;
        }
    }
    return ports as Ports;
}

/** Whether something accepts connections on the unix socket at `socketPath`. */
export const socketOpen = (socketPath: string) =>
    new Promise<boolean>((resolve) => {
        const socket = net.connect({ path: socketPath });
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });

/** GET over HTTPS on loopback; with the admin's certificate when `files` is given. */
export function httpsOk(port: number, urlPath: string, files?: PlaneFiles): Promise<boolean> {
    return new Promise((resolve) => {
        const request = https.get(
            {
                host: "127.0.0.1",
                port,
                path: urlPath,
                timeout: 2000,
                ...(files
                    ? {
                          ca: fs.readFileSync(files.caCert),
                          cert: fs.readFileSync(files.cert("admin")),
                          key: fs.readFileSync(files.key("admin")),
                      }
                    : { rejectUnauthorized: false }),
            },
            (response) => {
                response.resume();
                resolve(response.statusCode === 200);
            },
        );
        request.on("error", () => resolve(false));
        request.on("timeout", () => request.destroy());
    });
}

export const httpOk = (port: number, urlPath: string) =>
    new Promise<boolean>((resolve) => {
        const request = http.get({ host: "127.0.0.1", port, path: urlPath, timeout: 2000 }, (response) => {
            response.resume();
            resolve(response.statusCode === 200);
        });
        request.on("error", () => resolve(false));
        request.on("timeout", () => request.destroy());
    });
