import { spawn, type ChildProcess } from "node:child_process";
import { ShimError } from "../errors/shim-error.ts";

export interface CursorSpawnOptions {
  bin: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  prompt: string;
  signal: AbortSignal;
  /** SIGTERM → SIGKILL grace period. */
  killGraceMs?: number;
}

const MAX_STDERR = 16 * 1024;
const encoder = new TextEncoder();

/** Stops the child: SIGTERM, then SIGKILL if it is still there after the grace period. */
export function killChild(child: ChildProcess, graceMs: number): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const t = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }, graceMs);
  t.unref();
  child.once("exit", () => clearTimeout(t));
}

/**
 * Starts cursor-agent and exposes its stdout as an SSE body (one `data:` event per stdout line,
 * then `event: exit` with the exit code and the stderr tail), so it flows through the same pump
 * as an HTTP upstream. The child dies when the request is aborted (Codex went away) or the body
 * is cancelled.
 */
export function spawnCursorAgent(o: CursorSpawnOptions): Promise<Response> {
  const grace = o.killGraceMs ?? 2_000;
  return new Promise((resolve, reject) => {
    if (o.signal.aborted) {
      reject(o.signal.reason ?? new Error("aborted"));
      return;
    }
    const child = spawn(o.bin, o.args, { cwd: o.cwd, env: o.env, stdio: ["pipe", "pipe", "pipe"] });
    const onAbort = () => killChild(child, grace);
    o.signal.addEventListener("abort", onAbort, { once: true });
    let stderr = "";
    let pending = "";
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let closed = false;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
      },
      cancel() {
        closed = true;
        killChild(child, grace);
      },
    });
    const push = (s: string) => {
      if (!closed) controller.enqueue(encoder.encode(s));
    };
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => {
      pending += d;
      let nl: number;
      while ((nl = pending.indexOf("\n")) !== -1) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) push(`data: ${line}\n\n`);
      }
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      if (stderr.length < MAX_STDERR) stderr += d.slice(0, MAX_STDERR - stderr.length);
    });
    child.stdin!.on("error", () => {}); // the agent may exit before reading its prompt
    child.once("error", (err: NodeJS.ErrnoException) => {
      o.signal.removeEventListener("abort", onAbort);
      const what = err.code === "ENOENT" ? `cursor-agent was not found (${o.bin}). Install Cursor's CLI or set CURSOR_AGENT_BIN.` : `cannot start cursor-agent (${o.bin}): ${err.message}`;
      reject(new ShimError({ status: 502, code: "cursor_agent_unavailable", message: what }));
    });
    child.once("spawn", () => {
      child.stdin!.end(o.prompt, "utf8");
      resolve(new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }));
    });
    child.once("close", (code, sig) => {
      o.signal.removeEventListener("abort", onAbort);
      if (pending.trim()) push(`data: ${pending.trim()}\n\n`);
      push(`event: exit\ndata: ${JSON.stringify({ code, signal: sig, stderr: stderr.trim() })}\n\n`);
      if (!closed) {
        closed = true;
        controller.close();
      }
    });
  });
}
