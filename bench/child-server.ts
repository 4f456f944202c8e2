import { fork, type ChildProcess } from "node:child_process";
import type { ChildMessage } from "./bench-ipc.ts";

export interface ChildServer {
  name: string;
  url: string;
  pid: number;
  stats(opts?: { gc?: boolean }): Promise<Extract<ChildMessage, { type: "stats" }>>;
  stop(): Promise<void>;
}

/** Forks a bench child (Node runs .ts natively), waits for its "ready" message. */
export function startChild(name: string, script: string, args: string[], opts: { execArgv?: string[]; timeoutMs?: number; env?: Readonly<Record<string, string>> } = {}): Promise<ChildServer> {
  const child: ChildProcess = fork(script, args, { execArgv: opts.execArgv ?? [], env: opts.env ? { ...opts.env, ...process.env } : process.env, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start within ${opts.timeoutMs ?? 15_000} ms`));
    }, opts.timeoutMs ?? 15_000);
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.once("message", (m: ChildMessage) => {
      if (m.type !== "ready") return;
      clearTimeout(timer);
      resolve({
        name,
        url: `http://127.0.0.1:${m.port}`,
        pid: child.pid!,
        stats: (o = {}) =>
          new Promise((res) => {
            const on = (msg: ChildMessage) => {
              if (msg.type !== "stats") return;
              child.off("message", on);
              res(msg);
            };
            child.on("message", on);
            child.send({ type: "stats", gc: o.gc });
          }),
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once("exit", () => res());
            // disconnect → the child exits normally, so --cpu-prof gets written
            child.disconnect();
            setTimeout(() => child.kill("SIGKILL"), 5000).unref();
          }),
      });
    });
  });
}

/** The child's CPU time so far (user + system), in microseconds. */
export async function cpuUs(child: ChildServer): Promise<number> {
  const s = await child.stats();
  return s.cpuUserUs + s.cpuSystemUs;
}
