import type {
  OutputCustomToolCallItem,
  OutputFunctionCallItem,
  OutputCompactionItem,
  OutputItem,
  OutputLocalShellCallItem,
  OutputMessageItem,
  OutputReasoningItem,
  ResponseObject,
  ResponseStatus,
  ResponsesErrorBody,
  ResponsesUsage,
} from "./responses-types.ts";
import { newItemId } from "./new-id.ts";
import { BufferedOutputWriter } from "../stream/buffered-output-writer.ts";
import { zeroUsage } from "./normalize-usage.ts";
import { buildResponseEcho, buildResponseResource, echoJsonFragment, responseResourceJson, type ResponseEcho, type ResponseState } from "./build-response-resource.ts";
import type { OutputWriter } from "../routes/upstream-route.ts";
import type { ResponsesItemWriter } from "./responses-item-writer.ts";

/**
 * Writes one Responses SSE stream (codex-protocol §6): every event carries a strictly increasing
 * `sequence_number`, every item gets `output_item.added`/`.done`, and exactly one terminal event
 * (`response.completed` / `.incomplete` / `.failed`) ends it. Events accumulate as text in a buffer
 * that the pump drains once per upstream chunk, so one upstream chunk costs one write downstream.
 *
 * Hot-path events (text/argument deltas) are assembled by string concatenation rather than
 * building an object and calling JSON.stringify on it.
 */
export interface FunctionCallHandle {
  item: OutputFunctionCallItem;
  index: number;
  args: string[];
}

/** A custom (freeform) tool call whose `output_item.added` is out and whose input is still coming. */
export interface CustomToolCallHandle {
  item: OutputCustomToolCallItem;
  index: number;
}

interface OpenMessage {
  item: OutputMessageItem;
  index: number;
  text: string[];
  prefix: string;
}
interface OpenReasoning {
  item: OutputReasoningItem;
  index: number;
  text: string[];
  prefix: string;
}

export interface WriterOptions {
  responseId: string;
  model: string;
  createdAt?: number;
  /** The request's settings, echoed in every `response` object (ResponseResource); nulls and defaults when absent. */
  echo?: ResponseEcho;
  /** Opaque state for a finished reasoning item (e.g. the text tagged with the model), or null. */
  encodeReasoning?: (text: string) => string | null;
}

export class ResponsesEventWriter extends BufferedOutputWriter implements OutputWriter, ResponsesItemWriter {
  readonly responseId: string;
  readonly model: string;
  readonly createdAt: number;
  private seq = 0;
  private readonly output: OutputItem[] = [];
  private message: OpenMessage | null = null;
  private reasoning: OpenReasoning | null = null;
  private readonly openCalls = new Set<FunctionCallHandle>();
  private readonly openCustomCalls = new Set<CustomToolCallHandle>();
  private readonly encodeReasoning?: (text: string) => string | null;
  private readonly echo: ResponseEcho;
  /** The `response` JSON of the in-progress snapshot, built once (created, in_progress, keep-alives). */
  private inProgressJson = "";
  private echoJson = "";
  completedAt: number | null = null;
  incompleteReason: string | null = null;
  /** True once an answer item (message, tool call, compaction) has been written; reasoning alone is no answer. */
  hasAnswer = false;

  constructor(opts: WriterOptions) {
    super();
    this.responseId = opts.responseId;
    this.model = opts.model;
    this.createdAt = opts.createdAt ?? Math.floor(Date.now() / 1000);
    this.encodeReasoning = opts.encodeReasoning;
    this.echo = opts.echo ?? buildResponseEcho(undefined);
  }

  private emit(type: string, rest: string): void {
    // rest is a JSON fragment beginning with "," or empty.
    this.buf += `event: ${type}\ndata: {"type":"${type}","sequence_number":${this.seq++}${rest}}\n\n`;
  }

  private emitObject(type: string, fields: Record<string, unknown>): void {
    const json = JSON.stringify(fields);
    this.emit(type, json.length > 2 ? "," + json.slice(1, -1) : "");
  }

  private state(status: ResponseStatus, withOutput: boolean): ResponseState {
    return {
      id: this.responseId,
      createdAt: this.createdAt,
      completedAt: status === "completed" ? this.completedAt : null,
      status,
      model: this.model,
      output: withOutput ? this.output.slice() : [],
      error: this.error,
      usage: status === "in_progress" ? null : (this.usage ?? zeroUsage()),
      incompleteReason: this.incompleteReason,
    };
  }

