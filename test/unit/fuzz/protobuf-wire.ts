// Protobuf at the wire level, for the fuzzer: a request is read into a tree of fields (a
// length-delimited field that parses as a message is kept as one), mutated as a tree (a length that
// lies, a field of another wire type, a field repeated many times, deeply nested AnyValues), and
// written back. Independent of protobufjs and of our decoders, so a mutation is not shaped by the
// code it tests.

export interface WireField {
  no: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32; 3, 4, 6, 7 only as mutations. */
  wt: number;
  /** The varint's value (wt 0), else the payload bytes (for wt 2, unless `sub` replaces them). */
  value: bigint | Uint8Array;
  /** A length-delimited field read as a message. */
  sub?: WireField[];
  /** Written instead of the true length: a length that lies. */
  lieLength?: bigint;
  /** Written as is instead of a well-formed varint (overlong or unterminated). */
  rawVarint?: Uint8Array;
}

const MAX_PARSE_DEPTH = 24;

function readVarint(b: Uint8Array, at: number): { v: bigint; at: number } | undefined {
  let v = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (at >= b.length) return undefined;
    const byte = b[at++];
    v |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return { v: BigInt.asUintN(64, v), at };
  }
  return undefined;
}

/** The fields of `b`, or undefined when it is not a well-formed message. */
export function parseWire(b: Uint8Array, depth = 0): WireField[] | undefined {
  const out: WireField[] = [];
  let at = 0;
  while (at < b.length) {
    const tag = readVarint(b, at);
    if (!tag || tag.v > 0xffffffffn) return undefined;
    at = tag.at;
    const no = Number(tag.v >> 3n);
    const wt = Number(tag.v & 7n);
    if (no === 0) return undefined;
    if (wt === 0) {
      const v = readVarint(b, at);
      if (!v) return undefined;
      out.push({ no, wt, value: v.v });
      at = v.at;
    } else if (wt === 1 || wt === 5) {
      const n = wt === 1 ? 8 : 4;
      if (at + n > b.length) return undefined;
      out.push({ no, wt, value: b.slice(at, at + n) });
      at += n;
    } else if (wt === 2) {
      const len = readVarint(b, at);
      if (!len || len.v > BigInt(b.length - len.at)) return undefined;
      const payload = b.slice(len.at, len.at + Number(len.v));
      at = len.at + Number(len.v);
      const sub = depth < MAX_PARSE_DEPTH && payload.length > 0 ? parseWire(payload, depth + 1) : undefined;
      out.push({ no, wt, value: payload, ...(sub && { sub }) });
    } else {
      return undefined;
    }
  }
  return out;
}

