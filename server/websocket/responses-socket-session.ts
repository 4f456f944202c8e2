import { ShimError } from "../../adapters/errors/shim-error.ts";
import { newItemId, newResponseId } from "../../adapters/responses/new-id.ts";
import { ResponsesEventWriter } from "../../adapters/responses/responses-event-writer.ts";
import type { InputItem, ResponsesRequest } from "../../adapters/responses/responses-types.ts";
import { validateResponsesRequest } from "../../adapters/responses/validate-responses-request.ts";
import { createFrameSink, type FrameChannel, type FrameSink } from "../../adapters/stream/websocket-frame-sink.ts";
import type { OutputWriter } from "../../machines/request.machine.ts";
import { runRequestActor } from "../run-request-actor.ts";
import type { ServerContext } from "../server-context.ts";
import { ConnectionResponseStore } from "./connection-response-store.ts";
import { errorFrame, previousResponseNotFound, WebSocketRequestError } from "./websocket-error-frame.ts";

/** `response.create` messages waiting behind the one in flight; more is a misbehaving client. */
export const MAX_QUEUED_MESSAGES = 16;

/** A parsed `response.create`: the request as the upstream sees it, and what the socket needs. */
export interface SocketTurn {
  body: ResponsesRequest & { input: InputItem[] };
  /** The items this message brought (the rest came from the connection's store). */
  newItems: InputItem[];
  previousResponseId: string | null;
  generate: boolean;
}

/** Runs one response on the connection; the default runs the request machine (HTTP's path). */
export type TurnRunner = (turn: SocketTurn, sink: FrameSink, signal: AbortSignal) => Promise<TurnOutcome>;

/** How a turn ended: the response id and output Codex saw when it completed, or the failure. */
export type TurnOutcome = { status: "completed"; id: string; output: InputItem[] } | { status: "failed" | "incomplete" | "aborted" };

/**
 * One Responses WebSocket connection: `response.create` messages are handled one at a time, in
 * order; each runs the request machine exactly as an HTTP request does, with a frame sink in place
 * of the SSE body. Completed `store: false` responses are kept here only (a continuation works on
 * this connection, a new one gets `previous_response_not_found`); a failed continuation evicts the
 * response it continued. Closing the socket aborts the response in flight.
 */
export class ResponsesSocketSession {
  readonly store = new ConnectionResponseStore();
  private readonly sink: FrameSink;
  private readonly queue: string[] = [];
  private running = false;
  private closed = false;
  private inFlight: AbortController | null = null;
  private readonly runTurn: TurnRunner;
  private readonly ctx: ServerContext;
  private readonly channel: FrameChannel;

  constructor(ctx: ServerContext, channel: FrameChannel, opts: { runTurn?: TurnRunner } = {}) {
    this.ctx = ctx;
    this.channel = channel;
    this.sink = createFrameSink(channel);
    this.runTurn = opts.runTurn ?? ((turn, sink, signal) => runWithRequestMachine(ctx, turn, sink, signal));
  }

  /** A text message from the client (null for a binary one). */
  receive(text: string | null): void {
    if (this.closed) return;
    if (text === null) return this.sendError(new WebSocketRequestError({ code: "invalid_message", message: "Binary frames are not supported: send response.create as a JSON text frame." }));
    if (this.queue.length >= MAX_QUEUED_MESSAGES)
      return this.sendError(new WebSocketRequestError({ status: 429, code: "too_many_queued_messages", message: `More than ${MAX_QUEUED_MESSAGES} messages are waiting behind the response in flight; one response at a time per connection.` }));
    this.queue.push(text);
    if (!this.running) void this.drain();
  }

  /** The socket drained (backpressure). */
  drained(): void {
    this.sink.drained();
  }

