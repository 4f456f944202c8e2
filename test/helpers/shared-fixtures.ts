import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** `test/__fixtures__/` (copies of the recorded Codex and provider streams, see its README). */
export const SHARED_FIXTURES = fileURLToPath(new URL("../__fixtures__/", import.meta.url));

export function readSharedFixture(rel: string): string {
  return readFileSync(SHARED_FIXTURES + rel, "utf8");
}

/** The body of a recorded Codex 0.169 request (`codex-0.169/<name>.request.json`). */
export function codexRequestBody(name: string): any {
  return JSON.parse(readSharedFixture(`codex-0.169/${name}.request.json`)).body;
}

export function listSharedFixtures(dir: string): string[] {
  return readdirSync(SHARED_FIXTURES + dir).sort();
}
