import { flushCompileCache } from "node:module";
import { Command, Option } from "clipanion";
import { ShimCommand } from "./base-command.ts";
import { CliError } from "../shared/cli-error.ts";
import { startServer, PortInUseError } from "../../server/start-server.ts";
import { SettingsError } from "../../adapters/settings/parse-settings.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { routerState } from "../../adapters/router/router-config.ts";
import { stateDir } from "../../adapters/settings/state-paths.ts";
import { removeDaemonRecord, writeDaemonRecord } from "../daemon/daemon-files.ts";
import { closeInheritedFds } from "../daemon/close-inherited-fds.ts";
import { releaseMemoryWhenIdle } from "../daemon/release-memory-when-idle.ts";

export class ServeCommand extends ShimCommand {
  static paths = [["serve"]];
  static usage = Command.Usage({
    description: "Run the shim in the foreground (what `npm start` runs)",
    details: "Serves the Responses API for Codex on 127.0.0.1. Settings are re-read when the file changes; stop with Ctrl-C.",
    examples: [
      ["Serve on the default port", "codex-shim serve"],
      ["Use a settings file and another port", "codex-shim --settings ./models.json serve --port 9000"],
    ],
  });

  daemonRecord = Option.Boolean("--daemon-record", false, { hidden: true, description: "Write daemon.json in the state dir (used by `codex-shim start`)" });

  async run(): Promise<number> {
    if (this.daemonRecord) closeInheritedFds();
    const { file, required } = this.settingsFile;
    const server = await startServer({ settingsFile: file, settingsRequired: required, port: this.portNumber, log: (l) => this.out(l) }).catch((e) => {
      if (e instanceof SettingsError) throw new CliError(`the settings file has problems:\n${e.problems.map((p) => `  ${p}`).join("\n")}`);
      if (e instanceof PortInUseError) throw new CliError(e.message);
      throw e;
    });
    const s = server.ctx.store.current;
    const out = this.context.stdout;
    out.write(`codex-shim ${server.ctx.version} listening on ${server.url} (node ${process.version})\n`);
    out.write(`  settings: ${file}${s.file ? "" : " (not found: starting with no models)"}\n`);
    const usable = s.models.filter((m) => keyStatus(m).usable);
    if (!s.models.length) {
      out.write(
        `  no models configured yet. Add one to ${file}, for example:\n` +
          `    {"models":[{"model":"qwen2.5-coder:7b","provider":"ollama"}]}\n` +
          `  It is picked up without a restart. Then point Codex at ${server.url}/v1 (see README "Quick start").\n`,
      );
    } else {
      for (const m of s.models) out.write(`  model ${m.slug} -> ${m.provider} ${m.baseUrl} (${m.model})${usable.includes(m) ? "" : " [missing API key]"}\n`);
    }
    const router = routerState(s, process.env);
    if (router) {
      const r = router.settings;
      const state = !r.enabled ? "disabled" : router.active ? `picks among ${router.usable.map((c) => c.slug).join(", ")} (classifier: ${r.classifier ?? "none"})` : "no usable candidate (see codex-shim list)";
      out.write(`  auto-router ${r.slug}: ${state}\n`);
    }
    out.write(`  health: ${server.url}/health\n`);
    const dir = stateDir();
    if (this.daemonRecord) {
      writeDaemonRecord(dir, { pid: process.pid, port: server.port, url: server.url, settingsFile: file, version: server.ctx.version, startedAt: new Date().toISOString() });
      process.once("exit", () => removeDaemonRecord(dir, process.pid));
    }
    // Every module the server needs is loaded now: store their compiled code at once, so the next
    // start is served from the cache even if this process is killed (Node writes it at exit otherwise).
    flushCompileCache?.();
    const memory = releaseMemoryWhenIdle({ gc: globalThis.gc });
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      process.once("SIGHUP", stop);
    });
    memory.stop();
    if (this.daemonRecord) removeDaemonRecord(dir, process.pid);
    await server.close();
    return 0;
  }
}
