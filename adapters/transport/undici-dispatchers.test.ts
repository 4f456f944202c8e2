import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as undici from "undici";
import { Agent, Dispatcher1Wrapper, Pool } from "./undici-dispatchers.ts";

describe("undici-dispatchers", () => {
  it("are the very classes undici's index exports", () => {
    expect(Agent).toBe(undici.Agent);
    expect(Pool).toBe(undici.Pool);
    expect(Dispatcher1Wrapper).toBe(undici.Dispatcher1Wrapper);
  });

  it("give the Agent its request API without loading undici's index", () => {
    // a fresh process: here the test itself has loaded the index
    const script = `
      const { Agent } = await import(${JSON.stringify(fileURLToPath(new URL("./undici-dispatchers.ts", import.meta.url)))});
      const { createRequire } = await import("node:module");
      const cache = createRequire(import.meta.url).cache;
      const agent = new Agent();
      process.stdout.write(JSON.stringify({ request: typeof agent.request, stream: typeof agent.stream, index: Object.keys(cache).some((k) => /undici[\\\\/]index\\.js$/.test(k)) }));
      await agent.close();`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ request: "function", stream: "function", index: false });
  });
});
