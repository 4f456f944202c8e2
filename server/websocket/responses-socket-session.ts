import { ShimError } from "../../adapters/errors/shim-error.ts";
import { newItemId, newResponseId } from "../../adapters/responses/new-id.ts";
import { ResponsesEventWriter } from "../../adapters/responses/responses-event-writer.ts";
import { buildResponseEcho } from "../../adapters/responses/build-response-resource.ts";
import type { InputItem, ResponsesRequest } from "../../adapters/responses/responses-types.ts";
import { ConversationCache, type CachedConversation } from "../../adapters/responses/conversation-cache.ts";
import { inputItemsOf, restorePreviousResponse } from "../../adapters/responses/restore-previous-response.ts";
import { validateResponsesRequest } from "../../adapters/responses/validate-responses-request.ts";
import { createFrameSink, type FrameChannel, type FrameSink } from "../../adapters/stream/websocket-frame-sink.ts";
import type { OutputWriter } from "../../adapters/routes/upstream-route.ts";
import { routerDeps, runRequestActor } from "../run-request-actor.ts";
import { ResponseLookup } from "../../adapters/responses/response-lookup.ts";
import { decideStore, storeFinishedResponse } from "../routes/store-finished-response.ts";
import type { ServerContext } from "../server-context.ts";
import { badMessage, errorFrame } from "./websocket-error-frame.ts";
import { ChatgptSocketRelay } from "../../adapters/chatgpt/chatgpt-socket-relay.ts";
import { resolveChatgptSlug } from "../../adapters/chatgpt/resolve-chatgpt-slug.ts";

/** `response.create` messages waiting behind the one in flight; more is a misbehaving client. */
export const MAX_QUEUED_MESSAGES = 16;

/**
 * One connection remembers its last few responses (a client continues from the latest one); the
 * byte bound is the server cache's, so one huge conversation cannot be held twice over.
 */
export const CONNECTION_CACHE_LIMITS = { maxEntries: 8, maxBytes: 64 * 1024 * 1024 };

/** A parsed `response.create`: the request as the upstream sees it, and what the socket needs. */
export interface SocketTurn {
  body: ResponsesRequest & { input: InputItem[] };
  /** The items this message brought (the rest came from the connection's store). */
  newItems: InputItem[];
  previousResponseId: string | null;
  /** The response this one continues, from the connection's cache. */
  previous: CachedConversation | undefined;
  generate: boolean;
}

/** Runs one response on the connection; the default runs the request machine (HTTP's path). */
export type TurnRunner = (turn: SocketTurn, sink: FrameSink, signal: AbortSignal) => Promise<TurnOutcome>;

/** How a turn ended (a completed one is already in the connection's cache). */
export type TurnOutcome = { status: "completed" | "failed" | "incomplete" | "aborted" };

/**
 * One Responses WebSocket connection: `response.create` messages are handled one at a time, in
 * order; each runs the request machine exactly as an HTTP request does, with a frame sink in place
 * of the SSE body and this connection's own conversation cache in place of the server's: finished
 * `store: false` responses are kept here only (a continuation works on this connection, a new one
 * gets `previous_response_not_found`); a failed continuation evicts the response it continued.
 * Closing the socket aborts the response in flight.
 */
export class ResponsesSocketSession {
  /** Named in each request's log line, so one connection's turns can be told apart. */
  readonly id = newItemId("ws");
  readonly conversations = new ConversationCache(CONNECTION_CACHE_LIMITS);
  /** This connection's responses, then stored (`store: true`) ones; never another connection's store:false ones. */
  private readonly lookup: ResponseLookup;
  private readonly sink: FrameSink;
  private readonly queue: string[] = [];
  private running = false;
  private closed = false;
  private inFlight: AbortController | null = null;
  private readonly runTurn: TurnRunner;
  private readonly ctx: ServerContext;
  private readonly channel: FrameChannel;
  /** ChatGPT-subscription turns are relayed to ChatGPT's own WebSocket (opened at the first one). */
  private readonly chatgpt: ChatgptSocketRelay;

