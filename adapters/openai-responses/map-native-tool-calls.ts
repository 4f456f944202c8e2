import type { RelayItemMapper } from "../responses/responses-relay-writer.ts";
import { localShellActionFromArguments, type UpstreamToolSet } from "../tools/upstream-tool-set.ts";
import { extractCustomToolInput } from "../tools/extract-custom-tool-input.ts";

type Json = Record<string, unknown>;

/**
 * Maps the function calls of a native Responses upstream back to the tools Codex declared, when
 * the request flattened or reshaped them (build-native-responses-body.ts): `ns__name` → the
 * namespace call, the freeform tool's `{"input": …}` function → a `custom_tool_call` with the raw
 * input, the `local_shell` function → a `local_shell_call`. Calls of plain functions pass as they are.
 */
export function nativeToolCallMapper(tools: UpstreamToolSet): RelayItemMapper {
  return {
    mapItem(item: Json) {
      if (item.type !== "function_call" || typeof item.name !== "string") return null;
      const r = tools.resolve(item.name);
      const args = typeof item.arguments === "string" ? item.arguments : "";
      const base: Json = { id: item.id, call_id: item.call_id };
      if (item.status !== undefined) base.status = item.status;
      if (r.kind === "custom") return { item: { type: "custom_tool_call", ...base, name: r.name, input: args ? extractCustomToolInput(args) : "" }, holdArguments: true };
      if (r.hosted === "local_shell") return { item: { type: "local_shell_call", ...base, action: localShellActionFromArguments(args) }, holdArguments: true };
      if (r.namespace) return { item: { ...item, name: r.name, namespace: r.namespace }, holdArguments: false };
      return r.name === item.name ? null : { item: { ...item, name: r.name }, holdArguments: false };
    },
  };
}
