import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseJSONC } from "confbox";
import { slugify } from "../../adapters/settings/derive-slug.ts";
import { prettyOpencodeId } from "./pretty-opencode-id.ts";
import { fetchOpencodeModels, probeChat, probeMessages, probeOk, type ProbeResult } from "./probe-opencode.ts";
import { GENERATED_BY, mergeOpencodeRows, type OpencodeRow } from "./merge-opencode-rows.ts";

export const DEFAULT_OPENCODE_GO_BASE_URL = "https://opencode.ai/zen/go/v1";
export const DEFAULT_OPENCODE_GO_KEY_ENV = "OPENCODE_GO_API_KEY";

export interface RefreshOptions {
  settingsFile: string;
  apiKeyEnv: string;
  baseUrl: string;
  prefer: "chat" | "messages";
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** Probes in flight at once. */
  concurrency?: number;
}

export interface ModelProbe {
  id: string;
  chat?: ProbeResult;
  messages?: ProbeResult;
  row?: OpencodeRow;
}

export interface RefreshResult {
  baseUrl: string;
  probes: ModelProbe[];
  rows: OpencodeRow[];
  clashes: string[];
  /** Where the commented original was saved, when the file had comments (JSON cannot keep them). */
  backup?: string;
}

export class RefreshError extends Error {}

/**
 * Probes the preferred endpoint first and the other only when it fails, so a working model costs
 * one tiny request, not two (the original spent two completions per model).
 */
async function probeModel(id: string, o: RefreshOptions, base: string, key: string): Promise<ModelProbe> {
  const first = o.prefer === "chat" ? probeChat : probeMessages;
  const second = o.prefer === "chat" ? probeMessages : probeChat;
  const p: ModelProbe = { id };
  const a = await first(base, key, id, o.timeoutMs);
  let endpoint: "chat" | "messages" | null = probeOk(a) ? o.prefer : null;
  let b: ProbeResult | undefined;
  if (!endpoint) {
    b = await second(base, key, id, o.timeoutMs);
    if (probeOk(b)) endpoint = o.prefer === "chat" ? "messages" : "chat";
  }
  p.chat = o.prefer === "chat" ? a : b;
  p.messages = o.prefer === "chat" ? b : a;
  if (endpoint)
    p.row = {
      slug: `ocgo-${slugify(id)}`,
      model: id,
      display_name: `OpenCode Go ${prettyOpencodeId(id)}`,
      provider: endpoint === "chat" ? "generic-chat-completion-api" : "anthropic",
      base_url: base,
      api_key_env: o.apiKeyEnv,
      no_image_support: true,
      generated_by: GENERATED_BY,
      opencode_go_endpoint: endpoint,
    };
  return p;
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

function readSettingsValue(file: string): { value: unknown; text: string | null; hadComments: boolean } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { value: {}, text: null, hadComments: false };
    throw new RefreshError(`Cannot read ${file}: ${(e as Error).message}`);
  }
  if (!text.trim()) return { value: {}, text, hadComments: false };
  try {
    return { value: JSON.parse(text), text, hadComments: false };
  } catch {
    try {
      return { value: parseJSONC(text, { allowTrailingComma: true } as never), text, hadComments: true };
    } catch (e) {
      throw new RefreshError(`${file} is not valid JSON (${(e as Error).message}); fix it or move it away first.`);
    }
  }
}

/** Fetches, probes and writes `ocgo-*` rows into the settings file, keeping everything else in it. */
export async function refreshOpencodeGo(o: RefreshOptions): Promise<RefreshResult> {
  const key = o.env[o.apiKeyEnv]?.trim() ?? "";
  if (!key) throw new RefreshError(`Set ${o.apiKeyEnv} before refreshing OpenCode Go models.`);
  const base = o.baseUrl.trim().replace(/\/+$/, "");
  // Read (and validate) the file before spending any requests.
  const current = readSettingsValue(o.settingsFile);
  let ids: string[];
  try {
    ids = await fetchOpencodeModels(base, key, o.timeoutMs);
  } catch (e) {
    throw new RefreshError((e as Error).message);
  }
  const probes = await mapLimited(ids, o.concurrency ?? 4, (id) => probeModel(id, o, base, key));
  const rows = probes.flatMap((p) => (p.row ? [p.row] : []));
  const { value, clashes } = mergeOpencodeRows(current.value, rows);
  let backup: string | undefined;
  mkdirSync(dirname(o.settingsFile), { recursive: true });
  if (current.hadComments && current.text !== null) {
    backup = `${o.settingsFile}.before-opencode-go-refresh`;
    copyFileSync(o.settingsFile, backup);
  }
  // Same indentation as the file had; write-then-rename so a crash never leaves half a file.
  const indent = /^[[{]\r?\n([ \t]+)\S/.exec(current.text ?? "")?.[1] ?? 2;
  const tmp = `${o.settingsFile}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, indent)}\n`);
  renameSync(tmp, o.settingsFile);
  return { baseUrl: base, probes, rows: rows.filter((r) => !clashes.includes(r.slug)), clashes, backup };
}
