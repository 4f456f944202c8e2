import { boolean, integer, object, optional, refine } from "superstruct";
import { DEFAULT_RESPONSE_STORE, type ResponseStoreSettings } from "./settings-types.ts";
import { normalizeKeys, validateInto } from "./settings-validation.ts";

const STORE_ALIASES: Record<string, string[]> = {
  enabled: ["enabled"],
  max_megabytes: ["max_megabytes", "maxMegabytes"],
  max_age_days: ["max_age_days", "maxAgeDays"],
};
const StoreStruct = object({
  enabled: optional(boolean()),
  max_megabytes: optional(refine(integer(), "megabytes", (v) => (v >= 1 && v <= 1_000_000) || `expected megabytes between 1 and 1000000, got ${v}`)),
  max_age_days: optional(refine(integer(), "days", (v) => (v >= 1 && v <= 36_500) || `expected days between 1 and 36500, got ${v}`)),
});

/**
 * The top-level `response_store` block of models.json (the SQLite store of `store: true`
 * responses, docs/responses-api.md). undefined when absent; problems are pushed as
 * `response_store.<field>: what was expected`.
 */
export function parseResponseStoreSettings(r: unknown, problems: string[]): ResponseStoreSettings | undefined {
  if (r === undefined || r === null) return undefined;
  if (typeof r !== "object" || Array.isArray(r)) {
    problems.push(`response_store: expected an object like {"max_megabytes": 256, "max_age_days": 30}, got ${JSON.stringify(r)}`);
    return undefined;
  }
  const before = problems.length;
  const { value, spelling } = normalizeKeys(r as Record<string, unknown>, STORE_ALIASES, ["response_store"], problems);
  const parsed = validateInto(value, StoreStruct, ["response_store"], spelling, problems);
  if (!parsed || problems.length > before) return undefined;
  return {
    enabled: parsed.enabled ?? DEFAULT_RESPONSE_STORE.enabled,
    maxMegabytes: parsed.max_megabytes ?? DEFAULT_RESPONSE_STORE.maxMegabytes,
    maxAgeDays: parsed.max_age_days ?? DEFAULT_RESPONSE_STORE.maxAgeDays,
  };
}
