import { Agent, request } from "node:http";

export interface StreamResult {
  ok: boolean;
  status: number;
  /** ms from request start to response headers. */
  ttfb: number;
  /** ms from request start to the first chunk that carries answer text. */
  ttft: number;
  total: number;
  bytes: number;
  /** The last ~4 KiB of the body (the terminal event lives there). */
  tail: string;
  error?: string;
}

/**
 * One streaming POST with a keep-alive agent, timing headers and the first text-bearing chunk.
 * `marker` identifies a text chunk in the wire format (chat: `"content":"`, Responses:
 * `output_text.delta`).
 */
export function streamOnce(agent: Agent, url: URL, body: string, marker: string, timeoutMs = 60_000, headers: Record<string, string> = {}): Promise<StreamResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let ttfb = -1;
    let ttft = -1;
    let bytes = 0;
    let tail = "";
    let settled = false;
    const done = (r: Partial<StreamResult> & { ok: boolean; status: number }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ttfb, ttft, total: performance.now() - t0, bytes, tail, ...r });
    };
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), accept: "text/event-stream" } },
      (res) => {
        ttfb = performance.now() - t0;
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          bytes += d.length;
          if (ttft < 0 && d.includes(marker)) ttft = performance.now() - t0;
          tail = (tail + d).slice(-4096);
        });
        res.on("end", () => done({ ok: res.statusCode === 200, status: res.statusCode ?? 0 }));
        res.on("error", (e) => done({ ok: false, status: res.statusCode ?? 0, error: e.message }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (e) => done({ ok: false, status: 0, error: e.message }));
    req.end(body);
  });
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const sortNums = (a: number[]) => [...a].sort((x, y) => x - y);
