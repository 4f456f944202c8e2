import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestShim, type TestShim } from "../helpers/start-test-shim.ts";
import { prepareCodex, runCodex } from "../helpers/run-codex.ts";
import { cursorCatalogEntry } from "../../adapters/codex-catalog/passthrough-catalog-entries.ts";

const FAKE = fileURLToPath(new URL("../fixtures/fake-cursor-agent.mjs", import.meta.url));
let shim: TestShim;
let record: string;

beforeAll(async () => {
  record = join(mkdtempSync(join(tmpdir(), "cursor-e2e-")), "run.json");
  shim = await startTestShim([], { env: { ...process.env, CURSOR_AGENT_BIN: FAKE, FAKE_CURSOR_RECORD: record, CODEX_SHIM_DISABLE_CHATGPT: "1" } });
});
afterAll(async () => {
  await shim.close();
});

describe("real Codex CLI → codex-shim → (fake) cursor-agent", () => {
  it("answers with Composer's text, running the agent in Codex's working directory", async () => {
    const setup = prepareCodex({ shimUrl: shim.url, model: "composer-2-5", catalog: { models: [cursorCatalogEntry()] } });
    const run = await runCodex(setup, ["say hello"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toBe("Hello, world!");
    const agent = JSON.parse(readFileSync(record, "utf8"));
    expect(realpathSync(agent.cwd)).toBe(realpathSync(setup.workdir));
    expect(agent.prompt).toContain("[USER]\nsay hello");
    expect(agent.args).not.toContain("--force");
  });
});
