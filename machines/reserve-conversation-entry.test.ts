import { describe, expect, it } from "vitest";
import { ConversationCache } from "../adapters/responses/conversation-cache.ts";
import type { PreparedUpstream } from "../adapters/routes/upstream-route.ts";
import type { OutputItem, ResponsesRequest } from "../adapters/responses/responses-types.ts";
import { reserveConversationEntry } from "./reserve-conversation-entry.ts";

const text: OutputItem = { type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "done" }] };

function request(): { body: ResponsesRequest; prepared: PreparedUpstream; input: ResponsesRequest["input"]; messages: unknown[] } {
  const input = [{ type: "message", role: "user", content: "a long history" }] as ResponsesRequest["input"];
  const messages = [{ role: "user", content: "a long history" }];
  const prepared: PreparedUpstream = {
    request: { url: "http://127.0.0.1:1/v1/chat/completions", headers: {}, body: [Buffer.from("{}")], timeouts: {} as never },
    upstreamMessages: messages,
    createOutput: () => ({}) as never,
  };
  return { body: { model: "m", input, tools: [] } as ResponsesRequest, prepared, input, messages };
}

describe("reserveConversationEntry", () => {
  it("hands the history to a reservation and lets the request go of it", () => {
    const cache = new ConversationCache();
    const r = request();
    const reservation = reserveConversationEntry({ conversations: cache, conversation: { threadKey: "t", releaseHistory: true }, responseId: "req_1", slug: "m", body: r.body, prepared: r.prepared })!;
    expect(r.body.input).toEqual([]);
    expect(r.body.tools).toEqual([]);
    expect(r.prepared.upstreamMessages).toBeUndefined();
    expect(r.prepared.request.body).toBe("");
    expect(cache.latestForThread("t")).toBeUndefined();
    const entry = reservation.commit([text], "resp_1")!;
    expect(entry.input).toBe(r.input);
    expect(entry.upstreamMessages).toBe(r.messages);
    expect(cache.latestForThread("t")).toBe(entry);
  });

  it("keeps the history where something reads it at the end, and reserves nothing without a conversation", () => {
    const cache = new ConversationCache();
    const r = request();
    reserveConversationEntry({ conversations: cache, conversation: { threadKey: "t" }, responseId: "req_1", slug: "m", body: r.body, prepared: r.prepared })!.cancel();
    expect([r.body.input, r.prepared.upstreamMessages]).toEqual([r.input, r.messages]);
    expect(cache.size).toBe(0);
    expect(reserveConversationEntry({ conversations: cache, conversation: undefined, responseId: "req_2", slug: "m", body: r.body, prepared: r.prepared })).toBeUndefined();
    expect(r.body.input).toBe(r.input);
  });

  it("a cache that fails to reserve costs the request nothing: no reservation, the history left where it was", () => {
    const r = request();
    const broken = { reserve: () => { throw new Error("cache bug"); } } as unknown as ConversationCache;
    expect(reserveConversationEntry({ conversations: broken, conversation: { threadKey: "t", releaseHistory: true }, responseId: "req_1", slug: "m", body: r.body, prepared: r.prepared })).toBeUndefined();
    expect([r.body.input, r.prepared.upstreamMessages]).toEqual([r.input, r.messages]);
  });
});
