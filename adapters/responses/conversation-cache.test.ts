import { describe, expect, it } from "vitest";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ConversationCache, DEFAULT_CONVERSATION_CACHE_LIMITS, HEAP_PER_BODY_BYTE, approxBytes, threadKeyOf, type ConversationEntry } from "./conversation-cache.ts";
import { restorePreviousResponse } from "./restore-previous-response.ts";
import { ShimError } from "../errors/shim-error.ts";
import type { OutputItem } from "./responses-types.ts";

const call: OutputItem = { type: "function_call", id: "fc_1", status: "completed", call_id: "call_a", name: "shell", arguments: '{"cmd":"ls"}' };
const text: OutputItem = { type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "done" }] };

function entry(id: string, o: Partial<ConversationEntry> = {}): ConversationEntry {
  return { responseId: id, threadKey: undefined, model: "m", input: [{ type: "message", role: "user", content: `q ${id}` }], output: [text], upstreamMessages: undefined, ...o };
}

describe("ConversationCache", () => {
  it("keeps input, output and upstream messages by reference and indexes tool calls by call_id", () => {
    const cache = new ConversationCache();
    const e = entry("resp_1", { output: [text, call], upstreamMessages: [{ role: "user", content: "q" }] });
    const got = cache.remember(e);
    expect(got.input).toBe(e.input);
    expect(got.output).toBe(e.output);
    expect(got.upstreamMessages).toBe(e.upstreamMessages);
    expect(got.toolCalls.get("call_a")).toBe(call);
    expect(cache.get("resp_1")).toBe(got);
    expect(cache.get("resp_2")).toBeUndefined();
  });

  it("finds the newest response of a thread, and forgets the thread when that response is evicted", () => {
    const cache = new ConversationCache();
    cache.remember(entry("resp_1", { threadKey: "t1" }));
    cache.remember(entry("resp_2", { threadKey: "t1" }));
    cache.remember(entry("resp_3", { threadKey: "t2" }));
    expect(cache.latestForThread("t1")?.responseId).toBe("resp_2");
    expect(cache.evict("resp_2")).toBe(true);
    expect(cache.evict("resp_2")).toBe(false);
    expect(cache.latestForThread("t1")).toBeUndefined();
    expect(cache.latestForThread("t2")?.responseId).toBe("resp_3");
  });

  it("evicts the least recently used entry beyond maxEntries (a get counts as use)", () => {
    const cache = new ConversationCache({ maxEntries: 2 });
    cache.remember(entry("a"));
    cache.remember(entry("b"));
    cache.get("a");
    cache.remember(entry("c"));
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
  });

  it("evicts by approximate bytes, but keeps a single oversized newest entry", () => {
    const big = "x".repeat(10_000);
    const cache = new ConversationCache({ maxBytes: 15_000 });
    cache.remember(entry("a", { input: [{ type: "message", role: "user", content: big }] }));
    expect(cache.bytes).toBeGreaterThan(10_000);
    cache.remember(entry("b", { input: [{ type: "message", role: "user", content: big }] }));
    expect([cache.get("a"), cache.size]).toEqual([undefined, 1]);
    cache.remember(entry("huge", { input: [{ type: "message", role: "user", content: big + big }] }));
    expect(cache.size).toBe(1);
    expect(cache.get("huge")).toBeDefined();
    cache.evict("huge");
    expect(cache.bytes).toBe(0);
  });

  it("a reserved entry is held and counted but found by nothing until committed; the thread's last finished response stays its newest", () => {
    const cache = new ConversationCache();
    cache.remember(entry("resp_1", { threadKey: "t1" }));
    const { output: _o, ...rest } = entry("resp_2", { threadKey: "t1" });
    const r = cache.reserve(rest);
    expect(cache.size).toBe(2);
    const reservedBytes = cache.bytes;
    expect(cache.get("resp_2")).toBeUndefined();
    expect(cache.latestForThread("t1")?.responseId).toBe("resp_1");
    const got = r.commit([text, call]);
    expect(got?.input).toBe(rest.input);
    expect(got?.toolCalls.get("call_a")).toBe(call);
    expect(cache.bytes).toBeGreaterThan(reservedBytes);
    expect(cache.get("resp_2")).toBe(got);
    expect(cache.latestForThread("t1")?.responseId).toBe("resp_2");
    // a second commit changes nothing
    expect(r.commit([])).toBeUndefined();
    expect(cache.get("resp_2")?.output).toEqual([text, call]);
    // held under a provisional key, committed under the id the stream named (relays)
    const relayed = cache.reserve({ ...rest, responseId: "req_9" });
    expect(relayed.commit([text], "resp_upstream")?.responseId).toBe("resp_upstream");
    expect([cache.get("req_9"), cache.get("resp_upstream")?.responseId, cache.latestForThread("t1")?.responseId]).toEqual([undefined, "resp_upstream", "resp_upstream"]);
    expect(cache.size).toBe(3);
  });

  it("a cancelled reservation, or one evicted before it finished, leaves nothing behind", () => {
    const cache = new ConversationCache({ maxEntries: 2 });
    const strip = (e: ConversationEntry) => ({ responseId: e.responseId, threadKey: e.threadKey, model: e.model, input: e.input, upstreamMessages: e.upstreamMessages });
    const cancelled = cache.reserve(strip(entry("a", { threadKey: "t" })));
    cancelled.cancel();
    expect([cache.size, cache.bytes]).toEqual([0, 0]);
    expect(cancelled.commit([text])).toBeUndefined();
    expect(cache.get("a")).toBeUndefined();
    // reservations take their place in the bounds, oldest first: the newest requests' are kept
    const r1 = cache.reserve(strip(entry("r1", { threadKey: "t1" })));
    cache.reserve(strip(entry("r2")));
    cache.reserve(strip(entry("r3")));
    expect(cache.size).toBe(2);
    expect(r1.commit([text])).toBeUndefined();
    expect(cache.latestForThread("t1")).toBeUndefined();
    r1.cancel();
    expect(cache.size).toBe(2);
  });

  it("an entry evicted before its answer ends is freed then: the reservation does not hold it", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const cache = new ConversationCache({ maxEntries: 1 });
    let input: ConversationEntry["input"] | undefined = [{ type: "message", role: "user", content: "x".repeat(100_000) }];
    const held = new WeakRef(input);
    const r = cache.reserve({ responseId: "req_1", threadKey: undefined, model: "m", input, upstreamMessages: undefined });
    input = undefined;
    cache.reserve({ responseId: "req_2", threadKey: undefined, model: "m", input: [], upstreamMessages: undefined });
    for (let i = 0; i < 5 && held.deref(); i++) {
      await new Promise((res) => setTimeout(res, 0));
      gc();
    }
    expect(held.deref()).toBeUndefined();
    expect(r.commit([text])).toBeUndefined();
  });

  it("sizes an entry from its request body's length when given one, without walking the input", () => {
    const big = "x".repeat(100_000);
    const cache = new ConversationCache({ maxBytes: 50_000 });
    // a 1000-byte hint: far below what a walk of the 100 KB string would count
    const got = cache.remember(entry("a", { input: [{ type: "message", role: "user", content: big }], sizeHint: 1000 }));
    expect(got.bytes).toBeGreaterThanOrEqual(1000 * HEAP_PER_BODY_BYTE);
    expect(got.bytes).toBeLessThan(1000 * HEAP_PER_BODY_BYTE + 500);
    cache.remember(entry("b", { sizeHint: 10_000 }));
    expect(cache.size).toBe(2);
    // the hint counts against maxBytes like a walked estimate: 2.5 × 20 000 > 50 000 evicts the older ones
    cache.remember(entry("c", { sizeHint: 20_000 }));
    expect([cache.get("a"), cache.get("b"), cache.size]).toEqual([undefined, undefined, 1]);
    // without a hint (input rebuilt from a previous response) the input is walked
    expect(new ConversationCache().remember(entry("d", { input: [{ type: "message", role: "user", content: big }] })).bytes).toBeGreaterThan(100_000);
  });

  it("documents its defaults and estimates bytes without serialising", () => {
    expect(DEFAULT_CONVERSATION_CACHE_LIMITS).toEqual({ maxEntries: 32, maxBytes: 16 * 1024 * 1024 });
    const v = { a: "hello", b: [1, "xy"] };
    const n = approxBytes(v);
    expect(n).toBeGreaterThanOrEqual(JSON.stringify(v).length);
    expect(n).toBeLessThan(JSON.stringify(v).length * 4);
  });

  it("reads the thread from Codex's thread-id / session-id header, else prompt_cache_key", () => {
    expect(threadKeyOf(new Headers({ "thread-id": "T", "session-id": "S" }), { prompt_cache_key: "P" })).toBe("T");
    expect(threadKeyOf(new Headers({ "session-id": "S" }), { prompt_cache_key: "P" })).toBe("S");
    expect(threadKeyOf(new Headers(), { prompt_cache_key: "P" })).toBe("P");
    expect(threadKeyOf(new Headers(), {})).toBeUndefined();
  });
});

