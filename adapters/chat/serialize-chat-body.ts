import type { ChatMessage, ChatRequest } from "./chat-types.ts";

/** Each chat message's JSON, kept while the message is (the conversation cache holds continued ones). */
const messageJson = new WeakMap<ChatMessage, string>();

/**
 * JSON.stringify(body), with each message serialized once: a continuation reuses the cached
 * messages of the turns before (continue-chat-messages.ts), so only the new ones cost a
 * stringify and the rest is string concatenation. Messages are never modified once built.
 */
export function serializeChatBody(body: ChatRequest): string {
  const { messages, ...rest } = body;
  let json = "[";
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    let s = messageJson.get(m);
    if (s === undefined) {
      s = JSON.stringify(m);
      messageJson.set(m, s);
    }
    json += i ? `,${s}` : s;
  }
  json += "]";
  // `messages` stays second, after `model`, as JSON.stringify(body) orders it.
  const { model, ...tail } = rest;
  const after = JSON.stringify(tail);
  return `{"model":${JSON.stringify(model)},"messages":${json}${after.length > 2 ? `,${after.slice(1)}` : "}"}`;
}
