// google.rpc.Status, the body of OTLP/HTTP error responses. Two fields (code = 1, message = 2) do
// not justify a schema: they are written by hand so the receiver does not depend on the core's
// descriptor holding a message that is not OTLP's own.

/** google.rpc.Code values the receiver answers with. */
export const RpcCode = {
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
} as const;
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/** A length-delimited field: tag, length, bytes. */
function field(tag: number, bytes: Uint8Array): Buffer {
  const head: number[] = [tag];
  varint(head, bytes.length);
  return Buffer.concat([Buffer.from(head), bytes]);
}

/**
 * `retryDelaySeconds` adds a google.rpc.RetryInfo detail (as an Any): the OTLP specification's way
 * to tell a throttled gRPC client when to retry (details = 3; RetryInfo.retry_delay = 1, a
 * Duration whose seconds = 1).
 */
export function encodeRpcStatus(code: number, message: string, retryDelaySeconds?: number): Uint8Array {
  const out: number[] = [];
  if (code !== 0) {
    out.push(0x08);
    varint(out, code);
  }
  const text = Buffer.from(message, 'utf8');
  const parts = [Buffer.from(out), text.length > 0 ? field(0x12, text) : Buffer.alloc(0)];
  if (retryDelaySeconds !== undefined) {
    const duration: number[] = [];
    if (retryDelaySeconds > 0) {
      duration.push(0x08);
      varint(duration, retryDelaySeconds);
    }
    const retryInfo = field(0x0a, Buffer.from(duration));
    parts.push(field(0x1a, Buffer.concat([field(0x0a, Buffer.from(RETRY_INFO_TYPE)), field(0x12, retryInfo)])));
  }
  return Buffer.concat(parts);
}

/** A cursor over protobuf bytes: varints and length-delimited fields, checked against the end. */
function reader(bytes: Uint8Array) {
  let i = 0;
  const varint = (): number => {
    let v = 0;
    for (let mul = 1; ; mul *= 128) {
      if (i >= bytes.length) throw new Error('truncated varint');
      if (mul > 2 ** 49) throw new Error('varint too long');
      const b = bytes[i++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
    }
  };
  const delimited = (): Uint8Array => {
    const n = varint();
    if (i + n > bytes.length) throw new Error('truncated message');
    i += n;
    return bytes.subarray(i - n, i);
  };
  return { varint, delimited, more: () => i < bytes.length };
}

/** The length-delimited fields of a message by number (the last one wins); throws on other wire types. */
function fields(bytes: Uint8Array): Map<number, Uint8Array> {
  const r = reader(bytes);
  const out = new Map<number, Uint8Array>();
  while (r.more()) {
    const tag = r.varint();
    if ((tag & 7) !== 2) throw new Error(`unexpected tag ${tag}`);
    out.set(tag >>> 3, r.delimited());
  }
  return out;
}

/**
 * The inverse, for tests and for clients of our own (forwarding): the code, the message and, when a
 * RetryInfo detail is there, its delay in whole seconds (other details are skipped). Throws on
 * anything malformed.
 */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string; retryDelaySeconds?: number } {
  const r = reader(bytes);
  let code = 0;
  let message = '';
  let retryDelaySeconds: number | undefined;
  while (r.more()) {
    const tag = r.varint();
    if (tag === 0x08) code = r.varint();
    else if (tag === 0x12) message = Buffer.from(r.delimited()).toString('utf8');
    else if (tag === 0x1a) {
      const any = fields(r.delimited());
      if (Buffer.from(any.get(1) ?? []).toString('utf8') !== RETRY_INFO_TYPE) continue;
      const duration = reader(fields(any.get(2) ?? new Uint8Array(0)).get(1) ?? new Uint8Array(0));
      retryDelaySeconds = 0;
      while (duration.more()) {
        const t = duration.varint();
        const v = duration.varint();
        if (t === 0x08) retryDelaySeconds = v;
        else if (t !== 0x10) throw new Error(`unexpected tag ${t} in a Duration`);
      }
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return { code, message, ...(retryDelaySeconds !== undefined && { retryDelaySeconds }) };
}
