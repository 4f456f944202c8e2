// Regenerates responses-subset.json: the OpenAI API schemas (and everything they reference) that
// the shim emits beyond the Open Responses schema. Run: node test/__fixtures__/spec/openai/extract-openai-subset.ts <openapi.yaml>
import { readFileSync, writeFileSync } from "node:fs";
import { parseYAML } from "confbox";

const ROOTS = [
  "CustomToolCall",
  "LocalShellToolCall",
  "ResponseCustomToolCallInputDeltaEvent",
  "ResponseCustomToolCallInputDoneEvent",
  "Tool",
  "ToolChoiceParam",
  "ResponseItemList",
];

const src = process.argv[2];
if (!src) throw new Error("usage: extract-openai-subset.ts <path to openai openapi.yaml>");
const doc = parseYAML(readFileSync(src, "utf8")) as { info: { version: string }; components: { schemas: Record<string, unknown> } };
const all = doc.components.schemas;
const out: Record<string, unknown> = {};
const queue = [...ROOTS];
while (queue.length) {
  const name = queue.pop()!;
  if (name in out) continue;
  const s = all[name];
  if (!s) throw new Error(`no schema ${name}`);
  out[name] = s;
  JSON.stringify(s, (k, v) => {
    if (k === "$ref" && typeof v === "string") queue.push(v.replace("#/components/schemas/", ""));
    return v;
  });
}
const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
writeFileSync(
  new URL("./responses-subset.json", import.meta.url),
  JSON.stringify({ $comment: `Extracted from openai/openai-openapi openapi.yaml (info.version ${doc.info.version}), MIT licence; roots: ${ROOTS.join(", ")}`, components: { schemas: sorted } }, null, 1) + "\n",
);
console.log(`${Object.keys(sorted).length} schemas`);
