import { describe, expect, it } from "vitest";
import { coldBodies } from "../../bench/cold-bodies.ts";
import { codexShapedBody } from "../../bench/codex-shaped-requests.ts";

describe("coldBodies", () => {
  it("gives every session a different first history text and otherwise the same body", () => {
    const body = codexShapedBody(30_000, "m").json;
    const bodyOf = coldBodies(body);
    const a = JSON.parse(bodyOf(0));
    const b = JSON.parse(bodyOf(1));
    const first = (x: { input: { content: { text: string }[] }[] }) => x.input[0].content[0].text;
    expect(first(a)).not.toBe(first(b));
    expect(first(a).endsWith(first(JSON.parse(body)))).toBe(true);
    expect({ ...a, input: a.input.slice(1) }).toEqual({ ...JSON.parse(body), input: JSON.parse(body).input.slice(1) });
  });

  it("varies Anthropic Messages bodies in their first message", () => {
    const body = JSON.stringify({ model: "m", system: [{ type: "text", text: "sys" }], messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
    const bodyOf = coldBodies(body);
    expect(JSON.parse(bodyOf(0)).messages[0].content[0].text).toBe("[session 0] hi");
    expect(JSON.parse(bodyOf(7)).messages[0].content[0].text).toBe("[session 7] hi");
    expect(JSON.parse(bodyOf(1)).system[0].text).toBe("sys");
  });
});
