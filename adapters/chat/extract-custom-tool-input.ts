/**
 * The raw input of a freeform tool (apply_patch) from what a chat model put in the arguments of
 * the function we exposed for it: `{"input": …}`, `{"patch": …}`, any single string field, or the
 * raw text; a surrounding code fence is removed.
 */
export function extractCustomToolInput(args: string): string {
  let text = args;
  const trimmed = args.trim();
  if (trimmed.startsWith("{")) {
    try {
      const v = JSON.parse(trimmed) as Record<string, unknown>;
      const pick = v.input ?? v.patch ?? v.text ?? v.content ?? Object.values(v).find((x) => typeof x === "string");
      if (typeof pick === "string") text = pick;
    } catch {
      // not JSON: treat as raw text
    }
  }
  return stripFence(text);
}

function stripFence(s: string): string {
  const m = /^\s*```[\w-]*\n([\s\S]*?)\n?```\s*$/.exec(s);
  return m ? m[1] : s;
}
