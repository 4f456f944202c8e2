import { escapeRawControls } from "./escape-raw-controls.ts";

/**
 * The raw input of a freeform tool (apply_patch) from what a model put in the arguments of the
 * function the shim exposed for it. Models wrap it in many ways; all of these give the raw text:
 * `{"input": …}`, `{"patch": …}` (or any single string field), the raw text itself, a surrounding
 * code fence, or a shell heredoc (`apply_patch <<'EOF' … EOF`). Shared by the chat and Anthropic routes.
 */
export function extractCustomToolInput(args: string): string {
  let text = args;
  const trimmed = args.trim();
  if (trimmed.startsWith("{")) {
    // A multi-line patch is often written into the JSON string with raw newlines: escape them.
    const v = parseObject(trimmed) ?? parseObject(escapeRawControls(trimmed));
    if (v) {
      const pick = v.input ?? v.patch ?? v.text ?? v.content ?? Object.values(v).find((x) => typeof x === "string");
      if (typeof pick === "string") text = pick;
    }
    // otherwise not JSON: treat as raw text
  } else if (trimmed.startsWith('"')) {
    // A JSON string literal instead of an object.
    try {
      const v = JSON.parse(trimmed);
      if (typeof v === "string") text = v;
    } catch {
      // raw text that happens to start with a quote
    }
  }
  return stripHeredoc(stripFence(text));
}

function parseObject(s: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Same, for an already-parsed arguments object (Anthropic `tool_use.input`). */
export function extractCustomToolInputFromObject(input: unknown): string {
  if (typeof input === "string") return extractCustomToolInput(input);
  return extractCustomToolInput(JSON.stringify(input ?? {}));
}

function stripFence(s: string): string {
  const m = /^\s*```[\w-]*\n([\s\S]*?)\n?```\s*$/.exec(s);
  return m ? m[1] : s;
}

function stripHeredoc(s: string): string {
  // e.g. apply_patch <<'EOF'\n*** Begin Patch…\nEOF   or   cat <<"PATCH" … PATCH
  const m = /^\s*(?:[\w.-]+\s+)?<<-?\s*(['"]?)([A-Za-z_][\w]*)\1[ \t]*\n([\s\S]*?)\n\2\s*$/.exec(s);
  return m ? m[3] : s;
}
