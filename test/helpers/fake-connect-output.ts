import { ResponsesEventWriter } from "../../adapters/responses/responses-event-writer.ts";

/**
 * The `connect` actor's output for the pure @xstate/graph walks of the request machine: an
 * upstream that was never contacted, a writer and a translator that do nothing.
 */
export function fakeConnectOutput(model: string, upstreamUrl = "http://127.0.0.1:59999/v1") {
  const writer = new ResponsesEventWriter({ responseId: "resp_graph", model });
  const translator = { onEvent() {}, onJsonBody() {}, onEnd() {} };
  return {
    response: new Response(""),
    prepared: { request: { url: upstreamUrl, headers: {}, body: "", timeouts: { connectMs: 1, headersMs: 1, idleMs: 1 } }, createOutput: () => ({ writer, translator }) },
    writer,
    translator,
    sentAt: 0,
    headersAt: 0,
  };
}
