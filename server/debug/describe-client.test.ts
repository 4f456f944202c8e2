import { describe, expect, it } from "vitest";
import { codexIdsOf, describeClient, endpointOfPath } from "./describe-client.ts";

describe("client and Codex ids of a request", () => {
  it("reads the client from the user agent", () => {
    const ua = (v: string) => describeClient(new Headers({ "user-agent": v }));
    expect(ua("codex_exec/0.169.0 (Debian 12.0.0; x86_64) xterm (codex_exec; 0.169.0)")).toMatchObject({ name: "codex_exec", version: "0.169.0" });
    expect(ua("OpenAI/JS 4.104.0")).toMatchObject({ name: "OpenAI/JS", version: "4.104.0" });
    expect(ua("claude-cli/1.0.83 (external, cli)")).toMatchObject({ name: "claude-cli", version: "1.0.83" });
    expect(ua("curl/8.5.0")).toMatchObject({ name: "curl", version: "8.5.0" });
    expect(describeClient(new Headers())).toEqual({ userAgent: undefined, originator: undefined });
  });

  it("reads thread, turn and kind from the turn metadata header, the thread headers or client_metadata", () => {
    const meta = JSON.stringify({ thread_id: "t1", turn_id: "u1", request_kind: "compaction", window_id: "t1:1" });
    expect(codexIdsOf(new Headers({ "x-codex-turn-metadata": meta }), undefined)).toEqual({ threadId: "t1", turnId: "u1", requestKind: "compaction", windowId: "t1:1" });
    expect(codexIdsOf(new Headers({ "thread-id": "t2" }), undefined)).toEqual({ threadId: "t2" });
    expect(codexIdsOf(new Headers(), { client_metadata: { thread_id: "t3", turn_id: "u3" } })).toEqual({ threadId: "t3", turnId: "u3" });
    expect(codexIdsOf(new Headers({ "x-codex-turn-metadata": "{not json" }), undefined)).toEqual({});
  });

  it("names endpoints by path", () => {
    expect(endpointOfPath("/v1/responses")).toBe("responses");
    expect(endpointOfPath("/v1/responses/compact")).toBe("compact");
    expect(endpointOfPath("/v1/messages?beta=true")).toBe("messages");
    expect(endpointOfPath("/debug")).toBe("other");
  });
});
