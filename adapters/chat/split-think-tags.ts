const OPEN = "<think>";
const CLOSE = "</think>";

/**
 * Splits `<think>…</think>` reasoning out of streamed chat content (Qwen, MiniMax, GLM and most
 * local servers put it there instead of `reasoning_content`). Only a block at the very start of the
 * answer counts, so code that merely mentions the tag is left alone. Tags split across chunks are
 * handled; once plain text has started every delta passes straight through.
 */
export class ThinkTagSplitter {
  private state: "start" | "think" | "gap" | "text" = "start";
  private buf = "";
  private readonly onReasoning: (s: string) => void;
  private readonly onText: (s: string) => void;

  constructor(onReasoning: (s: string) => void, onText: (s: string) => void) {
    this.onReasoning = onReasoning;
    this.onText = onText;
  }

  feed(delta: string): void {
    if (this.state === "text") {
      this.onText(delta);
      return;
    }
    if (this.state === "gap") {
      // Whitespace between </think> and the answer is dropped, whichever chunk it arrives in.
      const t = delta.replace(/^\s+/, "");
      if (!t) return;
      this.state = "text";
      this.onText(t);
      return;
    }
    this.buf += delta;
    if (this.state === "start") {
      const t = this.buf.trimStart();
      if (t === "" || (t.length < OPEN.length && OPEN.startsWith(t))) return;
      if (!t.startsWith(OPEN)) {
        this.state = "text";
        const all = this.buf;
        this.buf = "";
        this.onText(all);
        return;
      }
      this.state = "think";
      this.buf = t.slice(OPEN.length);
    }
    const end = this.buf.indexOf(CLOSE);
    if (end >= 0) {
      const reasoning = this.buf.slice(0, end);
      const rest = this.buf.slice(end + CLOSE.length).replace(/^\s+/, "");
      this.buf = "";
      this.state = rest ? "text" : "gap";
      if (reasoning) this.onReasoning(reasoning);
      if (rest) this.onText(rest);
      return;
    }
    // Keep back a tail that could be the start of "</think>".
    let keep = 0;
    for (let k = Math.min(CLOSE.length - 1, this.buf.length); k > 0; k--) {
      if (CLOSE.startsWith(this.buf.slice(-k))) {
        keep = k;
        break;
      }
    }
    const emit = this.buf.slice(0, this.buf.length - keep);
    this.buf = this.buf.slice(this.buf.length - keep);
    if (emit) this.onReasoning(emit);
  }

  /** End of content (or a tool call starts): release whatever is held back. */
  flush(): void {
    const b = this.buf;
    this.buf = "";
    if (this.state === "think") {
      if (b) this.onReasoning(b);
    } else if (this.state === "start") {
      if (b.trim()) this.onText(b);
    }
  }
}
