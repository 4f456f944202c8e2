/** What one line of `cursor-agent --output-format stream-json` means for the answer. */
export type CursorEvent =
  | { kind: "delta"; text: string }
  | { kind: "final"; text: string | null; usage: CursorUsage | null }
  | { kind: "error"; message: string };

export interface CursorUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
}

/**
 * Turns cursor-agent's stream-json lines into text deltas. Assistant events carry the
 * cumulative text: a longer text that extends the previous one yields the new suffix, an
 * identical one yields nothing, an unrelated one yields the whole text (a new segment).
 */
export class CursorStreamParser {
  private seen = "";
  /** All text delivered as deltas so far. */
  streamed = "";

  feed(line: string): CursorEvent | null {
    const t = line.trim();
    if (!t) return null;
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(t);
    } catch {
      return null;
    }
    if (!j || typeof j !== "object") return null;
    if (j.type === "assistant") {
      const content = (j.message as { content?: unknown } | undefined)?.content;
      let text = "";
      if (typeof content === "string") text = content;
      else if (Array.isArray(content)) {
        for (const p of content) {
          const part = p as { type?: unknown; text?: unknown } | null;
          if (part?.type === "text" && typeof part.text === "string") text += part.text;
        }
      }
      if (!text || text === this.seen) return null;
      const delta = text.startsWith(this.seen) ? text.slice(this.seen.length) : text;
      this.seen = text;
      this.streamed += delta;
      return { kind: "delta", text: delta };
    }
    if (j.type === "result") {
      if (j.subtype === "error" || j.is_error === true) return { kind: "error", message: String(j.result ?? j.error ?? "cursor-agent reported an error") };
      return { kind: "final", text: typeof j.result === "string" && j.result ? j.result : null, usage: (j.usage as CursorUsage | undefined) ?? null };
    }
    if (j.type === "error") return { kind: "error", message: String(j.message ?? j.error ?? "cursor-agent reported an error") };
    return null;
  }
}
