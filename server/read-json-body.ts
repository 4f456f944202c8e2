import type { IncomingMessage } from "node:http";
import { isUtf8 } from "node:buffer";
import { ShimError } from "../adapters/errors/shim-error.ts";
import { nodeRuntimeOf } from "./node-runtime.ts";
import { exceedsDepth, MAX_JSON_DEPTH } from "./json-depth.ts";
import type { BodyPrefixReuse } from "./body-prefix-reuse.ts";
import { threadHeaderOf } from "../adapters/responses/conversation-cache.ts";

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export function maxBodyBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.CODEX_SHIM_MAX_BODY_MB);
  return Number.isFinite(mb) && mb > 0 ? Math.floor(mb * 1024 * 1024) : DEFAULT_MAX_BODY_BYTES;
}

/** The byte length of each body readJsonBody parsed, by the parsed object (a size estimate for what keeps it). */
const bodyBytes = new WeakMap<object, number>();

/** The byte length of the request body `value` was parsed from by readJsonBody, if it was. */
export function requestBodyBytes(value: object): number | undefined {
  return bodyBytes.get(value);
}

/**
 * Reads a JSON object body with a size limit: 413 above it, 400 for anything that is not JSON.
 * With `reuse` (Responses requests), the part of the body a thread's previous request already
 * had is not parsed again (body-prefix-reuse.ts).
 */
export async function readJsonBody(req: Request, limit: number, reuse?: BodyPrefixReuse): Promise<Record<string, unknown>> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const node = nodeRuntimeOf(req)?.req;
  const raw = node ? await readNodeBody(node, limit) : await readWebBody(req, limit);
  // one pass: validate UTF-8, then decode (Buffer#toString is the fastest decoder Node has)
  if (!isUtf8(raw)) throw new ShimError({ status: 400, code: "invalid_json", message: "Request body is not valid UTF-8." });
  const thread = reuse && threadHeaderOf(req.headers);
  const reused = reuse?.parse(raw, thread);
  if (reused) {
    bodyBytes.set(reused, raw.length);
    return reused;
  }
  const text = raw.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ShimError({ status: 400, code: "invalid_json", message: `Request body is not valid JSON: ${(e as Error).message}` });
  }
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new ShimError({ status: 400, code: "invalid_json", message: "Request body must be a JSON object." });
  if (exceedsDepth(value, MAX_JSON_DEPTH))
    throw new ShimError({ status: 400, code: "invalid_json", message: `Request body is nested deeper than ${MAX_JSON_DEPTH} levels.` });
  bodyBytes.set(value, raw.length);
  reuse?.remember(raw, value as Record<string, unknown>, thread);
  return value as Record<string, unknown>;
}

const incomplete = () => new ShimError({ status: 400, code: "incomplete_body", message: "The request body ended before it was complete (client disconnected)." });
const emptyBody = () => new ShimError({ status: 400, code: "invalid_json", message: "Request body is empty: expected a JSON object." });

/** The body straight from Node's IncomingMessage (no web-stream hop per chunk). */
function readNodeBody(node: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      node.off("data", onData);
      node.off("end", onEnd);
      node.off("error", onError);
      node.off("close", onClose);
    };
    const onData = (c: Buffer) => {
      size += c.byteLength;
      if (size > limit) {
        cleanup();
        node.resume(); // drain the rest so the connection stays usable for the 413
        return reject(tooLarge(limit));
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      if (size === 0) return reject(emptyBody());
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = () => {
      cleanup();
      reject(incomplete());
    };
    const onClose = () => {
      if (node.complete) return;
      cleanup();
      reject(incomplete());
    };
    if (node.readableEnded) return size === 0 ? reject(emptyBody()) : undefined;
    node.on("data", onData);
    node.on("end", onEnd);
    node.on("error", onError);
    node.on("close", onClose);
  });
}

async function readWebBody(req: Request, limit: number): Promise<Buffer> {
  if (!req.body) throw emptyBody();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch {
      // The client hung up mid-body; nobody will read this answer, but it must not be a 500.
      throw incomplete();
    }
    const { done, value } = step;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): ShimError {
  return new ShimError({
    status: 413,
    code: "request_too_large",
    message: `Request body is larger than ${Math.round(limit / 1024 / 1024)} MiB. Raise CODEX_SHIM_MAX_BODY_MB to allow bigger requests.`,
  });
}
