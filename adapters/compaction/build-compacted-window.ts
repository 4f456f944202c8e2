import type { InputItem, MessageItem } from "../responses/responses-types.ts";
import { newItemId } from "../responses/new-id.ts";
import { encodeCompactionSummary } from "./compaction-carrier.ts";

export interface CompactionItem {
  type: "compaction";
  id: string;
  encrypted_content: string;
}
export type CompactedWindowItem = MessageItem | CompactionItem;

const KEPT_USER_CHARS = 60_000;
/** Context Codex injects itself (environment, AGENTS.md, earlier summaries): not real user turns. */
const INJECTED = /^\s*(<environment_context>|<user_instructions>|<skills_instructions>|# AGENTS\.md|Another language model started to solve this problem)/;

function textOf(m: MessageItem): string {
  // This input is not validated (`/v1/responses/compact` takes the raw body).
  if (typeof m.content === "string") return m.content;
  if (!Array.isArray(m.content)) return "";
  return m.content.map((p) => {
    const text = (p as { text?: unknown } | null)?.text;
    return typeof text === "string" ? text : "";
  }).join("");
}

/**
 * The compacted window `/v1/responses/compact` returns (the OpenAI shape): the user's own
 * messages, newest kept first up to a budget but in their original order, then one `compaction`
 * item whose `encrypted_content` carries the summary. Codex replays that item verbatim; every
 * route turns it back into the summary text (`decodeCompactionSummary`).
 */
export function buildCompactedWindow(input: readonly InputItem[], summary: string, model: string): CompactedWindowItem[] {
  const users: MessageItem[] = [];
  let budget = KEPT_USER_CHARS;
  for (let i = input.length - 1; i >= 0; i--) {
    const m = input[i] as MessageItem & { type?: string };
    if ((m.type ?? "message") !== "message" || m.role !== "user") continue;
    const text = textOf(m);
    if (!text.trim() || INJECTED.test(text)) continue;
    if (text.length > budget) break;
    budget -= text.length;
    // id + status make it a complete `Message` item of the compact resource (Open Responses CompactResource).
    users.push({ type: "message", id: newItemId("msg"), status: "completed", role: "user", content: [{ type: "input_text", text }] });
  }
  users.reverse();
  return [...users, { type: "compaction", id: newItemId("cmp"), encrypted_content: encodeCompactionSummary(summary, model) }];
}
