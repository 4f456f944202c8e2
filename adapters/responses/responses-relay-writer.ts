import type { OutputWriter, StreamTranslator } from "../routes/upstream-route.ts";
import { BufferedOutputWriter, sniffEventType } from "../stream/buffered-output-writer.ts";
import type { ResponseObject, ResponseStatus, ResponsesErrorBody, ResponsesUsage } from "./responses-types.ts";
import { usageFromResponses } from "./normalize-usage.ts";
import { buildResponseEcho, buildResponseResource, type ResponseEcho } from "./build-response-resource.ts";

const TERMINAL: Record<string, ResponseStatus> = {
  "response.completed": "completed",
  "response.incomplete": "incomplete",
  "response.failed": "failed",
};
/** Events that carry a `response` object (the only place the model name appears). */
const WITH_RESPONSE = new Set(["response.created", "response.in_progress", "response.queued", ...Object.keys(TERMINAL)]);
/** Events that carry one output item. */
const WITH_ITEM = new Set(["response.output_item.added", "response.output_item.done"]);
const ARGUMENT_EVENTS = new Set(["response.function_call_arguments.delta", "response.function_call_arguments.done"]);
const SEQ = /"sequence_number"\s*:\s*(\d+)/;

type Json = Record<string, unknown>;

/**
 * How a route changes the upstream's output items on the way to Codex (a native Responses
 * upstream that got flattened or reshaped tools): the item as Codex must see it, and whether the
 * call's argument deltas are to be held back (the item now has another shape, e.g. a
 * `custom_tool_call` whose input arrives whole in `output_item.done`).
 */
export interface RelayItemMapper {
  mapItem(item: Json): { item: Json; holdArguments: boolean } | null;
}

export interface RelayOptions {
  responseId: string;
  /** The slug to show instead of the upstream model, or null to leave the model alone. */
  modelOverride: string | null;
  /** Who answered, for error messages ("ChatGPT", "the Responses upstream"). */
  upstreamName?: string;
  /**
   * Send keep-alive events during upstream silence (upstreams that send none of their own). The
   * relay then tracks sequence numbers and shifts the upstream's past each inserted event, so
   * they stay strictly increasing.
   */
  keepAlive?: boolean;
  items?: RelayItemMapper;
  /** Complete the usage of terminal events to the shape Codex requires (servers other than OpenAI's omit fields). */
  normalizeUsage?: boolean;
  /** The request echo for the response objects the relay writes itself (keep-alives, a failure): complete ResponseResources. */
  echo?: ResponseEcho;
}

/**
 * Relays a native Responses stream (the ChatGPT passthrough, native Responses upstreams) to Codex
 * as it came: the upstream's own `response.created`, sequence numbers and items are kept; only
 * events that carry the response object are parsed, to swap the model name back to the slug
 * Codex asked for and to learn the outcome, plus — with an item mapper — the events of items the
 * route reshaped. Everything else is forwarded byte for byte (`event:` lines included).
 */
export class ResponsesRelayWriter extends BufferedOutputWriter implements OutputWriter {
  private final: ResponseObject | null = null;
  private readonly o: RelayOptions;
  private readonly label: string;
  /** Events inserted (keep-alives), by which later upstream sequence numbers are shifted. */
  private shift = 0;
  private lastSeq = -1;
  /** The latest in-progress response object, for keep-alive events; serialized only when one is sent. */
  private progress: ResponseObject | null = null;
  private progressJson: string | null = null;
  private readonly held = new Set<string>();
  /** The `output_item.done` payloads as relayed: the output when the upstream's final response lists none. */
  private readonly doneItems: string[] = [];
  /** The upstream's response object once `response.created` came through (id, created_at for what the relay writes itself). */
  private started: ResponseObject | null = null;
  private readonly createdAt = Math.floor(Date.now() / 1000);

  constructor(opts: RelayOptions) {
    super();
    this.o = opts;
    this.label = opts.upstreamName ?? "ChatGPT";
  }

  // The upstream sends its own response.created / in_progress.
  start(): void {}

  keepAlive(): void {
    if (!this.o.keepAlive || this.finished || this.progress === null) return;
    this.progressJson ??= JSON.stringify(this.ownObject("in_progress", this.progress));
    this.shift++;
    this.lastSeq++;
    this.buf += `event: response.in_progress\ndata: {"type":"response.in_progress","sequence_number":${this.lastSeq},"response":${this.progressJson}}\n\n`;
  }

