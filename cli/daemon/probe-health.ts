import { request } from "node:http";

/** The parts of `/health` the CLI reads (server/routes/health.ts). */
export interface HealthInfo {
  ok: boolean;
  version: string;
  models: number;
  configured_models?: number;
  settings?: { file: string; loaded: boolean; error: string[] | null };
  routes?: Record<string, boolean>;
  /** Configured models the daemon cannot use (no key in *its* environment). */
  unusable?: { slug: string; reason?: string; env?: string }[];
}

/** free: nothing listens; shim: codex-shim answered; foreign: something else owns the port. */
export type PortProbe = { kind: "free" } | { kind: "shim"; health: HealthInfo } | { kind: "foreign"; detail: string };

/**
 * GET http://127.0.0.1:<port>/health with a short timeout. Uses node:http directly so that no
 * proxy setting can route a loopback probe elsewhere.
 */
export function probeHealth(port: number, timeoutMs = 800): Promise<PortProbe> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/health", method: "GET", headers: { accept: "application/json" }, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        if (body.length < 1 << 20) body += d;
      });
      res.on("end", () => {
        try {
          const j = JSON.parse(body) as HealthInfo & { status?: string };
          if (res.statusCode === 200 && j && j.status === "ok" && typeof j.version === "string") return resolve({ kind: "shim", health: j });
        } catch {}
        resolve({ kind: "foreign", detail: `HTTP ${res.statusCode} from /health is not codex-shim's` });
      });
      res.on("error", () => resolve({ kind: "foreign", detail: "the connection broke while reading /health" }));
    });
    req.on("timeout", () => {
      req.destroy();
      resolve({ kind: "foreign", detail: `no answer from /health within ${timeoutMs} ms` });
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNREFUSED") resolve({ kind: "free" });
      else resolve({ kind: "foreign", detail: e.code ?? e.message });
    });
    req.end();
  });
}
