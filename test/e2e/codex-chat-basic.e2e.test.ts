import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatTextStep, httpErrorStep, chatSse, chatChunk, type ScriptedUpstream } from "../helpers/scripted-upstream.ts";
import { startChatE2E, type ChatE2E, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";

let e2e: ChatE2E;
let up: ScriptedUpstream;
let shim: TestShim;
let catalog: unknown;

beforeAll(async () => {
  e2e = await startChatE2E();
  ({ up, shim, catalog } = e2e);
});
afterAll(() => e2e.close());

describe("real Codex CLI → codex-shim → scripted chat-completions upstream", () => {
  it("completes a text turn and exits 0", async () => {
    up.setScript([chatTextStep("The answer is 42.")]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog });
    const run = await runCodex(setup, ["say the answer"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("The answer is 42.");
    expect(run.stdout + run.stderr).not.toContain("fallback metadata"); // Codex reports it as an "error" item on stdout
    const sent = up.requests.at(-1)!.body;
    expect(sent.model).toBe("up-model");
    expect(sent.messages.at(-1).role).toBe("user");
  });

  it("retries an upstream 429 that carries Retry-After, then succeeds", async () => {
    up.requests.length = 0;
    up.setScript([httpErrorStep(429, { error: { message: "rate limited" } }, { "retry-after": "1" }), chatTextStep("after retry")]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog, retries: { request: 0, stream: 2 } });
    const run = await runCodex(setup, ["hello"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("after retry");
    expect(up.requests.length).toBe(2);
  });

  it("reports a stream cut mid-way as a failure Codex retries", async () => {
    up.requests.length = 0;
    up.setScript([
      (_r, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end(chatSse([chatChunk({ content: "half an ans" })], { done: false }));
      },
      chatTextStep("whole answer"),
    ]);
    const setup = prepareCodex({ shimUrl: shim.url, model: "shim-model", catalog, retries: { request: 0, stream: 2 } });
    const run = await runCodex(setup, ["hello"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("whole answer");
    expect(up.requests.length).toBe(2);
  });
});