  /** The upgrade request's headers (Codex's thread and turn ids): what an HTTP request would carry. */
  private readonly headers: Headers;

  constructor(ctx: ServerContext, channel: FrameChannel, opts: { runTurn?: TurnRunner; headers?: Headers } = {}) {
    this.ctx = ctx;
    this.lookup = new ResponseLookup(this.conversations, ctx.responseStore);
    this.channel = channel;
    this.headers = opts.headers ?? new Headers();
    this.sink = createFrameSink(channel);
    this.chatgpt = new ChatgptSocketRelay(ctx.env, (code) => {
      // The upstream holds this connection's conversation: without it, Codex must start over.
      this.ctx.log(`[ws] ${this.id}: the ChatGPT WebSocket closed (${code}); closing the client connection`);
      this.channel.close?.(1011, "upstream WebSocket closed");
    });
    this.runTurn = opts.runTurn ?? ((turn, sink, signal) => runWithRequestMachine(ctx, this.conversations, this.headers, turn, sink, signal, ` transport=ws conn=${this.id} items=+${turn.newItems.length}/${turn.body.input.length}`));
  }

  /** A text message from the client (null for a binary one). */
  receive(text: string | null): void {
    if (this.closed) return;
    if (text === null) return this.sendError(badMessage("invalid_message", "Binary frames are not supported: send response.create as a JSON text frame."));
    if (this.queue.length >= MAX_QUEUED_MESSAGES)
      return this.sendError(badMessage("too_many_queued_messages", `More than ${MAX_QUEUED_MESSAGES} messages are waiting behind the response in flight; one response at a time per connection.`, undefined, 429));
    this.queue.push(text);
    if (!this.running) void this.drain();
  }

  /** The socket drained (backpressure). */
  drained(): void {
    this.sink.drained();
  }

  /** The client went away: abort the response in flight and drop the queue (the cache goes with the session). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.inFlight?.abort();
    this.chatgpt.close();
    this.sink.disconnect();
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
      const message = this.parseMessage(text);
      if (!message) return;
      if (await this.relayed(message)) return;
      turn = this.parseTurn(message);
    } catch (e) {
      return this.sendError(e);
    }
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
    if (outcome.status === "failed" && turn.previousResponseId) this.conversations.evict(turn.previousResponseId);
  }


  /**
   * A ChatGPT-subscription slug goes to ChatGPT's own WebSocket as it is (model swapped); false
   * when it is not one, or when ChatGPT refused the upgrade (then the HTTP passthrough serves it,
   * with this connection's cache rebuilding the history).
   */
  private async relayed(message: Record<string, unknown>): Promise<boolean> {
    if (typeof message.model !== "string" || this.chatgpt.usesHttp) return false;
    const hit = resolveChatgptSlug(message.model, this.ctx.store.current, this.ctx.env);
    if (!hit || hit instanceof ShimError) return false;
    const abort = new AbortController();
    this.inFlight = abort;
    try {
      const result = await this.chatgpt.turn(message, hit, this.sink, abort.signal);
      if (result === "refused") this.ctx.log(`[ws] ${this.id}: ChatGPT refused the WebSocket upgrade; this connection uses the HTTP passthrough`);
      return result === "relayed";
    } finally {
      this.inFlight = null;
    }
  }

