import type { InputItem, OutputItem, ResponseObject } from "./responses-types.ts";

/**
 * A response kept because the client asked for `store: true` (or left `store` unset, as the
 * Responses API defaults to storing). Self-contained: `input` is the whole conversation the
 * upstream saw (with `previous_response_id`, the rebuilt history), so a continuation never needs
 * an older row, and evicting old rows never breaks a newer one.
 */
export interface StoredResponse {
  id: string;
  /** Unix seconds (the response's `created_at`). */
  createdAt: number;
  /** The whole input the upstream saw, every item with an `id`. */
  input: InputItem[];
  /** The final `ResponseResource` (its `output` is what a continuation appends). */
  response: ResponseObject;
}

/** The durable tier of the response lookup (the in-memory conversation cache is the other). */
export interface ResponseStore {
  /** Writes one response atomically (all of it or nothing), then enforces the limits. */
  put(r: StoredResponse): void;
  get(id: string): StoredResponse | undefined;
  /** true if there was such a response. */
  delete(id: string): boolean;
  close(): void;
}

export interface ResponseStoreLimits {
  /** Total bytes of stored JSON; the oldest responses go first when it is exceeded. */
  maxBytes: number;
  /** Responses older than this are deleted. */
  maxAgeMs: number;
}

/** What a continuation needs of a previous response, from whichever tier holds it. */
export interface PreviousResponse {
  input: readonly InputItem[];
  output: readonly OutputItem[];
}
