// A lab pod's "nginx": answers every request with its own name and the client address it sees,
// so the lab can tell whether a packet was SNAT'd or DNAT'd. Plain JS: starts in ~40 ms.
const http = require("http");
const [name, port] = process.argv.slice(2);
http.createServer((req, res) => {
    res.setHeader("Connection", "close");
    res.end(JSON.stringify({ server: name, client: req.socket.remoteAddress.replace(/^::ffff:/, "") }) + "\n");
}).listen(Number(port), "0.0.0.0", () => process.stdout.write("ready\n"));
