import { Command, Option } from "clipanion";
import { ShimCommand } from "./base-command.ts";
import { loadCliSettings, ADD_MODEL_HINT } from "../shared/load-cli-settings.ts";
import { keyStatus } from "../../adapters/settings/resolve-api-key.ts";
import { managedModel } from "../shared/prepare-shim.ts";
import { daemonPort } from "../shared/daemon-control.ts";
import { probeHealth } from "../daemon/probe-health.ts";
import { daemonKeyGaps, describeGaps } from "../shared/key-env-report.ts";
import { routerState } from "../../adapters/router/router-config.ts";
import { isCursorSlug } from "../../adapters/cursor/cursor-env.ts";
import { cursorAvailableWithin } from "../../adapters/cursor/cursor-status.ts";

export interface ListRow {
  slug: string;
  display_name: string;
  model: string;
  provider: string;
  route: string;
  base_url: string;
  usable: boolean;
  reason?: string;
  /** The variable its key comes from (a name). */
  key_env?: string;
  /** Usable here, but the running shim lacks this variable (it started before it was set). */
  daemon_missing_env?: string;
  active: boolean;
  /** The auto-router's row: the candidates it picks among. */
  candidates?: string[];
}

export class ListCommand extends ShimCommand {
  static paths = [["list"], ["model", "list"]];
  static usage = Command.Usage({
    description: "List the configured models, their upstream routes, and which are usable now",
    details: "A model is usable when its API key is present (or it runs on this machine). Exits 1 when none is usable. `*` marks the model chosen with `codex-shim model use`.",
    examples: [
      ["List models", "codex-shim list"],
      ["As JSON", "codex-shim model list --json"],
    ],
  });
  json = Option.Boolean("--json", false, { description: "Print JSON" });

  async run(): Promise<number> {
    const o = this.options;
    const settings = loadCliSettings(o);
    const active = managedModel(o);
    const probe = await probeHealth(daemonPort(o), 800);
    const gaps = probe.kind === "shim" ? daemonKeyGaps(probe.health.unusable, settings, o.env) : [];
    const rows: ListRow[] = settings.models.map((m) => {
      const k = keyStatus(m, o.env);
      return {
        slug: m.slug,
        display_name: m.displayName,
        model: m.model,
        provider: m.provider,
        route: m.provider === "anthropic" ? "anthropic-messages" : m.provider === "openai-responses" ? "responses" : "chat-completions",
        base_url: m.baseUrl,
        usable: k.usable,
        ...(k.reason ? { reason: k.reason } : {}),
        ...(k.env ? { key_env: k.env } : {}),
        ...(gaps.some((g) => g.slug === m.slug) ? { daemon_missing_env: gaps.find((g) => g.slug === m.slug)!.env } : {}),
        active: m.slug === active,
      };
    });
    const needsCursor = settings.router?.candidates.some((c) => isCursorSlug(c.slug)) ?? false;
    const router = routerState(settings, o.env, needsCursor ? { cursorAvailable: await cursorAvailableWithin(o.env, 2_000) } : {});
    if (router) {
      const r = router.settings;
      const why = !r.enabled ? "disabled (router.enabled false or CODEX_SHIM_DISABLE_ROUTER)" : router.usable.length ? undefined : `no usable candidate: ${router.unusable.map((u) => `${u.slug}: ${u.reason}`).join("; ") || "none configured"}`;
      rows.unshift({
        slug: r.slug,
        display_name: r.displayName,
        model: "auto-router",
        provider: "auto",
        route: `auto-router (${r.classifier ?? "no classifier"})`,
        base_url: "",
        usable: router.active,
        ...(why ? { reason: `Auto-router ${r.slug}: ${why}` } : {}),
        active: r.slug === active,
        candidates: router.usable.map((c) => c.slug),
      });
    }
    const usable = rows.filter((r) => r.usable).length;
    if (this.json) {
      this.out(JSON.stringify({ settings: settings.file ?? o.settings.file, models: rows, usable, daemon: probe.kind === "shim" ? { port: daemonPort(o), key_gaps: gaps } : null }, null, 2));
      return usable ? 0 : 1;
    }
    if (!rows.length) {
      this.err(`No models configured in ${o.settings.file}.\n${ADD_MODEL_HINT(o.settings.file)}`);
      return 1;
    }
    const w = Math.max(...rows.map((r) => r.slug.length));
    for (const r of rows) {
      const mark = r.active ? "*" : " ";
      const target = r.candidates ? `one of ${r.candidates.join(", ") || "(none usable)"} per turn (${r.route})` : `${r.model} (${r.provider}, ${r.route})`;
      const note = r.candidates
        ? r.usable ? "" : "  [not active]"
        : !r.usable ? `  [not usable: ${r.key_env ? `${r.key_env} is not set` : "no API key"}]` : r.daemon_missing_env ? `  [not usable in the running shim: it started without ${r.daemon_missing_env}]` : "";
      this.out(`${mark} ${r.slug.padEnd(w)}  ${r.display_name}  ->  ${target}${note}`);
    }
    for (const r of rows.filter((x) => !x.usable)) this.out(`  ${r.reason}`);
    if (gaps.length) this.out(`  ${describeGaps(gaps)}`);
    if (!usable) {
      this.err(`None of the ${rows.length} configured models is usable now: set their API keys (see above).`);
      return 1;
    }
    return 0;
  }
}
