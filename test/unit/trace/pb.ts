// A minimal protobuf writer for tests, independent of protobufjs and of src/core/trace/otlp-schema:
// field numbers are written here straight from opentelemetry-proto, so a wrong number in the
// decoder's descriptor cannot be hidden by the same mistake in the encoder.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = any;

class W {
  parts: number[] = [];
  varint(v: bigint): this {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.parts.push(Number(x));
    return this;
  }
  tag(field: number, wireType: number): this {
    return this.varint(BigInt((field << 3) | wireType));
  }
  uint(field: number, v: number | bigint | undefined): this {
    if (v === undefined || v === 0 || v === 0n) return this;
    return this.tag(field, 0).varint(BigInt(v));
  }
  fixed(field: number, v: bigint | string | number | undefined, bytes: 4 | 8): this {
    if (v === undefined) return this;
    let x = BigInt(v);
    this.tag(field, bytes === 8 ? 1 : 5);
    for (let i = 0; i < bytes; i++) {
      this.parts.push(Number(x & 0xffn));
      x >>= 8n;
    }
    return this;
  }
  double(field: number, v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    this.tag(field, 1);
    this.parts.push(...b);
    return this;
  }
  bytes(field: number, b: Uint8Array | number[] | undefined): this {
    if (b === undefined || b.length === 0) return this;
    this.tag(field, 2).varint(BigInt(b.length));
    this.parts.push(...b);
    return this;
  }
  str(field: number, s: string | undefined): this {
    return s ? this.bytes(field, new TextEncoder().encode(s)) : this;
  }
  msg(field: number, m: W | undefined): this {
    if (m === undefined) return this;
    this.tag(field, 2).varint(BigInt(m.parts.length));
    this.parts.push(...m.parts);
    return this;
  }
  done(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

const hex = (s: string | undefined): number[] | undefined => (s ? s.match(/../g)!.map((h) => parseInt(h, 16)) : undefined);

export function anyValue(v: J): W {
  const w = new W();
  if ('stringValue' in v) {
    // Written even when empty: inside a oneof, presence is what says "a string".
    const b = new TextEncoder().encode(v.stringValue);
    w.tag(1, 2).varint(BigInt(b.length)).parts.push(...b);
  }  else if ('boolValue' in v) w.tag(2, 0).varint(v.boolValue ? 1n : 0n);
  else if ('intValue' in v) w.tag(3, 0).varint(BigInt(v.intValue));
  else if ('doubleValue' in v) w.double(4, v.doubleValue);
  else if ('arrayValue' in v) w.msg(5, v.arrayValue.values.reduce((a: W, x: J) => a.msg(1, anyValue(x)), new W()));
  else if ('kvlistValue' in v) w.msg(6, kvs(new W(), 1, v.kvlistValue.values));
  else if ('bytesValue' in v) w.bytes(7, Array.from(atob(v.bytesValue), (c) => c.charCodeAt(0)));
  return w;
}

function kvs(w: W, field: number, list: J[] | undefined): W {
  for (const kv of list ?? []) w.msg(field, new W().str(1, kv.key).msg(2, anyValue(kv.value)));
  return w;
}

function resource(r: J): W | undefined {
  return r ? kvs(new W(), 1, r.attributes).uint(2, r.droppedAttributesCount) : undefined;
}

function scope(s: J): W | undefined {
  return s ? kvs(new W().str(1, s.name).str(2, s.version), 3, s.attributes).uint(4, s.droppedAttributesCount) : undefined;
}

const KINDS: Record<string, number> = { SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5 };
const CODES: Record<string, number> = { STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

function span(s: J): W {
  const w = new W().bytes(1, hex(s.traceId)).bytes(2, hex(s.spanId)).str(3, s.traceState).bytes(4, hex(s.parentSpanId)).str(5, s.name);
  w.uint(6, typeof s.kind === 'string' ? KINDS[s.kind] : s.kind);
  w.fixed(7, s.startTimeUnixNano, 8).fixed(8, s.endTimeUnixNano, 8);
  kvs(w, 9, s.attributes).uint(10, s.droppedAttributesCount);
  for (const e of s.events ?? []) w.msg(11, kvs(new W().fixed(1, e.timeUnixNano, 8).str(2, e.name), 3, e.attributes).uint(4, e.droppedAttributesCount));
  w.uint(12, s.droppedEventsCount);
  for (const l of s.links ?? []) {
    w.msg(13, kvs(new W().bytes(1, hex(l.traceId)).bytes(2, hex(l.spanId)).str(3, l.traceState), 4, l.attributes).uint(5, l.droppedAttributesCount).fixed(6, l.flags, 4));
  }
  w.uint(14, s.droppedLinksCount);
  if (s.status) w.msg(15, new W().str(2, s.status.message).uint(3, typeof s.status.code === 'string' ? CODES[s.status.code] : s.status.code));
  if (s.flags) w.fixed(16, s.flags, 4);
  return w;
}

/** OTLP/JSON ExportTraceServiceRequest -> protobuf bytes. */
export function encodeTraces(req: J): Uint8Array {
  const w = new W();
  for (const rs of req.resourceSpans ?? []) {
    const r = new W().msg(1, resource(rs.resource));
    for (const ss of rs.scopeSpans ?? []) r.msg(2, (ss.spans ?? []).reduce((a: W, s: J) => a.msg(2, span(s)), new W().msg(1, scope(ss.scope))).str(3, ss.schemaUrl));
    w.msg(1, r.str(3, rs.schemaUrl));
  }
  return w.done();
}

/** OTLP/JSON ExportLogsServiceRequest -> protobuf bytes. */
export function encodeLogs(req: J): Uint8Array {
  const w = new W();
  for (const rl of req.resourceLogs ?? []) {
    const r = new W().msg(1, resource(rl.resource));
    for (const sl of rl.scopeLogs ?? []) {
      const sw = new W().msg(1, scope(sl.scope));
      for (const l of sl.logRecords ?? []) {
        const lw = new W().fixed(1, l.timeUnixNano, 8).uint(2, l.severityNumber).str(3, l.severityText);
        if (l.body) lw.msg(5, anyValue(l.body));
        kvs(lw, 6, l.attributes).uint(7, l.droppedAttributesCount);
        if (l.flags) lw.fixed(8, l.flags, 4);
        lw.bytes(9, hex(l.traceId)).bytes(10, hex(l.spanId)).fixed(11, l.observedTimeUnixNano, 8).str(12, l.eventName);
        sw.msg(2, lw);
      }
      r.msg(2, sw.str(3, sl.schemaUrl));
    }
    w.msg(1, r.str(3, rl.schemaUrl));
  }
  return w.done();
}

export { W as ProtoWriter };
