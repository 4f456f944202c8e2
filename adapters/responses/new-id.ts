import { randomBytes } from "node:crypto";

// A per-process random prefix plus a counter: unique across concurrent requests and across
// restarts, and far cheaper than a UUID per item on the streaming path.
const processPrefix = randomBytes(6).toString("hex");
let counter = 0;

export function newItemId(kind: string): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${kind}_${processPrefix}${counter.toString(36).padStart(6, "0")}`;
}

export function newResponseId(): string {
  return newItemId("resp");
}
