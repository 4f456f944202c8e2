import { redactSecrets } from "../../adapters/errors/redact-secrets.ts";

export const REDACTED = "[redacted]";

/** Header names whose values are credentials or identify an account. */
const SECRET_HEADER = /auth|key|token|secret|cookie|password|account|signature/i;
/** Query parameters that carry credentials (`?key=` for Gemini-style endpoints, signed URLs). */
const SECRET_PARAM = /key|token|secret|sig|auth|password|credential/i;

export function redactHeaders(headers: Iterable<[string, string]> | Record<string, string>, secrets: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Symbol.iterator in headers ? (headers as Iterable<[string, string]>) : Object.entries(headers);
  for (const [k, v] of entries) out[k.toLowerCase()] = SECRET_HEADER.test(k) ? REDACTED : redactSecrets(v, secrets);
  return out;
}

/** A URL without user info and without credential query values; not-a-URL text is only pattern-redacted. */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  // the common case (no query, no user info, nothing token-shaped) needs no parsing
  if (!/[?@]|sk-|eyJ|bearer/i.test(url) && !secrets.some((s) => s && url.includes(s))) return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactSecrets(url, secrets);
  }
  if (u.username || u.password) {
    u.username = "";
    u.password = "";
  }
  for (const k of [...u.searchParams.keys()]) if (SECRET_PARAM.test(k)) u.searchParams.set(k, REDACTED);
  return redactSecrets(u.toString().replaceAll("%5Bredacted%5D", REDACTED), secrets);
}

/** Cuts a text for the inspector: at most `max` characters, marked when shortened. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}

export { redactSecrets };

/** The path of a request URL (`http://host/v1/responses?x` → `/v1/responses`) without parsing it. */
export function pathOfUrl(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}
