import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextStep, httpErrorStep } from "../helpers/scripted-upstream.ts";
import { startChatE2E, type ChatE2E } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import type { RequestTrace } from "../../server/debug/request-trace.ts";

let e2e: ChatE2E;
beforeAll(async () => {
  e2e = await startChatE2E();
});
afterAll(() => e2e.close());

describe("real Codex CLI → codex-shim: what the flow inspector shows of a turn", () => {
  it("each request of the turn, with Codex's client, thread and turn ids and the resp_ ids it got; a 429 it retried shows as the failure it was", async () => {
    const { up, shim, catalog } = e2e;
    up.setScript([httpErrorStep(429, { error: { message: "slow down" } }, { "retry-after": "1" }), chatTextStep("inspected")]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog, retries: { request: 0, stream: 2 } });
    const run = await runCodex(setup, ["hello"]);
    expect(run.code, run.stderr).toBe(0);
    const traces: RequestTrace[] = await (await fetch(`${shim.url}/debug/requests`)).json();
    const turn = traces.filter((t) => t.endpoint === "responses").reverse();
    expect(turn.map((t) => [t.httpStatus, t.outcome])).toEqual([
      [429, "failed"],
      [200, "completed"],
    ]);
    for (const t of turn) {
      expect(t.client).toMatchObject({ name: expect.stringMatching(/^codex_/), version: expect.stringMatching(/^0\.\d+\.\d+$/) }); // the pinned 0.169, or CODEX_BIN's version
      expect(t.codex.threadId).toMatch(/^[0-9a-f-]{36}$/);
      expect(t.codex.turnId).toBeTruthy();
      expect(t.codex.requestKind).toBe("turn");
    }
    expect(turn[0].codex.threadId).toBe(turn[1].codex.threadId);
    expect(turn[0].error).toMatchObject({ code: "rate_limit_exceeded", retryAfter: 1 });
    expect(turn[1].responseId).toMatch(/^resp_/);
    expect(up.requests.length).toBe(2);
    expect(JSON.stringify(traces)).not.toContain("sk-e2e-key");
  }, 120_000);
});
