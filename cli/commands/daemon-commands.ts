import { Command, Option } from "clipanion";
import { ShimCommand } from "./base-command.ts";
import { controlDaemon, daemonPort, describeDaemonRun, type DaemonRun } from "../shared/daemon-control.ts";
import { prepareShim } from "../shared/prepare-shim.ts";
import { loadCliSettings } from "../shared/load-cli-settings.ts";
import type { DaemonCommand } from "../../machines/daemon.machine.ts";
import type { Settings } from "../../adapters/settings/settings-types.ts";
import { daemonKeyGaps, describeGaps, describeKeyEnv, keyEnvReport } from "../shared/key-env-report.ts";

abstract class DaemonCommandBase extends ShimCommand {
  json = Option.Boolean("--json", false, { description: "Print the result as JSON" });

  protected async control(command: DaemonCommand, settings?: Settings): Promise<{ run: DaemonRun; code: number }> {
    const o = this.options;
    const run = await controlDaemon(o, command);
    const d = describeDaemonRun(o, run);
    const r = run.result;
    const fresh = r.code === "started" || r.code === "restarted";
    const keys = settings ? keyEnvReport(settings, o.env) : null;
    const gaps = settings && r.ok && !fresh ? daemonKeyGaps(r.observation?.health?.unusable, settings, o.env) : [];
    if (this.json) {
      this.out(JSON.stringify({ ...daemonRunJson(run, d.text), ...(keys ? { key_env: keys } : {}), ...(gaps.length ? { daemon_key_gaps: gaps } : {}) }, null, 2));
      return { run, code: r.ok ? 0 : 1 };
    }
    if (d.error) this.err(d.text);
    else this.out(d.text);
    const line = keys && fresh ? describeKeyEnv(keys, r.code) : null;
    if (line) this.out(line);
    if (gaps.length) this.err(`codex-shim: warning: ${describeGaps(gaps)}`);
    return { run, code: r.ok ? 0 : 1 };
  }
}

/** What `--json` prints: what happened (`code`), the state now, the state found before. */
function daemonRunJson(run: DaemonRun, message: string) {
  const r = run.result;
  const now = r.ok && ["started", "restarted", "already-running", "running"].includes(r.code) ? (r.condition === "unmanaged" ? "unmanaged" : "running") : r.ok ? "stopped" : r.condition;
  return { ok: r.ok, code: r.code, state: now, previous: r.initialCondition, pid: r.pid, port: run.port, url: run.url, notes: r.notes, ...(r.error ? { error: r.error } : {}), message };
}

export class StartCommand extends DaemonCommandBase {
  static paths = [["start"]];
  static usage = Command.Usage({
    description: "Start the shim in the background (regenerates the catalog first)",
    details: "Runs `codex-shim serve` detached; pid file `daemon.json` and log `shim.log` live in ~/.codex-shim. Does nothing if it already runs. A stale pid file is cleaned up; a port used by another program is reported. Without `--port` it uses the port the enabled Codex config points at (else 8765). The shim reads API keys from this shell's environment, as it is now: it prints which key variables are set and missing.",
    examples: [
      ["Start on the default port", "codex-shim start"],
      ["Start on another port with another settings file", "codex-shim --port 8766 --settings ./models.json start"],
    ],
  });

  async run(): Promise<number> {
    const { settings } = await prepareShim(this.options, daemonPort(this.options));
    return (await this.control("start", settings)).code;
  }
}

export class StopCommand extends DaemonCommandBase {
  static paths = [["stop"]];
  static usage = Command.Usage({
    description: "Stop the background shim",
    details: "Sends SIGTERM and waits up to 5 s (then SIGKILL). Succeeds when it is not running.",
    examples: [["Stop it", "codex-shim stop"]],
  });

  async run(): Promise<number> {
    return (await this.control("stop")).code;
  }
}

export class RestartCommand extends DaemonCommandBase {
  static paths = [["restart"]];
  static usage = Command.Usage({
    description: "Stop and start the background shim (picks up new environment variables and a new settings file)",
    details: "Comes back on the same port unless `--port` is given; `--port` moves it there. Prints which API key variables are set and missing: the shim reads keys from the environment it is started in.",
    examples: [
      ["Restart (same port) after exporting a key", "codex-shim restart"],
      ["Move it to another port", "codex-shim --port 8766 restart"],
    ],
  });

  async run(): Promise<number> {
    const { settings } = await prepareShim(this.options, daemonPort(this.options));
    return (await this.control("restart", settings)).code;
  }
}

export class StatusCommand extends DaemonCommandBase {
  static paths = [["status"]];
  static usage = Command.Usage({
    description: "Tell whether the shim runs (health probe); exit 0 only when it does",
    details: "States: running, stopped, stale pid file, process alive but unhealthy, port owned by another program.",
    examples: [
      ["Check", "codex-shim status"],
      ["For scripts", "codex-shim status --json"],
    ],
  });

  async run(): Promise<number> {
    let settings: Settings | undefined;
    try {
      settings = loadCliSettings(this.options);
    } catch {} // status works without valid settings; it just cannot compare keys
    return (await this.control("status", settings)).code;
  }
}