  /** The client went away: abort the response in flight, drop the queue and this connection's responses. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.inFlight?.abort();
    this.sink.disconnect();
    this.store.clear();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length && !this.closed) await this.handle(this.queue.shift()!);
    } finally {
      this.running = false;
    }
  }

  private async handle(text: string): Promise<void> {
    let turn: SocketTurn | null;
    try {
      turn = this.parse(text);
    } catch (e) {
      return this.sendError(e);
    }
    if (!turn) return;
    if (!turn.generate) return this.prewarm(turn);
    const abort = new AbortController();
    this.inFlight = abort;
    let outcome: TurnOutcome;
    try {
      outcome = await this.runTurn(turn, this.sink, abort.signal);
    } catch (e) {
      outcome = { status: "failed" };
      this.sendError(e);
    } finally {
      this.inFlight = null;
    }
    if (outcome.status === "completed") this.store.set(outcome.id, { items: turn.body.input.concat(outcome.output) });
    else if (outcome.status === "failed" && turn.previousResponseId) this.store.evict(turn.previousResponseId);
  }

  /** Parses and validates one message; null for a message that needs no answer. */
  private parse(text: string): SocketTurn | null {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      throw new WebSocketRequestError({ code: "invalid_json", message: `The message is not valid JSON: ${text.slice(0, 80)}` });
    }
    if (!msg || typeof msg !== "object" || Array.isArray(msg)) throw new WebSocketRequestError({ code: "invalid_message", message: "A message must be a JSON object with a \"type\"." });
    const { type, generate, previous_response_id: prev, stream: _stream, background, ...fields } = msg as Record<string, unknown>;
    // Newer Codex acknowledges each response it has handled; there is nothing to do for it.
    if (type === "response.processed") return null;
    if (type !== "response.create")
      throw new WebSocketRequestError({ code: "unsupported_message_type", param: "type", message: `Unsupported message type ${JSON.stringify(type ?? null)}: this endpoint accepts "response.create".` });
    if (generate !== undefined && typeof generate !== "boolean") throw new WebSocketRequestError({ code: "invalid_request", param: "generate", message: `"generate" must be true or false, got ${JSON.stringify(generate)}` });
    if (background === true) throw new WebSocketRequestError({ code: "invalid_request", param: "background", message: "\"background\" is not supported on a WebSocket." });
    if (prev !== undefined && prev !== null && (typeof prev !== "string" || !prev)) throw new WebSocketRequestError({ code: "invalid_request", param: "previous_response_id", message: `"previous_response_id" must be a response id string, got ${JSON.stringify(prev)}` });
    const previous = prev ? this.store.get(prev as string) : undefined;
    if (prev && !previous) throw previousResponseNotFound(prev as string);
    const newItems = toItems(fields.input);
    // Only the new items are checked: the stored ones were checked when they arrived.
    validateResponsesRequest({ ...fields, input: newItems, stream: true });
    const body = { ...fields, input: previous ? previous.items.concat(newItems) : newItems, stream: true } as ResponsesRequest & { input: InputItem[] };
    return { body, newItems, previousResponseId: (prev as string | undefined) ?? null, generate: generate !== false };
  }

  /** `generate: false` (Codex's prewarm): a completed, empty response at once; no upstream call. */
  private prewarm(turn: SocketTurn): void {
    const id = newResponseId();
    const w = new ResponsesEventWriter({ responseId: id, model: turn.body.model });
    w.start();
    w.complete();
    void this.sink.writeText!(w.take());
    this.store.set(id, { items: turn.body.input });
  }

  private sendError(e: unknown): void {
    if (this.closed) return;
    const err = e instanceof ShimError ? e : new ShimError({ status: 500, code: "internal_error", message: "Internal error in codex-shim (see its log)." });
    if (!(e instanceof ShimError)) this.ctx.log(`[err] websocket: ${(e as Error)?.stack ?? String(e)}`);
    this.channel.send(errorFrame(err));
  }
}

function toItems(input: unknown): InputItem[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return input as InputItem[];
}

/** The HTTP path's request machine, with the frame sink as its output. */
async function runWithRequestMachine(ctx: ServerContext, turn: SocketTurn, sink: FrameSink, signal: AbortSignal): Promise<TurnOutcome> {
  sink.takeDoneItems();
  const run = await runRequestActor(ctx, { signal }, { requestId: newItemId("req"), body: turn.body, streaming: true, classify: ctx.classify, sink, logSuffix: " transport=ws" });
  if (run.state === "aborted") return { status: "aborted" };
  if (!run.context.writer) throw run.context.error ?? new ShimError({ status: 502, code: "upstream_error", message: "The request failed before the upstream answered." });
  const c = await run.finished;
  const writer = c.writer as OutputWriter;
  if (signal.aborted) return { status: "aborted" };
  if (writer.status !== "completed") return { status: writer.status === "incomplete" ? "incomplete" : "failed" };
  const obj = writer.responseObject();
  return { status: "completed", id: obj.id, output: outputCodexSaw(writer, sink) };
}

/** The output items Codex added to its history: the writer's own objects, or the relayed frames. */
function outputCodexSaw(writer: OutputWriter, sink: FrameSink): InputItem[] {
  const frames = sink.takeDoneItems();
  if (writer instanceof ResponsesEventWriter) return writer.responseObject().output as unknown as InputItem[];
  const items: InputItem[] = [];
  for (const f of frames) {
    try {
      const item = (JSON.parse(f) as { item?: InputItem }).item;
      if (item && typeof item === "object") items.push(item);
    } catch {
      // not JSON: Codex dropped it as well
    }
  }
  return items;
}
