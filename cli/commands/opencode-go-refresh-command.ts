import { Command, Option } from "clipanion";
import * as t from "typanion";
import { BaseCommand } from "./base-command.ts";
import { DEFAULT_OPENCODE_GO_BASE_URL, DEFAULT_OPENCODE_GO_KEY_ENV, RefreshError, refreshOpencodeGo } from "../opencode-go/refresh-opencode-go.ts";
import { describeProbe } from "../opencode-go/probe-opencode.ts";

export class OpencodeGoRefreshCommand extends BaseCommand {
  static paths = [["opencode-go", "refresh"]];
  static usage = Command.Usage({
    description: "Fetch OpenCode Go's model list, probe each model, and write `ocgo-*` rows into the settings file",
    details:
      "Each model is probed with one tiny request on the preferred endpoint (chat completions or Anthropic Messages), and on the other only if that fails. Rows from an earlier refresh are replaced; everything else in the settings file (other rows, bare model names, the router block) is kept.",
    examples: [
      ["Refresh with the key in $OPENCODE_GO_API_KEY", "codex-shim opencode-go refresh"],
      ["Prefer Anthropic Messages and another key variable", "codex-shim opencode-go refresh --prefer messages --api-key-env MY_OCGO_KEY"],
    ],
  });

  apiKeyEnv = Option.String("--api-key-env", DEFAULT_OPENCODE_GO_KEY_ENV, { description: "Environment variable holding the OpenCode Go key (stored in the rows by name, never the key)" });
  baseUrl = Option.String("--base-url", DEFAULT_OPENCODE_GO_BASE_URL, { description: "OpenCode Go API base URL" });
  prefer = Option.String("--prefer", "chat", { description: "Endpoint to use when both work: chat or messages", validator: t.isEnum(["chat", "messages"] as const) });
  timeout = Option.String("--timeout", "30", { description: "Seconds per request", validator: t.cascade(t.isNumber(), [t.isInInclusiveRange(1, 600)]) });

  async execute(): Promise<number> {
    const out = this.context.stdout;
    const { file } = this.settingsFile;
    out.write(`Refreshing OpenCode Go models from ${this.baseUrl}...\n`);
    let r;
    try {
      r = await refreshOpencodeGo({
        settingsFile: file,
        apiKeyEnv: this.apiKeyEnv,
        baseUrl: this.baseUrl,
        prefer: this.prefer as "chat" | "messages",
        timeoutMs: Number(this.timeout) * 1000,
        env: process.env,
      });
    } catch (e) {
      if (e instanceof RefreshError) {
        this.context.stderr.write(`codex-shim: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    out.write(`Refreshed ${r.rows.length} OpenCode Go models into ${file}.\n`);
    if (r.backup) out.write(`The settings file had comments, which JSON cannot keep; the original is saved as ${r.backup}.\n`);
    const skipped = r.probes.filter((p) => !p.row);
    if (skipped.length) {
      out.write(`Skipped ${skipped.length} models with no working probed endpoint:\n`);
      for (const p of skipped) out.write(`  ${p.id}: chat=${describeProbe(p.chat)}, messages=${describeProbe(p.messages)}\n`);
    }
    if (r.clashes.length) out.write(`Kept your own rows for ${r.clashes.join(", ")} (same slug as a generated row).\n`);
    for (const row of r.rows) out.write(`  ${row.slug}  ->  ${row.model} (${row.provider}, ${row.opencode_go_endpoint})\n`);
    return 0;
  }
}
