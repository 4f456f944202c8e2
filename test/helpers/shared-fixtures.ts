import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** `<repo>/../shared/fixtures` (CI clones the repo with `shared/` beside it). */
export const SHARED_FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/", import.meta.url));

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