describe("restorePreviousResponse", () => {
  it("rebuilds cached input + cached output + new input, without previous_response_id", () => {
    const cache = new ConversationCache();
    const first = entry("resp_1", { output: [call] });
    cache.remember(first);
    const next = restorePreviousResponse(cache, { model: "m", previous_response_id: "resp_1", input: [{ type: "function_call_output", call_id: "call_a", output: "a.txt" }] });
    expect(next.previous_response_id).toBeUndefined();
    expect(next.input).toEqual([first.input[0], call, { type: "function_call_output", call_id: "call_a", output: "a.txt" }]);
    expect((next.input as unknown[])[0]).toBe(first.input[0]);
  });

  it("takes a string input as one user message, and leaves a request without the field alone", () => {
    const cache = new ConversationCache();
    cache.remember(entry("resp_1"));
    expect(restorePreviousResponse(cache, { model: "m", previous_response_id: "resp_1", input: "next" }).input).toEqual([entry("resp_1").input[0], text, { type: "message", role: "user", content: "next" }]);
    const plain = { model: "m", input: "x" };
    expect(restorePreviousResponse(cache, plain)).toBe(plain);
  });

  it("answers an unknown id with 400 previous_response_not_found naming the param", () => {
    const err = (() => {
      try {
        restorePreviousResponse(new ConversationCache(), { model: "m", previous_response_id: "resp_nope" });
      } catch (e) {
        return e as ShimError;
      }
    })()!;
    expect(err).toBeInstanceOf(ShimError);
    expect(err.status).toBe(400);
    expect(err.toJSON()).toEqual({ error: { type: "invalid_request_error", code: "previous_response_not_found", param: "previous_response_id", message: expect.stringContaining("resp_nope") } });
  });
});