  private snapshot(status: ResponseStatus, withOutput: boolean): ResponseObject {
    return buildResponseResource(this.state(status, withOutput), this.echo);
  }

  /** A `response` event's JSON tail; the request echo is serialized once per request. */
  private emitResponse(type: string, status: ResponseStatus, withOutput: boolean): void {
    this.echoJson ||= echoJsonFragment(this.echo);
    this.emit(type, `,"response":${responseResourceJson(this.state(status, withOutput), this.echoJson)}`);
  }

  /** Serializes the opening events' response object (request echo included) ahead of `start`: the machine calls it while the upstream has not answered yet. */
  warm(): void {
    this.echoJson ||= echoJsonFragment(this.echo);
    this.inProgressJson ||= responseResourceJson(this.state("in_progress", false), this.echoJson);
  }

  start(): void {
    this.warm();
    this.emit("response.created", `,"response":${this.inProgressJson}`);
    this.emit("response.in_progress", `,"response":${this.inProgressJson}`);
  }

  /** A real (parsed, ignored) event that resets Codex's idle timer without producing output. */
  keepAlive(): void {
    if (this.finished) return;
    this.echoJson ||= echoJsonFragment(this.echo);
    this.inProgressJson ||= responseResourceJson(this.state("in_progress", false), this.echoJson);
    this.emit("response.in_progress", `,"response":${this.inProgressJson}`);
  }

  // ---- text -------------------------------------------------------------------------------

  appendText(delta: string): void {
    if (!delta || this.finished) return;
    if (this.reasoning) this.closeReasoning();
    let m = this.message;
    if (!m) m = this.openMessage();
    m.text.push(delta);
    this.buf += `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${this.seq++}${m.prefix},"content_index":0,"delta":${JSON.stringify(delta)},"logprobs":[]}\n\n`;
  }

