import { describe, expect, it } from "vitest";
import { mapAnthropicUsage, mergeAnthropicUsage } from "./map-anthropic-usage.ts";

describe("mapAnthropicUsage", () => {
  it("counts cache reads and writes into input, reports them separately", () => {
    expect(mapAnthropicUsage({ input_tokens: 3, cache_read_input_tokens: 18639, cache_creation_input_tokens: 0, output_tokens: 1 })).toEqual({
      input_tokens: 18642,
      input_tokens_details: { cached_tokens: 18639, cache_write_tokens: 0 },
      output_tokens: 1,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 18643,
    });
    expect(mapAnthropicUsage({ input_tokens: 3, cache_creation_input_tokens: 18639, output_tokens: 1 }).input_tokens_details).toEqual({ cached_tokens: 0, cache_write_tokens: 18639 });
  });

  it("reads thinking tokens and survives missing or null fields", () => {
    expect(mapAnthropicUsage({ input_tokens: 47, output_tokens: 373, output_tokens_details: { thinking_tokens: 62 } }).output_tokens_details.reasoning_tokens).toBe(62);
    expect(mapAnthropicUsage({ cache_read_input_tokens: null })).toMatchObject({ input_tokens: 0, output_tokens: 0, total_tokens: 0 });
  });

  it("lets message_delta numbers override message_start ones", () => {
    const start = { input_tokens: 43, output_tokens: 1, cache_read_input_tokens: 5 };
    expect(mergeAnthropicUsage(start, { input_tokens: 61, output_tokens: 2 })).toEqual({ input_tokens: 61, output_tokens: 2, cache_read_input_tokens: 5 });
    expect(mergeAnthropicUsage(start, undefined)).toBe(start);
  });
});