  /** Parses one message; null for a message that needs no answer. */
  private parseMessage(text: string): Record<string, unknown> | null {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      throw badMessage("invalid_json", `The message is not valid JSON: ${text.slice(0, 80)}`);
    }
    if (!msg || typeof msg !== "object" || Array.isArray(msg)) throw badMessage("invalid_message", 'A message must be a JSON object with a "type".');
    const type = (msg as { type?: unknown }).type;
    // Newer Codex acknowledges each response it has handled; there is nothing to do for it.
    if (type === "response.processed") return null;
    if (type !== "response.create") throw badMessage("unsupported_message_type", `Unsupported message type ${JSON.stringify(type ?? null)}: this endpoint accepts "response.create".`, "type");
    return msg as Record<string, unknown>;
  }

  /** Validates a `response.create` and rebuilds the conversation it continues. */
  private parseTurn(message: Record<string, unknown>): SocketTurn {
    const { type: _type, generate, stream: _stream, background, ...fields } = message;
    if (generate !== undefined && typeof generate !== "boolean") throw badMessage("invalid_request", `"generate" must be true or false, got ${JSON.stringify(generate)}`, "generate");
    if (background === true) throw badMessage("invalid_request", '"background" is not supported on a WebSocket.', "background");
    const newItems = inputItemsOf(fields.input as ResponsesRequest["input"]);
    // Only the new items are checked: the cached ones were checked when they arrived.
    const checked = validateResponsesRequest({ ...fields, input: newItems, stream: true });
    const prevId = typeof checked.previous_response_id === "string" ? checked.previous_response_id : null;
    const previous = prevId ? this.conversations.get(prevId) : undefined;
    const body = restorePreviousResponse(this.lookup, checked) as SocketTurn["body"];
    return { body, newItems, previousResponseId: prevId, previous, generate: generate !== false };
  }

  /** `generate: false` (Codex's prewarm): a completed, empty response at once; no upstream call. */
  private prewarm(turn: SocketTurn): void {
    const id = newResponseId();
    const w = new ResponsesEventWriter({ responseId: id, model: turn.body.model, echo: buildResponseEcho(turn.body, turn.previousResponseId) });
    w.start();
    w.complete();
    void this.sink.writeText!(w.take());
    this.conversations.remember({ responseId: id, threadKey: undefined, model: turn.body.model, input: turn.body.input, output: [], upstreamMessages: undefined });
  }

  private sendError(e: unknown): void {
    if (this.closed) return;
    const err = e instanceof ShimError ? e : new ShimError({ status: 500, code: "internal_error", message: "Internal error in codex-shim (see its log)." });
    if (!(e instanceof ShimError)) this.ctx.log(`[err] websocket: ${(e as Error)?.stack ?? String(e)}`);
    this.channel.send(errorFrame(err));
  }
}

/** The HTTP path's request machine, with the frame sink as its output and the connection's cache. */
async function runWithRequestMachine(ctx: ServerContext, conversations: ConversationCache, headers: Headers, turn: SocketTurn, sink: FrameSink, signal: AbortSignal, logSuffix: string): Promise<TurnOutcome> {
  // `store` true or unset also writes the finished response to the SQLite store, as over HTTP.
  const store = decideStore(ctx, turn.body);
  const run = await runRequestActor(ctx, { signal, headers, method: "GET", url: "ws://127.0.0.1/v1/responses" }, {
    traceEndpoint: "websocket",
    requestId: newItemId("req"),
    body: turn.body,
    streaming: true,
    ...routerDeps(ctx),
    sink,
    conversations,
    conversation: { threadKey: undefined, previousResponseId: turn.previousResponseId ?? undefined, releaseHistory: !store },
    onFinal: store ? (c, state) => storeFinishedResponse(ctx, c, state) : undefined,
    continuation: turn.previous ? { previous: turn.previous, newItems: turn.newItems } : undefined,
    logSuffix,
  });
  if (run.state === "aborted") return { status: "aborted" };
  if (!run.context.writer) throw run.context.error ?? new ShimError({ status: 502, code: "upstream_error", message: "The request failed before the upstream answered." });
  const c = await run.finished;
  const writer = c.writer as OutputWriter;
  if (signal.aborted) return { status: "aborted" };
  if (writer.status !== "completed") return { status: writer.status === "incomplete" ? "incomplete" : "failed" };
  return { status: "completed" };
}

