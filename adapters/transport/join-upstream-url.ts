/**
 * `{base}{endpoint}`, inserting `/v1` unless the base already ends in a version segment
 * (reference-behavior §6.1): `http://x/v1` → `http://x/v1/chat/completions`,
 * `http://x` → `http://x/v1/chat/completions`, `http://x/api/coding/v3` keeps `v3`.
 */
export function joinUpstreamUrl(base: string, endpoint: string): string {
  const b = base.replace(/\/+$/, "");
  return /\/v\d+$/.test(b) ? b + endpoint : `${b}/v1${endpoint}`;
}
