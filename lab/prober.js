// One prober per source namespace, started inside it (nsenter --net) and kept for a whole lab verify:
// it reads requests as JSON lines {id, url, timeoutMs} on stdin and answers each as a JSON line
// {id, ok, body} or {id, ok: false, error} on stdout. Every request opens a new connection
// (no keep-alive), so conntrack sees a new flow each time, and every request has a deadline.
// Plain JavaScript on purpose: it starts in about 40 ms, where ts-node takes a second.
const http = require("http");
const readline = require("readline");

function answer(id, result) {
    process.stdout.write(JSON.stringify({ id, ...result }) + "\n");
}

function request({ id, url, timeoutMs }) {
    let done = false;
    const finish = (result) => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        answer(id, result);
    };
    const req = http.get(url, { agent: false, timeout: timeoutMs, headers: { Connection: "close" } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => finish({ ok: true, body }));
        res.on("error", (error) => finish({ ok: false, error: error.code || error.message }));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (error) => finish({ ok: false, error: error.code || error.message }));
    // The socket timeout covers silence; this covers everything else (a response that trickles).
    const deadline = setTimeout(() => {
        req.destroy();
        finish({ ok: false, error: "ETIMEDOUT" });
    }, timeoutMs + 500);
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
    try {
        request(JSON.parse(line));
    } catch (error) {
        answer(null, { ok: false, error: `bad request: ${error.message}` });
    }
});
// The lab closes stdin when it is done (or is gone): finish what is in flight, then exit.
process.stdin.on("end", () => setTimeout(() => process.exit(0), 2000).unref());