class Writer {
  private chunks: Uint8Array[] = [];
  private cur: number[] = [];
  size = 0;
  byte(x: number): void {
    this.cur.push(x & 0xff);
    this.size++;
    if (this.cur.length >= 8192) this.flush();
  }
  bytes(b: Uint8Array): void {
    this.flush();
    this.chunks.push(b);
    this.size += b.length;
  }
  varint(v: bigint): void {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }
  private flush(): void {
    if (this.cur.length) this.chunks.push(Uint8Array.from(this.cur));
    this.cur = [];
  }
  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

export function varintBytes(v: bigint): Uint8Array {
  const w = new Writer();
  w.varint(v);
  return w.finish();
}

/**
 * The tree as bytes: sizes first (memoised per field list, as repeated copies share theirs), then
 * one buffer written in place; re-encoding each nested message instead made an 8 MB input take
 * seconds to write.
 */
export function encodeWire(fields: readonly WireField[]): Uint8Array {
  const sizes = new Map<readonly WireField[], number>();
  const out = new Uint8Array(listSize(fields, sizes));
  writeList(out, 0, fields, sizes);
  return out;
}

/** The encoded size of `fields`, without encoding them. */
export function wireSize(fields: readonly WireField[]): number {
  return listSize(fields, new Map());
}

/** Sizes of tags and lengths as plain numbers: BigInt per field made the GC the main cost. */
function numSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeNum(out: Uint8Array, at: number, v: number): number {
  while (v >= 0x80) {
    out[at++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

function varintSize(v: bigint): number {
  let x = BigInt.asUintN(64, v);
  let n = 1;
  while (x >= 0x80n) {
    x >>= 7n;
    n++;
  }
  return n;
}

function payloadSize(f: WireField, sizes: Map<readonly WireField[], number>): number {
  return f.sub ? listSize(f.sub, sizes) : typeof f.value === 'bigint' ? varintSize(f.value) : f.value.length;
}

function listSize(list: readonly WireField[], sizes: Map<readonly WireField[], number>): number {
  let n = sizes.get(list);
  if (n !== undefined) return n;
  n = 0;
  for (const f of list) {
    n += numSize(f.no * 8 + (f.wt & 7));
    if (f.wt === 0) {
      n += f.rawVarint ? f.rawVarint.length : varintSize(typeof f.value === 'bigint' ? f.value : 0n);
      continue;
    }
    const payload = payloadSize(f, sizes);
    if (f.wt === 2) n += f.rawVarint ? f.rawVarint.length : f.lieLength !== undefined ? varintSize(f.lieLength) : numSize(payload);
    n += payload;
  }
  sizes.set(list, n);
  return n;
}

function writeVarint(out: Uint8Array, at: number, v: bigint): number {
  let x = BigInt.asUintN(64, v);
  while (x >= 0x80n) {
    out[at++] = Number(x & 0x7fn) | 0x80;
    x >>= 7n;
  }
  out[at++] = Number(x);
  return at;
}

function writeList(out: Uint8Array, at: number, list: readonly WireField[], sizes: Map<readonly WireField[], number>): number {
  for (const f of list) {
    at = writeNum(out, at, f.no * 8 + (f.wt & 7));
    if (f.wt === 0) {
      if (f.rawVarint) {
        out.set(f.rawVarint, at);
        at += f.rawVarint.length;
      } else at = writeVarint(out, at, typeof f.value === 'bigint' ? f.value : 0n);
      continue;
    }
    if (f.wt === 2) {
      if (f.rawVarint) {
        out.set(f.rawVarint, at);
        at += f.rawVarint.length;
      } else at = f.lieLength !== undefined ? writeVarint(out, at, f.lieLength) : writeNum(out, at, payloadSize(f, sizes));
    }
    if (f.sub) at = writeList(out, at, f.sub, sizes);
    else if (typeof f.value === 'bigint') at = writeVarint(out, at, f.value);
    else {
      out.set(f.value, at);
      at += f.value.length;
    }
  }
  return at;
}

/** Every field of the tree, with the list it is in (so a mutation can replace or repeat it). */
export function allFields(fields: WireField[]): { list: WireField[]; index: number; path: number[] }[] {
  const out: { list: WireField[]; index: number; path: number[] }[] = [];
  const stack: { list: WireField[]; path: number[] }[] = [{ list: fields, path: [] }];
  while (stack.length) {
    const { list, path } = stack.pop()!;
    list.forEach((f, index) => {
      const p = [...path, f.no];
      out.push({ list, index, path: p });
      if (f.sub) stack.push({ list: f.sub, path: p });
    });
  }
  return out;
}

export function cloneWire(fields: readonly WireField[]): WireField[] {
  return fields.map((f) => ({ ...f, ...(f.sub && { sub: cloneWire(f.sub) }) }));
}

function str(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/**
 * An OTLP AnyValue nested `depth` times (kvlist in kvlist, or array in array), as bytes, built from
 * the inside out so that a depth of 100,000 costs linear time and no recursion.
 */
export function deepAnyValue(depth: number, kind: 'kvlist' | 'array' | 'mixed'): Uint8Array {
  const inner = encodeWire([{ no: 1, wt: 2, value: str('leaf') }]);
  // Each level is prefixes only (the inner value comes last), so the bytes are all the prefixes,
  // outermost first, then the innermost value.
  const prefixes: Uint8Array[] = [];
  let len = BigInt(inner.length);
  const key = encodeWire([{ no: 1, wt: 2, value: str('k') }]);
  for (let i = 0; i < depth; i++) {
    const asList = kind === 'kvlist' || (kind === 'mixed' && i % 2 === 0);
    // AnyValue { kvlist_value(6): KeyValueList { values(1): KeyValue { key(1), value(2): AnyValue } } }
    // AnyValue { array_value(5): ArrayValue { values(1): AnyValue } }
    const parts: Uint8Array[] = [];
    if (asList) {
      const kvInner = [key, varintBytes(BigInt(2 * 8 + 2)), varintBytes(len)];
      const kvLen = BigInt(kvInner.reduce((n, b) => n + b.length, 0)) + len;
      const kvlInner = [varintBytes(BigInt(1 * 8 + 2)), varintBytes(kvLen)];
      const kvlLen = BigInt(kvlInner.reduce((n, b) => n + b.length, 0)) + kvLen;
      parts.push(varintBytes(BigInt(6 * 8 + 2)), varintBytes(kvlLen), ...kvlInner, ...kvInner);
    } else {
      const avInner = [varintBytes(BigInt(1 * 8 + 2)), varintBytes(len)];
      const avLen = BigInt(avInner.reduce((n, b) => n + b.length, 0)) + len;
      parts.push(varintBytes(BigInt(5 * 8 + 2)), varintBytes(avLen), ...avInner);
    }
    const prefix = concat(parts);
    prefixes.push(prefix);
    len += BigInt(prefix.length);
  }
  prefixes.reverse();
  return concat([...prefixes, inner]);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function keyValue(key: string, anyValue: Uint8Array): WireField {
  return { no: 0, wt: 2, value: new Uint8Array(), sub: [{ no: 1, wt: 2, value: str(key) }, { no: 2, wt: 2, value: anyValue }] };
}