  private openMessage(): OpenMessage {
    const item: OutputMessageItem = { type: "message", id: newItemId("msg"), role: "assistant", status: "in_progress", content: [] };
    const index = this.output.length;
    this.output.push(item);
    this.hasOutput = true;
    this.hasAnswer = true;
    const m: OpenMessage = { item, index, text: [], prefix: `,"item_id":"${item.id}","output_index":${index}` };
    this.message = m;
    this.emitObject("response.output_item.added", { output_index: index, item });
    this.emitObject("response.content_part.added", {
      item_id: item.id,
      output_index: index,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [] },
    });
    return m;
  }

  closeMessage(): void {
    const m = this.message;
    if (!m) return;
    this.message = null;
    const text = m.text.join("");
    const part = { type: "output_text" as const, text, annotations: [] };
    this.emitObject("response.output_text.done", { item_id: m.item.id, output_index: m.index, content_index: 0, text, logprobs: [] });
    this.emitObject("response.content_part.done", { item_id: m.item.id, output_index: m.index, content_index: 0, part });
    const done: OutputMessageItem = { ...m.item, status: "completed", content: [part] };
    this.output[m.index] = done;
    this.emitObject("response.output_item.done", { output_index: m.index, item: done });
  }

  /** A refusal part (Anthropic `refusal`, chat `refusal`): surfaced as text so the user sees it. */
  appendRefusal(text: string): void {
    this.appendText(text);
  }

  // ---- reasoning --------------------------------------------------------------------------

  appendReasoning(delta: string): void {
    if (!delta || this.finished) return;
    let r = this.reasoning;
    if (!r) r = this.openReasoning();
    r.text.push(delta);
    this.buf += `event: response.reasoning_summary_text.delta\ndata: {"type":"response.reasoning_summary_text.delta","sequence_number":${this.seq++}${r.prefix},"summary_index":0,"delta":${JSON.stringify(delta)}}\n\n`;
  }

  get reasoningOpen(): boolean {
    return this.reasoning !== null;
  }

  openReasoning(): OpenReasoning {
    if (this.message) this.closeMessage();
    const item: OutputReasoningItem = { type: "reasoning", id: newItemId("rs"), summary: [] };
    const index = this.output.length;
    this.output.push(item);
    this.hasOutput = true;
    const r: OpenReasoning = { item, index, text: [], prefix: `,"item_id":"${item.id}","output_index":${index}` };
    this.reasoning = r;
    this.emitObject("response.output_item.added", { output_index: index, item });
    this.emitObject("response.reasoning_summary_part.added", {
      item_id: item.id,
      output_index: index,
      summary_index: 0,
      part: { type: "summary_text", text: "" },
    });
    return r;
  }

  /**
   * Closes the open reasoning item. `encryptedContent` overrides the writer's encoder (used by
   * routes that must carry signed blocks, e.g. Anthropic thinking); a function gets the item's text.
   */
  closeReasoning(encryptedContent?: string | null | ((text: string) => string | null)): void {
    const r = this.reasoning;
    if (!r) return;
    this.reasoning = null;
    const text = r.text.join("");
    const part = { type: "summary_text" as const, text };
    this.emitObject("response.reasoning_summary_text.done", { item_id: r.item.id, output_index: r.index, summary_index: 0, text });
    this.emitObject("response.reasoning_summary_part.done", { item_id: r.item.id, output_index: r.index, summary_index: 0, part });
    const enc = typeof encryptedContent === "function" ? encryptedContent(text) : encryptedContent !== undefined ? encryptedContent : (this.encodeReasoning?.(text) ?? null);
    // The schema's encrypted_content is a string: absent (not null) when there is none.
    const done: OutputReasoningItem = { type: "reasoning", id: r.item.id, summary: text ? [part] : [] };
    if (enc != null) done.encrypted_content = enc;
    this.output[r.index] = done;
    this.emitObject("response.output_item.done", { output_index: r.index, item: done });
  }

  // ---- function calls ---------------------------------------------------------------------

  openFunctionCall(callId: string, name: string, namespace?: string): FunctionCallHandle {
    if (this.message) this.closeMessage();
    if (this.reasoning) this.closeReasoning();
    const item: OutputFunctionCallItem = { type: "function_call", id: newItemId("fc"), status: "in_progress", call_id: callId, name, arguments: "" };
    if (namespace) item.namespace = namespace;
    const index = this.output.length;
    this.output.push(item);
    this.hasOutput = true;
    this.hasAnswer = true;
    const h: FunctionCallHandle = { item, index, args: [] };
    this.openCalls.add(h);
    this.emitObject("response.output_item.added", { output_index: index, item });
    return h;
  }

  appendFunctionArgs(h: FunctionCallHandle, delta: string): void {
    if (!delta || this.finished) return;
    h.args.push(delta);
    this.buf += `event: response.function_call_arguments.delta\ndata: {"type":"response.function_call_arguments.delta","sequence_number":${this.seq++},"item_id":"${h.item.id}","output_index":${h.index},"delta":${JSON.stringify(delta)}}\n\n`;
  }

  /** Closes a call; `finalArguments` replaces the streamed text when the route had to repair it. */
  closeFunctionCall(h: FunctionCallHandle, finalArguments?: string): void {
    if (!this.openCalls.delete(h)) return;
    const args = finalArguments ?? h.args.join("");
    this.emitObject("response.function_call_arguments.done", { item_id: h.item.id, output_index: h.index, arguments: args });
    const done: OutputFunctionCallItem = { ...h.item, status: "completed", arguments: args };
    this.output[h.index] = done;
    this.toolCallCount++;
    this.emitObject("response.output_item.done", { output_index: h.index, item: done });
  }

  /**
   * Starts a custom (freeform) tool call such as apply_patch: `output_item.added` (empty input)
   * goes out now and the call keeps this output_index, so it stays where the model put it among
   * other items even though its input is only known later (see closeCustomToolCall).
   */
  openCustomToolCall(callId: string, name: string): CustomToolCallHandle {
    if (this.message) this.closeMessage();
    if (this.reasoning) this.closeReasoning();
    const item: OutputCustomToolCallItem = { type: "custom_tool_call", id: newItemId("ctc"), status: "in_progress", call_id: callId, name, input: "" };
    const index = this.output.length;
    this.output.push(item);
    this.hasOutput = true;
    this.hasAnswer = true;
    const h: CustomToolCallHandle = { item, index };
    this.openCustomCalls.add(h);
    this.emitObject("response.output_item.added", { output_index: index, item });
    return h;
  }

  /** Finishes an opened custom tool call with its whole input (one delta, `.done`, item done). */
  closeCustomToolCall(h: CustomToolCallHandle, input: string): void {
    if (!this.openCustomCalls.delete(h)) return;
    const { id } = h.item;
    if (input) this.emitObject("response.custom_tool_call_input.delta", { item_id: id, output_index: h.index, delta: input });
    this.emitObject("response.custom_tool_call_input.done", { item_id: id, output_index: h.index, input });
    const done: OutputCustomToolCallItem = { ...h.item, status: "completed", input };
    this.output[h.index] = done;
    this.toolCallCount++;
    this.emitObject("response.output_item.done", { output_index: h.index, item: done });
  }

  /** Emits a complete custom (freeform) tool call such as apply_patch. */
  emitCustomToolCall(callId: string, name: string, input: string): void {
    if (this.finished) return;
    this.closeCustomToolCall(this.openCustomToolCall(callId, name), input);
  }

  /** Emits a complete `local_shell_call` (the chat fallback for the hosted `local_shell` tool). */
  emitLocalShellCall(callId: string, action: OutputLocalShellCallItem["action"]): void {
    if (this.finished) return;
    if (this.message) this.closeMessage();
    if (this.reasoning) this.closeReasoning();
    const index = this.output.length;
    this.hasAnswer = true;
    // The API's LocalShellExecAction requires `env`.
    const added: OutputLocalShellCallItem = { type: "local_shell_call", id: newItemId("lsh"), call_id: callId, status: "in_progress", action: { ...action, env: action.env ?? {} } };
    this.output.push(added);
    this.hasOutput = true;
    this.emitObject("response.output_item.added", { output_index: index, item: added });
    const done: OutputLocalShellCallItem = { ...added, status: "completed" };
    this.output[index] = done;
    this.toolCallCount++;
    this.emitObject("response.output_item.done", { output_index: index, item: done });
  }

  /** Emits the single `compaction` item a remote-compaction (v2) request must answer with. */
  emitCompaction(encryptedContent: string): void {
    if (this.finished) return;
    if (this.message) this.closeMessage();
    if (this.reasoning) this.closeReasoning();
    const index = this.output.length;
    this.hasAnswer = true;
    const item: OutputCompactionItem = { type: "compaction", id: newItemId("cmp"), encrypted_content: encryptedContent };
    this.output.push(item);
    this.hasOutput = true;
    this.emitObject("response.output_item.added", { output_index: index, item });
    this.emitObject("response.output_item.done", { output_index: index, item });
  }

  // ---- terminal events --------------------------------------------------------------------

  private closeAll(): void {
    if (this.reasoning) this.closeReasoning();
    if (this.message) this.closeMessage();
    if (this.openCalls.size + this.openCustomCalls.size === 0) return;
    // A custom call still open here never got its input: it is finished empty, like a function
    // call is finished with the arguments it has.
    const open: (FunctionCallHandle | CustomToolCallHandle)[] = [...this.openCalls, ...this.openCustomCalls];
    for (const h of open.sort((a, b) => a.index - b.index)) {
      if ("args" in h) this.closeFunctionCall(h);
      else this.closeCustomToolCall(h, "");
    }
  }

  complete(usage?: ResponsesUsage | null): void {
    if (this.finished) return;
    this.closeAll();
    if (usage) this.usage = usage;
    this.status = "completed";
    this.completedAt = Math.floor(Date.now() / 1000);
    this.emitResponse("response.completed", "completed", true);
  }

  incomplete(reason: string, usage?: ResponsesUsage | null): void {
    if (this.finished) return;
    this.closeAll();
    if (usage) this.usage = usage;
    this.incompleteReason = reason;
    this.status = "incomplete";
    this.emitResponse("response.incomplete", "incomplete", true);
  }

  /**
   * Ends the stream as failed. Open items are deliberately left open: Codex would otherwise
   * execute a half-streamed tool call or keep a truncated answer in history.
   */
  fail(code: string, message: string): void {
    if (this.finished) return;
    this.error = { code, message };
    this.status = "failed";
    this.emitResponse("response.failed", "failed", true);
  }

  /** The final Responses object (for non-streaming clients). */
  responseObject(): ResponseObject {
    return this.snapshot(this.status, true);
  }
}
