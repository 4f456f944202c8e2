// Moved to adapters/tools (shared with the Anthropic route); kept for existing imports.
export { extractCustomToolInput } from "../tools/extract-custom-tool-input.ts";
