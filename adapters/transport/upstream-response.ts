import { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate, createZstdDecompress } from "node:zlib";
import type { IncomingHttpHeaders } from "node:http";

/**
 * Marks a ReadableStream that is only a lazy face of a Node stream: the pump reads the Node
 * stream directly (no web-stream hop per chunk) and never touches the ReadableStream.
 */
export const NODE_BODY: unique symbol = Symbol("codex-shim.nodeBody");

export type TaggedStream = ReadableStream<Uint8Array> & { [NODE_BODY]?: Readable };

/** The Node stream behind a body, when there is one. */
export function nodeBodyOf(body: ReadableStream<Uint8Array> | null | undefined): Readable | undefined {
  return (body as TaggedStream | null | undefined)?.[NODE_BODY];
}

function decoderFor(encoding: string): NodeJS.ReadWriteStream | null {
  switch (encoding.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    case "zstd":
      return createZstdDecompress();
    default:
      return null;
  }
}

/**
 * A `Response` over an undici `request()` result, for the consumers that expect one (status,
 * headers, text/json for error bodies). The body is exposed as a ReadableStream that does nothing
 * until pulled; the pump uses the Node stream behind it instead. Compressed bodies (which fetch
 * would decode) are decoded here.
 */
export class UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = "basic";
  readonly url: string;
  private readonly node: Readable;
  private webBody: TaggedStream | null = null;
  private used = false;

  constructor(url: string, statusCode: number, statusText: string, raw: IncomingHttpHeaders, body: Readable) {
    this.url = url;
    this.status = statusCode;
    this.statusText = statusText;
    this.ok = statusCode >= 200 && statusCode < 300;
    const h = new Headers();
    for (const k in raw) {
      const v = raw[k];
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const x of v) h.append(k, x);
      else h.append(k, v);
    }
    this.headers = h;
    const encoding = h.get("content-encoding");
    const decoder = encoding ? decoderFor(encoding) : null;
    if (decoder) {
      body.on("error", (e) => (decoder as unknown as Readable).destroy(e));
      (decoder as unknown as Readable).on("close", () => body.destroy());
      this.node = body.pipe(decoder) as unknown as Readable;
    } else {
      this.node = body;
    }
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): ReadableStream<Uint8Array> {
    if (this.webBody) return this.webBody;
    const node = this.node;
    let it: AsyncIterator<Uint8Array> | null = null;
    const stream = new ReadableStream<Uint8Array>({
      async pull(c) {
        it ??= node[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
        const r = await it.next();
        if (r.done) c.close();
        else c.enqueue(r.value);
      },
      cancel() {
        node.destroy();
      },
      // highWaterMark 0: nothing is pulled until someone reads (the pump reads the Node stream instead)
    }, { highWaterMark: 0 }) as TaggedStream;
    stream[NODE_BODY] = node;
    this.webBody = stream;
    return stream;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    this.used = true;
    const chunks: Buffer[] = [];
    for await (const c of this.node) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}
