const TOKEN_PATTERNS = [
  /\b(sk-(?:ant-|proj-|or-)?[A-Za-z0-9_-]{8,})/g,
  /\b(eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*)/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
];

/** Removes known secrets and anything token-shaped from text bound for logs or error messages. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("[redacted]");
  for (const re of TOKEN_PATTERNS) out = out.replace(re, (_m, p1: string) => (p1.startsWith("Bearer") || /^Bearer/i.test(p1) ? `${p1}[redacted]` : "[redacted]"));
  return out;
}
