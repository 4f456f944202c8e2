import type { AssistantStep, AssistantTurn, ConversationOptions, Part, TextPart, ToolCall, ToolResult, Turn } from "./conversation-types.ts";

/**
 * Collects a history, item by item, into turns, and pairs tool results with their calls:
 *
 * - What the model produced (text, reasoning, calls) between two client-side items is one
 *   assistant turn, however many items it came in.
 * - A result pairs with a call of the assistant turn right before the client-side run it is in
 *   (the first result for a call id wins), wherever it sits in that run: Codex sends outputs in
 *   finish order, and a user message may come between a call and its output.
 * - Any other result (no such call, a second answer, a call from an older turn) is an orphan: it
 *   becomes user text at its place, so the model still sees it and no provider rejects it.
 *
 * One pass, one map lookup per result; parts are kept by reference (image data is never copied).
 */
export class ConversationBuilder {
  private readonly turns: Turn[] = [];
  private assistant: AssistantTurn | null = null;
  /** Calls of the last assistant turn that have no result yet, by call id. */
  private open = new Map<string, ToolCall>();
  private readonly noted = new Set<string>();
  private readonly opts: ConversationOptions;

  constructor(opts: ConversationOptions) {
    this.opts = opts;
  }

  note(n: string): void {
    if (this.noted.has(n)) return;
    this.noted.add(n);
    this.opts.notes.push(n);
  }

  system(parts: TextPart[]): void {
    this.assistant = null;
    if (parts.length) this.turns.push({ role: "system", parts });
  }

  user(parts: Part[]): void {
    this.assistant = null;
    this.turns.push({ role: "user", parts });
  }

  /** Assistant text (one message). Empty text is no step at all: it does not split a turn. */
  text(parts: TextPart[]): void {
    if (parts.length) this.step({ type: "text", parts });
  }

  reasoning(step: Extract<AssistantStep, { type: "reasoning" }>["carrier"]): void {
    this.step({ type: "reasoning", carrier: step });
  }

  call(call: ToolCall): void {
    this.step({ type: "tool_call", call });
    if (!this.open.has(call.callId)) this.open.set(call.callId, call);
  }

  result(callId: string, result: ToolResult): void {
    this.assistant = null;
    const call = this.open.get(callId);
    if (call) {
      this.open.delete(callId);
      call.result = result;
      return;
    }
    this.note("tool result without a matching call sent as text");
    this.turns.push({ role: "user", parts: orphanParts(callId, result) });
  }

  finish(): Turn[] {
    return this.turns;
  }

  private step(s: AssistantStep): void {
    if (!this.assistant) {
      this.assistant = { role: "assistant", steps: [] };
      this.turns.push(this.assistant);
      this.open = new Map();
    }
    this.assistant.steps.push(s);
  }
}

/** An orphan result as user content: its text under a header, then its images. */
function orphanParts(callId: string, r: ToolResult): Part[] {
  if (typeof r.output === "string") return [{ type: "text", text: `Output of tool call ${callId}:\n${r.output || "(empty)"}` }];
  const texts: string[] = [];
  const images: Part[] = [];
  for (const p of r.output) {
    if (p.type === "image") images.push(p);
    else if (p.text) texts.push(p.text);
  }
  const text = texts.join("\n") || (images.length ? "(see the image below)" : "(empty)");
  return [{ type: "text", text: `Output of tool call ${callId}:\n${text}` }, ...images];
}
