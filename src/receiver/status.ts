// google.rpc.Status, the body of OTLP/HTTP error responses. Two fields (code = 1, message = 2) do
// not justify a schema: they are written by hand so the receiver does not depend on the core's
// descriptor holding a message that is not OTLP's own.

/** google.rpc.Code values the receiver answers with. */
export const RpcCode = {
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
} as const;
export type RpcCode = (typeof RpcCode)[keyof typeof RpcCode];

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

export function encodeRpcStatus(code: number, message: string): Uint8Array {
  const out: number[] = [];
  if (code !== 0) {
    out.push(0x08);
    varint(out, code);
  }
  const text = Buffer.from(message, 'utf8');
  const head: number[] = [];
  if (text.length > 0) {
    head.push(0x12);
    varint(head, text.length);
  }
  return Buffer.concat([Buffer.from(out), Buffer.from(head), text]);
}

/** The inverse, for tests and for clients of our own (forwarding). Throws on anything malformed. */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  let i = 0;
  let code = 0;
  let message = '';
  const readVarint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (i >= bytes.length) throw new Error('truncated varint');
      const b = bytes[i++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
      if (mul > 2 ** 49) throw new Error('varint too long');
    }
  };
  while (i < bytes.length) {
    const tag = readVarint();
    if (tag === 0x08) code = readVarint();
    else if (tag === 0x12) {
      const n = readVarint();
      if (i + n > bytes.length) throw new Error('truncated message');
      message = Buffer.from(bytes.subarray(i, i + n)).toString('utf8');
      i += n;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return { code, message };
}
