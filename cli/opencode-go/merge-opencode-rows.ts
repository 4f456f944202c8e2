export const GENERATED_BY = "codex-shim opencode-go refresh";
const ROW_KEYS = ["models", "customModels", "launchModels", "launch_models"] as const;

export interface OpencodeRow {
  slug: string;
  model: string;
  display_name: string;
  provider: "generic-chat-completion-api" | "anthropic";
  base_url: string;
  api_key_env: string;
  no_image_support: true;
  generated_by: typeof GENERATED_BY;
  opencode_go_endpoint: "chat" | "messages";
}

function isGenerated(row: unknown): boolean {
  if (!row || typeof row !== "object" || Array.isArray(row)) return false;
  const r = row as Record<string, unknown>;
  return r.generated_by === GENERATED_BY || r.generatedBy === GENERATED_BY;
}

function slugOf(row: unknown): string | undefined {
  return row && typeof row === "object" && typeof (row as { slug?: unknown }).slug === "string" ? (row as { slug: string }).slug : undefined;
}

/**
 * The settings value with the previous refresh's rows replaced by `rows`. Everything else stays:
 * other top-level keys (`router`, `$schema`), the rows array's key, hand-written rows, bare
 * model-name strings, and a top-level array stays an array. A generated row whose slug a
 * hand-written row already uses is left out (returned in `clashes`).
 */
export function mergeOpencodeRows(existing: unknown, rows: OpencodeRow[]): { value: unknown; clashes: string[] } {
  const keep = (list: unknown[]) => list.filter((r) => !isGenerated(r));
  const add = (kept: unknown[]) => {
    const taken = new Set(kept.map(slugOf).filter(Boolean));
    const clashes = rows.filter((r) => taken.has(r.slug)).map((r) => r.slug);
    return { list: [...kept, ...rows.filter((r) => !taken.has(r.slug))], clashes };
  };
  if (Array.isArray(existing)) {
    const { list, clashes } = add(keep(existing));
    return { value: list, clashes };
  }
  const obj: Record<string, unknown> = existing && typeof existing === "object" ? { ...(existing as Record<string, unknown>) } : {};
  const key = ROW_KEYS.find((k) => Array.isArray(obj[k])) ?? "models";
  const { list, clashes } = add(keep(Array.isArray(obj[key]) ? (obj[key] as unknown[]) : []));
  obj[key] = list;
  return { value: obj, clashes };
}
