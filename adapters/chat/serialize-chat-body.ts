import type { ChatMessage, ChatRequest } from "./chat-types.ts";

/** A serialized messages array's elements as UTF-8, joined by commas, in a few pieces. */
const historyPieces = new WeakMap<readonly ChatMessage[], readonly Buffer[]>();
/** Arrays that begin with all of another array's messages (a continuation of a cached request). */
const extendsArray = new WeakMap<readonly ChatMessage[], readonly ChatMessage[]>();
/** More pieces than this and the newer ones are joined (a send is one write per piece). */
const MAX_PIECES = 16;

/** Records that `messages` starts with every message of `base`, in order (continue-chat-messages.ts). */
export function noteExtends(messages: readonly ChatMessage[], base: readonly ChatMessage[]): void {
  extendsArray.set(messages, base);
}

/**
 * The UTF-8 bytes of JSON.stringify(body), in pieces, built so that a continuation costs what it
 * adds: it reuses the cached messages of the turns before (continue-chat-messages.ts) and here the
 * byte pieces of the request it continues, so only the new messages are stringified and encoded,
 * and the history is neither copied nor re-encoded (a string body costs undici a UTF-8 encoding of
 * the whole history per turn). Messages are never modified once built.
 */
export function serializeChatBody(body: ChatRequest): Buffer[] {
  const { model, messages, ...rest } = body;
  const base = extendsArray.get(messages);
  const basePieces = base && historyPieces.get(base);
  // One Buffer per message, joined once: an ASCII-only message stays a one-byte string (encode-json-body.ts).
  const added: Buffer[] = [];
  for (let i = basePieces ? base!.length : 0; i < messages.length; i++) {
    const s = JSON.stringify(messages[i]);
    added.push(Buffer.from(i ? `,${s}` : s));
  }
  let pieces: Buffer[] = basePieces ? [...basePieces] : [];
  if (added.length) pieces.push(added.length === 1 ? added[0] : Buffer.concat(added));
  if (pieces.length > MAX_PIECES) pieces = compact(pieces);
  historyPieces.set(messages, pieces);
  // `messages` stays second, after `model`, as JSON.stringify(body) orders it.
  const after = JSON.stringify(rest);
  return [Buffer.from(`{"model":${JSON.stringify(model)},"messages":[`), ...pieces, Buffer.from(after.length > 2 ? `],${after.slice(1)}` : "]}")];
}

/** Joins the newer pieces; the first (the bulk of a long history) is copied only once they outgrow it. */
function compact(pieces: Buffer[]): Buffer[] {
  const tail = Buffer.concat(pieces.slice(1));
  return tail.length >= pieces[0].length ? [Buffer.concat([pieces[0], tail])] : [pieces[0], tail];
}
