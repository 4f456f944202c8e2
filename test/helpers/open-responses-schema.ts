import { readFileSync } from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parseSseEvents } from "./parse-sse.ts";

/**
 * Validates what the shim emits against the Open Responses schema
 * (test/__fixtures__/spec/openresponses/openapi.json, a copy of the spec).
 *
 * Codex needs a few OpenAI item and event types that Open Responses does not define
 * (`custom_tool_call` for apply_patch, `local_shell_call`, `response.custom_tool_call_input.*`)
 * and sends OpenAI's hosted and custom tool types, which the response echoes. Those are checked
 * against the OpenAI API's own schemas (test/__fixtures__/spec/openai/responses-subset.json, an
 * extract of the official openapi.yaml): the Open Responses `ItemField` union is widened by those
 * two items, and a non-function tool is checked as an OpenAI `Tool`. Everything else is the Open
 * Responses schema unchanged.
 */
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const FIX = new URL("../__fixtures__/spec/", import.meta.url);
const OR_ID = "https://openresponses.org/openapi.json";
const OAI_ID = "https://openai.com/responses-subset.json";

type Schemas = Record<string, Record<string, unknown>>;
const orDoc = JSON.parse(readFileSync(new URL("openresponses/openapi.json", FIX), "utf8")) as { components: { schemas: Schemas }; $id?: string };
const oaiDoc = JSON.parse(readFileSync(new URL("openai/responses-subset.json", FIX), "utf8")) as { components: { schemas: Schemas }; $id?: string };
orDoc.$id = OR_ID;
oaiDoc.$id = OAI_ID;
const or = orDoc.components.schemas;
const oaiRef = (name: string) => ({ $ref: `${OAI_ID}#/components/schemas/${name}` });
(or.ItemField.oneOf as unknown[]).push(oaiRef("CustomToolCall"), oaiRef("LocalShellToolCall"));
or.Tool = {
  if: { properties: { type: { const: "function" } } },
  then: { $ref: "#/components/schemas/FunctionTool" },
  else: oaiRef("Tool"),
};

/**
 * GET /v1/responses/{id}/input_items: Open Responses defines no list endpoint; the envelope is the
 * OpenAI API's `ResponseItemList`, the items are Open Responses items (the same union as `output`).
 */
or.InputItemList = {
  type: "object",
  required: ["object", "data", "has_more", "first_id", "last_id"],
  properties: {
    object: { const: "list" },
    data: { type: "array", items: { $ref: "#/components/schemas/ItemField" } },
    has_more: { type: "boolean" },
    first_id: { type: "string" },
    last_id: { type: "string" },
  },
};

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema(oaiDoc);
ajv.addSchema(orDoc);

const cache = new Map<string, ValidateFunction>();
function validator(ref: string): ValidateFunction {
  let v = cache.get(ref);
  if (!v) {
    v = ajv.getSchema(ref)!;
    if (!v) throw new Error(`no schema ${ref}`);
    cache.set(ref, v);
  }
  return v;
}
const orRef = (name: string) => `${OR_ID}#/components/schemas/${name}`;

/** Streaming event `type` → the schema that defines it. */
const EVENT_SCHEMAS = new Map<string, string>();
for (const [name, s] of Object.entries(or)) {
  const t = (s.properties as Record<string, { enum?: string[] }> | undefined)?.type?.enum?.[0];
  if (t && /StreamingEvent$/.test(name)) EVENT_SCHEMAS.set(t, orRef(name));
}
EVENT_SCHEMAS.set("response.custom_tool_call_input.delta", `${OAI_ID}#/components/schemas/ResponseCustomToolCallInputDeltaEvent`);
EVENT_SCHEMAS.set("response.custom_tool_call_input.done", `${OAI_ID}#/components/schemas/ResponseCustomToolCallInputDoneEvent`);

function check(ref: string, value: unknown, what: string): void {
  const v = validator(ref);
  if (!v(value)) {
    const errs = (v.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
    throw new Error(`${what} does not validate against ${ref.split("#")[1]}:\n  ${errs.join("\n  ")}\n${JSON.stringify(value).slice(0, 1500)}`);
  }
}

export function assertResponseResource(value: unknown, what = "response"): void {
  check(orRef("ResponseResource"), value, what);
}

export function assertCompactResource(value: unknown): void {
  check(orRef("CompactResource"), value, "compact answer");
}

export function assertInputItemList(value: unknown): void {
  check(orRef("InputItemList"), value, "input_items list");
}

export function assertSchema(name: string, value: unknown, from: "openresponses" | "openai" = "openresponses"): void {
  check(from === "openai" ? `${OAI_ID}#/components/schemas/${name}` : orRef(name), value, name);
}

const TERMINAL = new Set(["response.completed", "response.failed", "response.incomplete"]);

/**
 * Every event validates against its schema, sequence numbers strictly increase, and exactly one
 * terminal event ends the stream. Returns the events.
 */
export function assertValidEventStream(events: any[]): any[] {
  if (!events.length) throw new Error("no events");
  let last = -Infinity;
  let terminals = 0;
  events.forEach((ev, i) => {
    const ref = EVENT_SCHEMAS.get(ev?.type);
    if (!ref) throw new Error(`event ${i} has a type no schema defines: ${JSON.stringify(ev).slice(0, 300)}`);
    check(ref, ev, `event ${i} (${ev.type})`);
    if (!(ev.sequence_number > last)) throw new Error(`event ${i} (${ev.type}): sequence_number ${ev.sequence_number} after ${last}`);
    last = ev.sequence_number;
    if (TERMINAL.has(ev.type)) {
      terminals++;
      if (i !== events.length - 1) throw new Error(`terminal event ${ev.type} at ${i} is not the last of ${events.length}`);
    }
  });
  if (terminals !== 1) throw new Error(`expected exactly one terminal event, got ${terminals}`);
  return events;
}

export function assertValidSseBody(text: string): any[] {
  return assertValidEventStream(parseSseEvents(text));
}
