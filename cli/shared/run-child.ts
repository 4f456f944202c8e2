import { spawn } from "node:child_process";
import { constants } from "node:os";

/**
 * Runs a program in the foreground with our stdio and returns its exit code (128+n for a
 * signal, like a shell). Ctrl-C reaches the child through the terminal's process group, so this
 * process only ignores it; SIGTERM/SIGHUP sent to us are passed on.
 */
export function runForeground(file: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: "inherit", env, cwd, shell: process.platform === "win32" && /\.(cmd|bat)$/i.test(file) });
    const ignore = () => {};
    const forward = (s: NodeJS.Signals) => () => child.kill(s);
    const onTerm = forward("SIGTERM");
    const onHup = forward("SIGHUP");
    process.on("SIGINT", ignore);
    process.on("SIGTERM", onTerm);
    process.on("SIGHUP", onHup);
    const cleanup = () => {
      process.off("SIGINT", ignore);
      process.off("SIGTERM", onTerm);
      process.off("SIGHUP", onHup);
    };
    child.once("error", (e) => {
      cleanup();
      reject(e);
    });
    child.once("exit", (code, signal) => {
      cleanup();
      resolve(signal ? 128 + ((constants.signals as Record<string, number>)[signal] ?? 1) : (code ?? 1));
    });
  });
}
