import { escapeRawControls } from "./escape-raw-controls.ts";

/**
 * Codex needs a JSON string; an empty argument string means "no arguments". Arguments cut short
 * (unclosed strings/brackets, a trailing comma) are closed when that makes them valid JSON;
 * anything else is passed on as is, and Codex reports the parse error to the model.
 */
export function normalizeArguments(args: string): string {
  const t = args.trim();
  if (t === "") return "{}";
  try {
    JSON.parse(t);
    return args;
  } catch {
    const repaired = closeJson(t) ?? closeJson(escapeRawControls(t)) ?? repeatedWhole(t);
    if (repaired !== null) return repaired;
    return args;
  }
}

/**
 * Some servers stream the arguments as deltas and then send the whole string once more in the
 * last chunk, so the concatenation is the same JSON value twice: keep one.
 */
function repeatedWhole(s: string): string | null {
  if (s.length % 2 !== 0) return null;
  const half = s.slice(0, s.length / 2);
  if (half !== s.slice(s.length / 2)) return null;
  try {
    JSON.parse(half);
    return half;
  } catch {
    return null;
  }
}

function closeJson(s: string): string | null {
  const stack: string[] = [];
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") stack.push("}");
    else if (ch === "[") stack.push("]");
    else if (ch === "}" || ch === "]") {
      if (stack.pop() !== ch) return null;
    }
  }
  let out = s;
  if (inString) out += '"';
  out = out.replace(/,\s*$/, "");
  out += stack.reverse().join("");
  try {
    JSON.parse(out);
    return out;
  } catch {
    return null;
  }
}

/** `s` parsed, when it is a JSON object (what tool arguments must be); null for anything else. */
export function parseJsonObject(s: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(s) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
