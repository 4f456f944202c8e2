import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { shimProviderTable } from "../../adapters/codex-config/provider-values.ts";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";

/**
 * Pitfall 13: WebSockets. Not a translation concern: codex-shim tells Codex never to try
 * (`supports_websockets = false` in the provider it writes), and a stray upgrade attempt gets a
 * quick HTTP answer instead of a hang.
 */
describe("pitfall 13: websockets", () => {
  it("the provider config codex-shim writes says supports_websockets = false", () => {
    expect(shimProviderTable(8765)).toMatchObject({ wire_api: "responses", supports_websockets: false });
  });

  let shim: TestShim;
  beforeAll(async () => {
    shim = await startTestShim([{ model: "x", slug: "m", provider: "openai", base_url: "http://127.0.0.1:9/v1", api_key: "sk-x-0123456789" }]);
  });
  afterAll(async () => shim.close());

  it("GET /v1/responses with Upgrade: websocket is answered at once (no hang, no 101)", async () => {
    const url = new URL(`${shim.url}/v1/responses`);
    const status = await new Promise<number>((resolve, reject) => {
      const r = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: "GET", headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "openai-beta": "responses_websockets=2026-02-06" }, timeout: 3000 },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      r.on("upgrade", () => resolve(101));
      r.on("timeout", () => r.destroy(new Error("no answer within 3 s")));
      r.on("error", reject);
      r.end();
    });
    expect(status).not.toBe(101);
    expect(status).toBeGreaterThanOrEqual(400);
  });
});
