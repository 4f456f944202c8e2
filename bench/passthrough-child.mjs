// The baseline: a minimal byte pass-through proxy (node:http in, node:http out, piped, pooled
// keep-alive upstream connections). No parsing, no translation — the least any Node gateway can
// do. Plain JavaScript, so Node loads no TypeScript stripper for it. argv: <upstream origin>.
import { Agent, createServer, request } from "node:http";
import { serveStats } from "./serve-stats.mjs";

const upstream = new URL(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

const server = createServer((req, res) => {
  const out = request(
    { agent, host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  out.on("error", () => res.destroy());
  res.on("close", () => out.destroy());
  req.pipe(out);
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  serveStats();
  process.send?.({ type: "ready", port: server.address().port });
});
