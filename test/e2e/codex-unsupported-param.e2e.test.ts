import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextStep, httpErrorStep, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startChatE2E, type ChatE2E, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";

let e2e: ChatE2E;
let up: ScriptedUpstream;
let shim: TestShim;
let catalog: unknown;

beforeAll(async () => {
  e2e = await startChatE2E({ model: "no-effort-model" });
  ({ up, shim, catalog } = e2e);
});
afterAll(() => e2e.close());

describe("real Codex CLI → codex-shim → a chat upstream that rejects reasoning_effort", () => {
  it("the shim drops the parameter and retries; the turn succeeds with exit 0", async () => {
    up.setScript([
      (req, res) =>
        "reasoning_effort" in req.body
          ? httpErrorStep(400, {
              error: {
                message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
                type: "invalid_request_error",
                param: "reasoning_effort",
                code: "unsupported_parameter",
              },
            })(req, res)
          : chatTextStep("Answered without reasoning_effort.")(req, res),
    ]);
    // No Codex-side retries: a 400 is fatal to Codex, so only the shim can save this turn.
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog, retries: { request: 0, stream: 0 } });
    const run = await runCodex(setup, ["say hello"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("Answered without reasoning_effort.");
    expect(up.requests).toHaveLength(2);
    expect(up.requests[0]!.body.reasoning_effort).toBeTruthy();
    expect(up.requests[1]!.body.reasoning_effort).toBeUndefined();
    expect(up.requests[1]!.body.messages).toEqual(up.requests[0]!.body.messages);
    expect(shim.logs.some((l) => l.includes("dropped unsupported parameter reasoning_effort for model no-effort-model"))).toBe(true);

    // A second Codex session on the same model: the omission is remembered, one upstream call.
    up.requests.length = 0;
    const again = await runCodex(prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog, retries: { request: 0, stream: 0 } }), ["say hello again"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.lastMessage).toBe("Answered without reasoning_effort.");
    expect(up.requests).toHaveLength(1);
    expect(up.requests[0]!.body.reasoning_effort).toBeUndefined();
  });
});
