// One HTTP request on a new connection (no keep-alive, so conntrack sees a new flow every time).
// Prints the server's JSON answer, or exits 1 with the error.
const http = require("http");
const [url, timeoutMs] = process.argv.slice(2);
const request = http.get(url, { agent: false, timeout: Number(timeoutMs) }, (res) => {
    let body = "";
    res.on("data", (chunk) => (body += chunk));
    res.on("end", () => process.stdout.write(body));
});
request.on("timeout", () => request.destroy(new Error("timeout")));
request.on("error", (error) => {
    process.stderr.write(`${error.code || error.message}\n`);
    process.exit(1);
});
