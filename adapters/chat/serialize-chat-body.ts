import type { ChatMessage, ChatRequest } from "./chat-types.ts";

/** Each chat message's JSON, kept while the message is (the conversation cache holds continued ones). */
const messageJson = new WeakMap<ChatMessage, string>();
/** A serialized messages array's elements, joined (no brackets). */
const joinedJson = new WeakMap<readonly ChatMessage[], string>();
/** Arrays that begin with all of another array's messages (a continuation of a cached request). */
const extendsArray = new WeakMap<readonly ChatMessage[], readonly ChatMessage[]>();

/** Records that `messages` starts with every message of `base`, in order (continue-chat-messages.ts). */
export function noteExtends(messages: readonly ChatMessage[], base: readonly ChatMessage[]): void {
  extendsArray.set(messages, base);
}

/**
 * JSON.stringify(body), with each message serialized once: a continuation reuses the cached
 * messages of the turns before (continue-chat-messages.ts) and the joined JSON of the request it
 * continues, so only the new messages cost a stringify, and the history one (rope) concatenation.
 * Messages are never modified once built.
 */
export function serializeChatBody(body: ChatRequest): string {
  const { messages, ...rest } = body;
  // A continuation starts from the previous request's joined JSON: only its new messages are visited.
  const base = extendsArray.get(messages);
  const baseJson = base && joinedJson.get(base);
  let joined = baseJson ?? "";
  for (let i = baseJson === undefined ? 0 : base!.length; i < messages.length; i++) {
    const m = messages[i];
    let s = messageJson.get(m);
    if (s === undefined) {
      s = JSON.stringify(m);
      messageJson.set(m, s);
    }
    joined += i ? `,${s}` : s;
  }
  joinedJson.set(messages, joined);
  const json = `[${joined}]`;
  // `messages` stays second, after `model`, as JSON.stringify(body) orders it.
  const { model, ...tail } = rest;
  const after = JSON.stringify(tail);
  return `{"model":${JSON.stringify(model)},"messages":${json}${after.length > 2 ? `,${after.slice(1)}` : "}"}`;
}
