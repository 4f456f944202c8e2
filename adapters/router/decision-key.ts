import { createHash } from "node:crypto";
import type { ResponsesRequest } from "../responses/responses-types.ts";

/** What a routing decision is remembered under. */
export interface DecisionKey {
  key: string;
  /** The conversation, when the client names one (Codex thread, `session-id`). */
  thread: string | null;
  /** `turn` / `compaction` / `prewarm` (Codex), `session` (session id + task text), `text` (task text only). */
  kind: string;
}

interface HeaderSource {
  get(name: string): string | null;
}

function turnMetadata(headers: HeaderSource | undefined, body: ResponsesRequest): Record<string, unknown> | null {
  const raw = headers?.get("x-codex-turn-metadata") ?? body.client_metadata?.["x-codex-turn-metadata"];
  if (typeof raw !== "string" || raw.length > 16_384) return null;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim().slice(0, 200) : null);
const digest = (s: string) => createHash("sha256").update(s).digest("base64url").slice(0, 22);

/**
 * One decision per Codex turn: the thread and turn Codex sends (`x-codex-turn-metadata`, or the
 * same values in `client_metadata`), so every tool-call round trip and the compaction request of a
 * turn go to one model, and two threads typing the same words are decided separately. Other
 * clients: their session id plus the latest user instruction; without a session id, the
 * instruction alone (the original's behaviour, reference-behavior §8.2).
 */
export function decisionKeyOf(body: ResponsesRequest, headers: HeaderSource | undefined, task: string, hasImages: boolean): DecisionKey {
  const meta = turnMetadata(headers, body);
  const cm = body.client_metadata ?? {};
  const thread = str(meta?.thread_id) ?? str(cm.thread_id) ?? str(headers?.get("thread-id")) ?? str(headers?.get("session-id")) ?? str(headers?.get("x-session-id"));
  const turn = str(meta?.turn_id) ?? str(cm.turn_id);
  if (thread && turn) return { key: `turn:${thread}:${turn}`, thread, kind: str(meta?.request_kind) ?? "turn" };
  const text = `${hasImages ? "1" : "0"}:${task}`;
  if (thread) return { key: `session:${thread}:${digest(text)}`, thread, kind: "session" };
  return { key: `text:${digest(text)}`, thread: null, kind: "text" };
}
