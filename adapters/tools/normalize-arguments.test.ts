import { describe, expect, it } from "vitest";
import { normalizeArguments, parseJsonObject } from "./normalize-arguments.ts";

describe("normalizeArguments", () => {
  it("arguments cut short are closed into valid JSON", () => {
    expect(normalizeArguments('{"cmd":"ls')).toBe('{"cmd":"ls"}');
    expect(normalizeArguments('{"a":[1,2,')).toBe('{"a":[1,2]}');
    expect(normalizeArguments("")).toBe("{}");
    expect(normalizeArguments("not json")).toBe("not json");
  });

  it("valid arguments are returned as they are; a whole value sent twice is kept once", () => {
    expect(normalizeArguments('{"a": 1}')).toBe('{"a": 1}');
    expect(normalizeArguments('{"a":1}{"a":1}')).toBe('{"a":1}');
  });

  it("parseJsonObject takes only a JSON object", () => {
    expect(parseJsonObject('{"a":1}')).toEqual({ a: 1 });
    for (const s of ["[1]", "null", '"x"', "3", '{"a":', ""]) expect(parseJsonObject(s)).toBeNull();
  });
});
