/**
 * `body` as the first turn of session `n`: the session number is
 * written at the start of the first text of its history (`input` for Responses bodies, `messages`
 * for Anthropic ones), as a new session's environment context differs. So no request can reuse
 * an earlier one's parse or translation (server/body-prefix-reuse.ts, the HTTP turn reuse): the
 * bench's matrix measures the costliest, cold turn. Turns that extend a session are measured by
 * bench/http-incremental-turns.ts.
 */
export function coldBodies(body: string): (n: number) => string {
  const array = body.search(/"(input|messages)":\[/);
  const text = array < 0 ? -1 : body.indexOf('"text":"', array);
  if (text < 0) return () => body;
  const at = text + '"text":"'.length;
  const head = body.slice(0, at);
  const tail = body.slice(at);
  return (n) => `${head}[session ${n}] ${tail}`;
}
