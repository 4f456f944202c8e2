/**
 * The headers of a JSON upstream call: content type and accept, the route's own (`base`), then the
 * row's `extra_headers` (which may override any of them), then `Authorization: Bearer` unless
 * extra_headers set one. Header names are lower-cased so an override always replaces.
 */
export function upstreamHeaders(o: { accept: string; extraHeaders: Readonly<Record<string, string>>; base?: Readonly<Record<string, string>>; bearer?: string }): Record<string, string> {
  const h: Record<string, string> = { "content-type": "application/json", accept: o.accept, ...o.base };
  for (const [k, v] of Object.entries(o.extraHeaders)) h[k.toLowerCase()] = v;
  if (o.bearer && !("authorization" in h)) h.authorization = `Bearer ${o.bearer}`;
  return h;
}