  relay(data: string, event: string | undefined): void {
    if (this.finished || data === "[DONE]") return;
    const type = event ?? sniffEventType(data);
    data = this.renumber(data);
    if (this.o.items && type !== undefined && (WITH_ITEM.has(type) || ARGUMENT_EVENTS.has(type))) {
      const mapped = this.mapItemEvent(type, data);
      if (mapped === null) return;
      data = mapped;
    }
    if (type === "response.output_item.done") this.doneItems.push(data);
    if (!type || !WITH_RESPONSE.has(type)) {
      if (!this.hasOutput && type !== undefined && /^response\.(output_item|output_text|reasoning|function_call|custom_tool_call|content_part)/.test(type)) this.hasOutput = true;
      this.buf += type ? `event: ${type}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
      return;
    }
    let ev: { response?: ResponseObject };
    try {
      ev = JSON.parse(data);
    } catch {
      this.buf += `event: ${type}\ndata: ${data}\n\n`;
      return;
    }
    const r = ev.response;
    let changed = false;
    if (r && this.o.modelOverride && typeof r.model === "string") {
      r.model = this.o.modelOverride;
      changed = true;
    }
    if (r && this.o.items && Array.isArray(r.output) && r.output.length) {
      r.output = r.output.map((i) => (this.o.items!.mapItem(i as unknown as Json)?.item ?? i) as unknown as (typeof r.output)[number]);
      changed = true;
    }
    if (r && this.o.normalizeUsage && TERMINAL[type] && r.usage) {
      r.usage = usageFromResponses(r.usage);
      changed = true;
    }
    const json = changed ? JSON.stringify(ev) : data;
    this.buf += `event: ${type}\ndata: ${json}\n\n`;
    if (r && !this.started && typeof r.id === "string") this.started = r;
    const terminal = TERMINAL[type];
    if (terminal && r) this.settle(terminal, r);
    else if (r && this.o.keepAlive) {
      this.progress = r;
      this.progressJson = null;
    }
  }

  /**
   * Tracks the upstream's sequence numbers (a failure the relay reports itself continues them) and
   * shifts them past the inserted keep-alives. The whole payload is searched: OpenAI writes
   * `sequence_number` last, after the item or response object.
   */
  private renumber(data: string): string {
    const m = SEQ.exec(data);
    if (!m) return data;
    const seq = Number(m[1]) + this.shift;
    this.lastSeq = Math.max(this.lastSeq, seq);
    return this.shift ? data.slice(0, m.index) + `"sequence_number":${seq}` + data.slice(m.index + m[0].length) : data;
  }

  private mapItemEvent(type: string, data: string): string | null {
    if (ARGUMENT_EVENTS.has(type)) {
      // Per delta, so not parsed: a held id appears as a whole JSON string only as the `item_id`
      // (quotes inside the arguments text are escaped).
      for (const id of this.held) if (data.includes(`"${id}"`)) return null;
      return data;
    }
    let ev: Json & { item?: Json; item_id?: string };
    try {
      ev = JSON.parse(data);
    } catch {
      return data;
    }
    if (!ev.item) return data;
    const mapped = this.o.items!.mapItem(ev.item);
    if (!mapped) return data;
    if (mapped.holdArguments && typeof ev.item.id === "string") this.held.add(ev.item.id);
    ev.item = mapped.item;
    return JSON.stringify(ev);
  }

  /** A whole (non-streaming) response object. */
  relayObject(body: unknown): void {
    const r = body as ResponseObject;
    if (!r || typeof r !== "object" || typeof r.status !== "string") {
      this.fail("server_error", `The ${this.label} endpoint answered with a JSON body that is not a response object.`);
      return;
    }
    if (this.o.modelOverride && typeof r.model === "string") r.model = this.o.modelOverride;
    if (this.o.normalizeUsage && r.usage) r.usage = usageFromResponses(r.usage);
    if (this.o.items && Array.isArray(r.output)) r.output = r.output.map((i) => (this.o.items!.mapItem(i as unknown as Json)?.item ?? i) as unknown as (typeof r.output)[number]);
    this.settle(r.status === "in_progress" ? "completed" : r.status, r);
  }

  private settle(status: ResponseStatus, r: ResponseObject): void {
    // ChatGPT may end with an empty `output`: what Codex keeps (and the cache must) are the done items.
    if ((!Array.isArray(r.output) || !r.output.length) && this.doneItems.length) r.output = this.itemsOfDoneEvents();
    this.final = r;
    this.status = status;
    this.usage = (r.usage as ResponsesUsage | null | undefined) ?? null;
    this.error = (r.error as ResponsesErrorBody | null | undefined) ?? null;
    const output = Array.isArray(r.output) ? r.output : [];
    this.toolCallCount = output.filter((i) => /_call$/.test(String((i as { type?: unknown }).type))).length;
    if (output.length) this.hasOutput = true;
  }

  private itemsOfDoneEvents(): ResponseObject["output"] {
    const out: ResponseObject["output"] = [];
    for (const d of this.doneItems) {
      try {
        const item = (JSON.parse(d) as { item?: unknown }).item;
        if (item && typeof item === "object") out.push(item as ResponseObject["output"][number]);
      } catch {
        // not JSON: Codex drops it as well
      }
    }
    return out;
  }

  fail(code: string, message: string): void {
    if (this.finished) return;
    this.status = "failed";
    this.error = { code, message };
    const response = this.responseObject();
    // The relay's own terminal event continues the upstream's sequence.
    this.buf += `event: response.failed\ndata: {"type":"response.failed","sequence_number":${++this.lastSeq},"response":${JSON.stringify(response)}}\n\n`;
  }

  /**
   * A response object the relay writes itself: complete (the request echo, nulls where unset),
   * with what the upstream already said about the response laid over it.
   */
  private ownObject(status: ResponseStatus, upstream: ResponseObject | null): ResponseObject {
    const own = buildResponseResource(
      { id: upstream?.id ?? this.o.responseId, createdAt: upstream?.created_at ?? this.createdAt, completedAt: null, status, model: this.o.modelOverride ?? upstream?.model ?? "", output: [], error: this.error, usage: null, incompleteReason: null },
      this.o.echo ?? buildResponseEcho(undefined),
    );
    if (!upstream) return own;
    const model = this.o.modelOverride ?? upstream.model ?? own.model;
    return { ...own, ...upstream, model, status, completed_at: null, error: own.error, incomplete_details: null, usage: null };
  }

  responseObject(): ResponseObject {
    return this.final ?? this.ownObject(this.status, this.started);
  }

  get upstreamLabel(): string {
    return this.label;
  }
}

/** Feeds upstream SSE events (or a JSON body) into the relay writer. */
export function createRelayTranslator(writer: ResponsesRelayWriter): StreamTranslator {
  return {
    onEvent: (data, event) => writer.relay(data, event),
    onJsonBody: (body) => writer.relayObject(body),
    onEnd: () => {
      if (!writer.finished) writer.fail("server_error", `The ${writer.upstreamLabel} stream closed before response.completed.`);
    },
  };
}
