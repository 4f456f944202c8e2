import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedUpstream, type ScriptedUpstream } from "../../test/helpers/scripted-upstream.ts";
import { freePort } from "../../test/helpers/free-port.ts";
import { probeResponsesEndpoint } from "./probe-responses-endpoint.ts";

let up: ScriptedUpstream;
beforeAll(async () => {
  up = await startScriptedUpstream([
    (req, res) => {
      if (req.url === "/v1/responses") res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"model is required"}}');
      else res.writeHead(404).end("404 page not found");
    },
  ]);
});
afterAll(() => up.close());

describe("probeResponsesEndpoint (doctor)", () => {
  it("OK when the local server validates a Responses request (no inference is run)", async () => {
    expect(await probeResponsesEndpoint({ baseUrl: `${up.url}/v1` })).toEqual({ ok: true, status: 400 });
    expect(up.requests.at(-1)!.body).toEqual({});
  });
  it("explains a server without /responses and a stopped server", async () => {
    const missing = await probeResponsesEndpoint({ baseUrl: `${up.url}/api` });
    expect(missing).toMatchObject({ ok: false, reason: expect.stringContaining("does not serve the Responses API"), hint: expect.stringContaining("generic-chat-completion-api") });
    const port = await freePort();
    const down = await probeResponsesEndpoint({ baseUrl: `http://127.0.0.1:${port}/v1` });
    expect(down).toMatchObject({ ok: false, reason: expect.stringContaining("not reachable (ECONNREFUSED)") });
  });
  it("leaves remote servers alone", async () => {
    expect(await probeResponsesEndpoint({ baseUrl: "https://api.openai.com/v1" })).toBeNull();
  });
});
