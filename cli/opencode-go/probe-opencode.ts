/** Outcome of one HTTP call: the status, or why there was none. */
export type ProbeResult = { status: number } | { error: string };

const OPENCODE_USER_AGENT = "codex-shim";

export function probeOk(r: ProbeResult | undefined): boolean {
  return !!r && "status" in r && r.status >= 200 && r.status < 300;
}

export function describeProbe(r: ProbeResult | undefined): string {
  if (!r) return "not probed";
  return "status" in r ? String(r.status) : r.error;
}

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<{ res?: Response; error?: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    return { res };
  } catch (e) {
    const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (err.name === "TimeoutError" || err.name === "AbortError") return { error: `timeout after ${Math.round(timeoutMs / 1000)}s` };
    return { error: `could not reach OpenCode Go: ${err.cause?.code ?? err.cause?.message ?? err.message ?? String(e)}` };
  }
}

/** `GET {base}/models` → model ids. Throws an Error with a user-facing message. */
export async function fetchOpencodeModels(base: string, key: string, timeoutMs: number): Promise<string[]> {
  const { res, error } = await call(`${base}/models`, { headers: { authorization: `Bearer ${key}`, accept: "application/json", "user-agent": OPENCODE_USER_AGENT } }, timeoutMs);
  if (!res) throw new Error(`OpenCode Go /models failed: ${error}.`);
  if (!res.ok) throw new Error(`OpenCode Go /models returned HTTP ${res.status}.`);
  let j: unknown;
  try {
    j = await res.json();
  } catch {
    throw new Error("OpenCode Go /models did not return JSON.");
  }
  const data = (j as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error("OpenCode Go /models did not return a model list.");
  const ids: string[] = [];
  for (const d of data) {
    const id = typeof (d as { id?: unknown } | null)?.id === "string" ? (d as { id: string }).id.trim() : "";
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

const PROBE_BODY = (model: string) => JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 1 });

/** One tiny chat-completions request. */
export async function probeChat(base: string, key: string, model: string, timeoutMs: number): Promise<ProbeResult> {
  const { res, error } = await call(
    `${base}/chat/completions`,
    { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: "application/json", "user-agent": OPENCODE_USER_AGENT }, body: PROBE_BODY(model) },
    timeoutMs,
  );
  await res?.body?.cancel().catch(() => {});
  return res ? { status: res.status } : { error: error! };
}

/** One tiny Anthropic Messages request. */
export async function probeMessages(base: string, key: string, model: string, timeoutMs: number): Promise<ProbeResult> {
  const { res, error } = await call(
    `${base}/messages`,
    {
      method: "POST",
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json", accept: "application/json", "user-agent": OPENCODE_USER_AGENT },
      body: PROBE_BODY(model),
    },
    timeoutMs,
  );
  await res?.body?.cancel().catch(() => {});
  return res ? { status: res.status } : { error: error! };
}
