// The fuzzer's mutators, one family per format: bytes (any format), protobuf (at the wire level,
// see protobuf-wire.ts), JSON (as a value, then as text) and YAML (as lines). Every mutator takes
// the seeded generator, so an input is replayed exactly from its seed.
import { allFields, cloneWire, concat, deepAnyValue, encodeWire, keyValue, parseWire, wireSize, type WireField } from './protobuf-wire';

export type Rand = () => number;

/** Inputs larger than this are not made: the receivers refuse bigger bodies at the door anyway. */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

export const int = (r: Rand, n: number): number => Math.floor(r() * n);
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)];
const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Bytes

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0a, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x2c];
const BAD_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xef, 0xbb, 0xbf], [0x00]];

export function mutateBytes(r: Rand, b: Uint8Array, other?: Uint8Array): Uint8Array {
  if (b.length === 0) return Uint8Array.from([int(r, 256)]);
  const out = Uint8Array.from(b);
  switch (int(r, 9)) {
    case 0: {
      const flips = 1 + int(r, 8);
      for (let i = 0; i < flips; i++) out[int(r, out.length)] ^= 1 << int(r, 8);
      return out;
    }
    case 1: {
      const n = 1 + int(r, 4);
      for (let i = 0; i < n; i++) out[int(r, out.length)] = pick(r, INTERESTING_BYTES);
      return out;
    }
    case 2:
      return out.slice(0, int(r, out.length));
    case 3: {
      const at = int(r, out.length);
      return concat([out.slice(0, at), out.slice(at + 1 + int(r, 16))]);
    }
    case 4: {
      const at = int(r, out.length + 1);
      const junk = Uint8Array.from({ length: 1 + int(r, 16) }, () => int(r, 256));
      return concat([out.slice(0, at), junk, out.slice(at)]);
    }
    case 5: {
      // A stretch copied onto itself elsewhere: keeps the format's own byte patterns.
      const from = int(r, out.length);
      const len = Math.min(out.length - from, 1 + int(r, 64));
      const to = int(r, out.length + 1);
      return concat([out.slice(0, to), out.slice(from, from + len), out.slice(to)]);
    }
    case 6: {
      const at = int(r, out.length + 1);
      return concat([out.slice(0, at), Uint8Array.from(pick(r, BAD_UTF8)), out.slice(at)]);
    }
    case 7:
      if (other && other.length) {
        const cut = int(r, out.length);
        return concat([out.slice(0, cut), other.slice(int(r, other.length))]);
      }
      return out.slice(int(r, out.length));
    default: {
      // A 4- or 8-byte window set to an extreme (timestamps, fixed lengths).
      const at = int(r, out.length);
      const v = pick(r, [0x00, 0xff, 0x7f, 0x80]);
      for (let i = at; i < Math.min(out.length, at + pick(r, [4, 8])); i++) out[i] = v;
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Protobuf

/**
 * Lengths of long strings. At most 100 KB: the stores are bounded by count, not bytes, so 1,000
 * stored records of 1 MB each exhausted the fuzz worker's 1 GB heap (see docs/reliability.md).
 */
const LONG = [1000, 10_000, 100_000];

const EXTREME_VARINTS = [0n, 1n, 2n, 7n, 127n, 128n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 53n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n];

/**
 * A mutation of an OTLP request at the wire level: `signal` says where its spans or log records sit
 * (ResourceSpans.scope_spans.spans is 1.2.2, as is ResourceLogs.scope_logs.log_records).
 */
export function mutateProtobuf(r: Rand, seed: Uint8Array, signal: 'traces' | 'logs', other?: Uint8Array): Uint8Array {
  const parsed = parseWire(seed);
  // One in five inputs: bytes only (the structure kept by chance); a seed that is not a message too.
  if (!parsed || r() < 0.2) return mutateBytes(r, seed, other);
  const tree = cloneWire(parsed);
  const rounds = 1 + int(r, 3);
  for (let i = 0; i < rounds; i++) {
    structural(r, tree, signal, other);
    // Far over the cap (moves and copies compound): writing it out would cost seconds per input.
    if (wireSize(tree) > 2 * MAX_INPUT_BYTES) return mutateBytes(r, seed, other);
  }
  let out = encodeWire(tree);
  if (r() < 0.15) out = mutateBytes(r, out, other);
  return out.length > MAX_INPUT_BYTES ? out.slice(0, MAX_INPUT_BYTES) : out;
}

function structural(r: Rand, tree: WireField[], signal: 'traces' | 'logs', other?: Uint8Array): void {
  const nodes = allFields(tree);
  if (nodes.length === 0) {
    tree.push({ no: 1 + int(r, 3), wt: 2, value: new Uint8Array() });
    return;
  }
  const n = pick(r, nodes);
  const f = n.list[n.index];
  switch (int(r, 12)) {
    case 11: {
      // Spans of one trace that make odd trees: a long parent chain, a cycle, a span its own
      // parent, many roots. The store, the tree, clock skew and the layout see them all.
      const records = nodes.filter((x) => x.path.length === 3 && x.path[0] === 1 && x.path[1] === 2 && x.path[2] === 2 && x.list[x.index].sub);
      if (!records.length || signal !== 'traces') return;
      const rec = pick(r, records);
      const base = rec.list[rec.index];
      const count = pick(r, [2, 3, 100, 5000]);
      const shape = pick(r, ['chain', 'cycle', 'self', 'roots'] as const);
      const id = (k: number): Uint8Array => Uint8Array.from([0xc0, 0xde, 0, (k >>> 16) & 0xff, (k >>> 8) & 0xff, k & 0xff, 0, 1]);
      const copies: WireField[] = [];
      for (let k = 0; k < count; k++) {
        const parent = shape === 'chain' ? (k > 0 ? id(k - 1) : undefined) : shape === 'cycle' ? id((k + count - 1) % count) : shape === 'self' ? id(k) : undefined;
        const sub = cloneWire(base.sub!.filter((x) => x.no !== 2 && x.no !== 4));
        sub.push({ no: 2, wt: 2, value: id(k) });
        if (parent) sub.push({ no: 4, wt: 2, value: parent });
        copies.push({ ...base, sub });
      }
      rec.list.splice(rec.index, 1, ...copies);
      return;
    }
    case 0: {
      // A length that lies: a little too long or short, or huge.
      if (f.wt !== 2) {
        f.wt = 2;
        f.value = enc.encode('x');
        delete f.sub;
      }
      const len = f.sub ? encodeWire(f.sub).length : (f.value as Uint8Array).length;
      const lie = pick(r, ['longer', 'shorter', 'huge', 'overlong', 'unterminated'] as const);
      if (lie === 'longer') f.lieLength = BigInt(len + 1 + int(r, 8));
      else if (lie === 'shorter') f.lieLength = BigInt(Math.max(0, len - 1 - int(r, 8)));
      else if (lie === 'huge') f.lieLength = pick(r, EXTREME_VARINTS.slice(6));
      // 10 continuation bytes: a varint longer than 64 bits; or one whose last byte never comes.
      else if (lie === 'overlong') f.rawVarint = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
      else f.rawVarint = Uint8Array.from([0x80, 0x80, 0x80]);
      return;
    }
    case 1: {
      // A field repeated: many spans, resources, attributes or events of one kind.
      // Deep copies, within the size cap: copies sharing one subtree would multiply a later
      // mutation inside it past any cap.
      const size = wireSize([f]);
      const times = Math.min(pick(r, [2, 10, 100, 1000, 20000]), Math.max(1, Math.floor((MAX_INPUT_BYTES - wireSize(tree)) / size)));
      const copies = Array.from({ length: times }, () => cloneWire([f])[0]);
      n.list.splice(n.index, 1, ...copies);
      return;
    }
    case 2: {
      // The wrong wire type for the field number (3 and 4 are groups, 6 and 7 do not exist).
      const wt = pick(r, [0, 1, 2, 3, 4, 5, 6, 7].filter((w) => w !== f.wt));
      f.wt = wt;
      delete f.sub;
      delete f.lieLength;
      f.value = wt === 0 ? pick(r, EXTREME_VARINTS) : wt === 1 ? new Uint8Array(8).fill(pick(r, [0, 0xff])) : wt === 5 ? new Uint8Array(4).fill(0xff) : enc.encode('wrong');
      return;
    }
    case 3:
      n.list.splice(n.index, 1);
      return;
    case 4:
      f.no = pick(r, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 16, 17, 100, (1 << 29) - 1]);
      return;
    case 5:
      if (f.wt === 0) f.value = pick(r, EXTREME_VARINTS);
      else if (f.wt === 1 || f.wt === 5) f.value = new Uint8Array(f.wt === 1 ? 8 : 4).fill(pick(r, [0, 0xff, 0x7f]));
      else {
        // Ids of the wrong length, all zero, strings with invalid UTF-8, long strings.
        delete f.sub;
        f.value = pick(r, [
          () => new Uint8Array(0),
          () => new Uint8Array(pick(r, [7, 8, 9, 15, 16, 17])).map(() => int(r, 256)),
          () => new Uint8Array(pick(r, [8, 16])),
          () => Uint8Array.from([0x61, 0xff, 0xed, 0xa0, 0x80, 0x62]),
          () => enc.encode('x'.repeat(pick(r, LONG))),
        ])();
      }
      return;
    case 6: {
      // Deep AnyValues where attributes and log bodies go.
      const depth = pick(r, [64, 1000, 100_000]);
      const value = deepAnyValue(depth, pick(r, ['kvlist', 'array', 'mixed'] as const));
      const records = nodes.filter((x) => x.path.length === 3 && x.path[0] === 1 && x.path[1] === 2 && x.path[2] === 2);
      const target = records.length ? pick(r, records) : n;
      const rec = target.list[target.index];
      rec.sub ??= [];
      if (signal === 'logs' && r() < 0.5) rec.sub.push({ no: 5, wt: 2, value });
      else rec.sub.push({ ...keyValue('fuzz.deep', value), no: signal === 'traces' ? 9 : 6 });
      return;
    }
    case 7: {
      // A subtree moved elsewhere (a span where a resource goes, and so on).
      const to = pick(r, nodes);
      const dst = to.list[to.index];
      if (dst.sub && wireSize(tree) + wireSize([f]) <= MAX_INPUT_BYTES) dst.sub.splice(int(r, dst.sub.length + 1), 0, { ...f, ...(f.sub && { sub: cloneWire(f.sub) }) });
      return;
    }
    case 8: {
      // Cut the request at a field boundary, mid-field.
      const cut = encodeWire(tree);
      const keep = parseWire(cut.slice(0, int(r, cut.length)));
      if (keep) tree.splice(0, tree.length, ...keep);
      else tree.splice(n.index + 1);
      return;
    }
    case 9: {
      if (other) {
        const o = parseWire(other);
        if (o && o.length) {
          const src = pick(r, allFields(o));
          n.list.splice(n.index, 0, src.list[src.index]);
          return;
        }
      }
      n.list.push({ no: f.no, wt: 0, value: pick(r, EXTREME_VARINTS) });
      return;
    }
    default: {
      // Empty messages where one is required (a span with nothing, a resource with nothing).
      if (f.wt === 2) {
        f.sub = [];
        f.value = new Uint8Array();
      }
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// JSON

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };

/** Raw text put in place of a marker string after serialising: what JSON.stringify cannot write. */
class Raw {
  private readonly texts = new Map<string, string>();
  private n = 0;
  mark(text: string): string {
    const m = `\u0001FUZZ${this.n++}\u0001`;
    this.texts.set(m, text);
    return m;
  }
  apply(json: string): string {
    for (const [m, text] of this.texts) {
      const parts = json.split(JSON.stringify(m));
      // A marker copied many times by a later mutation would multiply its text past any cap.
      json = parts.join((parts.length - 1) * text.length > 2 * MAX_INPUT_BYTES ? 'null' : text);
    }
    return json;
  }
}

function paths(root: Json): { parent: Container; key: string | number }[] {
  const out: { parent: Container; key: string | number }[] = [];
  const stack: Json[] = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push({ parent: v, key: i });
        stack.push(x);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push({ parent: v, key: k });
        stack.push(v[k]);
      }
    }
  }
  return out;
}

const HUGE_NUMBERS = ['1e308', '-1e308', '1e400', '18446744073709551616', '-9223372036854775809', '9007199254740993', '-0', '0.0000001', '1.5', '-1'];
const ODD_STRINGS = ['', ' ', '\ud800', '\udc00x', 'a\u0000b', '\u202e', '0x10', '1e999', 'NaN', '-1', '18446744073709551615', '__proto__', '=?', '<script>', 'ffffffffffffffffffffffffffffffff', '00000000000000000000000000000000', 'AAAAAAAAAAAAAAAAAAAAAA=='];
const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf', 'length'];

function deepText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * A mutated JSON document as text; `seed` is the parsed seed (not changed). At most `maxRounds`
 * mutations, and under MAX_INPUT_BYTES (a few tries, then cut).
 */
export function mutateJsonText(r: Rand, seed: unknown, maxRounds = 3): string {
  let text = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    text = mutateJsonOnce(r, seed, maxRounds);
    if (text.length <= MAX_INPUT_BYTES) return text;
  }
  return text.slice(0, MAX_INPUT_BYTES);
}

function mutateJsonOnce(r: Rand, seed: unknown, maxRounds: number): string {
  const root = structuredClone(seed) as Json;
  const raw = new Raw();
  const wrap: { v: Json } = { v: root };
  const rounds = 1 + int(r, maxRounds);
  for (let i = 0; i < rounds; i++) {
    const all = paths(wrap.v);
    if (all.length === 0) {
      wrap.v = [wrap.v];
      continue;
    }
    const { parent, key } = pick(r, all);
    const set = (v: Json): void => {
      (parent as Record<string | number, Json>)[key] = v;
    };
    const cur = (parent as Record<string | number, Json>)[key];
    switch (int(r, 12)) {
      case 0:
        set(pick(r, [null, true, false, 0, 1, -1, '', 'x', [], {}, [null], { x: 1 }] as Json[]));
        break;
      case 1:
        set(raw.mark(pick(r, HUGE_NUMBERS)));
        break;
      case 2:
        set(raw.mark(deepText(pick(r, [64, 1000, 10_000, 100_000]), pick(r, ['array', 'object'] as const))));
        break;
      case 3:
        set('x'.repeat(pick(r, LONG)));
        break;
      case 4:
        set(pick(r, ODD_STRINGS));
        break;
      case 5:
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 6:
        if (Array.isArray(cur) && cur.length) {
          const one = JSON.stringify(cur[int(r, cur.length)]) ?? 'null';
          const times = Math.min(pick(r, [10, 100, 1000, 10_000]), Math.max(1, Math.floor(MAX_INPUT_BYTES / (one.length + 1))));
          set(raw.mark('[' + Array.from({ length: times }, () => one).join(',') + ']'));
        } else set([cur, cur]);
        break;
      case 7:
        // A duplicate key: the object holds `key` twice, with two different values.
        if (!Array.isArray(parent)) set(raw.mark(`${JSON.stringify(cur)},${JSON.stringify(key)}:${JSON.stringify(pick(r, [null, 1, 'dup', [], {}] as Json[]))}`));
        else set({ [pick(r, KEYS)]: cur });
        break;
      case 8:
        if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) (cur as Record<string, Json>)[pick(r, KEYS)] = pick(r, [null, 1, 'x', {}, []] as Json[]);
        else set(typeof cur === 'number' ? String(cur) : typeof cur === 'string' && /^-?\d+$/.test(cur) ? Number(cur) : [cur]);
        break;
      case 9:
        if (typeof cur === 'number') set(pick(r, [cur * 1e9, -cur, cur + 0.5, Number.MAX_SAFE_INTEGER, 2 ** 64]));
        else if (typeof cur === 'string') set(cur + cur + pick(r, ODD_STRINGS));
        else set(raw.mark(pick(r, HUGE_NUMBERS)));
        break;
      case 10:
        if (Array.isArray(parent)) parent.push(structuredClone(cur));
        else set(cur === null || typeof cur !== 'object' ? { value: cur } : (Array.isArray(cur) ? { ...cur } : Object.values(cur)) as Json);
        break;
      default: {
        // Another part of the document where this one goes.
        const other = pick(r, all);
        set(structuredClone((other.parent as Record<string | number, Json>)[other.key]));
      }
    }
  }
  let text = raw.apply(JSON.stringify(wrap.v));
  if (r() < 0.15) text = text.slice(0, int(r, text.length));
  return text;
}

/** As mutateJsonText, and one in five times also mutated as bytes (invalid UTF-8, a flipped brace). */
export function mutateJsonBytes(r: Rand, seed: unknown): Uint8Array {
  const b = enc.encode(mutateJsonText(r, seed));
  return r() < 0.2 ? mutateBytes(r, b) : b;
}

// ---------------------------------------------------------------------------------------------
// YAML

const YAML_SNIPPETS = [
  // Aliases: a bomb, an undefined alias, an anchor used as a key, a merge key.
  'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'x: *nowhere',
  '*x : y',
  '<<: *base',
  '<<: [*a, *b]',
  'self: &s {loop: *s}',
  // Tags.
  'v: !!binary aGVsbG8=',
  'v: !!int "12"',
  'v: !!map x',
  'v: !custom {a: 1}',
  'v: !<tag:yaml.org,2002:str> 1',
  'v: !!set {a, b}',
  'v: !!omap [a: 1]',
  'v: !!timestamp 2001-12-14',
  // Scalars of every odd kind.
  'v: 1e999',
  'v: 0x7fffffffffffffffff',
  'v: .nan',
  'v: -.inf',
  'v: ~',
  'v: 0o777',
  'v: 1_000',
  'v: 2001-12-14t21:59:43.10-05:00',
  'v: "\\ud800"',
  'v: "\\U0010ffff\\x00"',
  'v: |\n  block\n   text',
  'v: >-\n  folded',
  '? complex\n: key',
  '? [a, b]\n: c',
  '[a, b]: c',
  '{a: 1}: 2',
  '- a\n- b',
  'v: {a: 1, a: 2}',
  'dup: 1\ndup: 2',
  // Directives and documents.
  '%YAML 1.1\n---',
  '%TAG ! tag:example.com,2000:\n---',
  '---',
  '...',
  '--- !!str',
  '---\n---\n---',
  '\t- tab',
  '# meshlens-disable-next-line ML1101,ML9999,',
  'metadata: {annotations: {meshlens.io/ignore: "ML0001,,ML9999, *"}}',
];

const BAD_TEXT = ['\ufeff', '\u0000', '\u0085', '\u2028', '\ud800', '\udfff', '\u001b[31m', '\r', '\r\n', '\u00a0', '\t'];

/**
 * A mutated YAML manifest (text), or bytes when the mutation is not text (invalid UTF-8). Inputs stay
 * within a few hundred KB: the yaml library parses about 100,000 nodes a second here, so a file of
 * 200,000 list items (1.6 MB, under the 2 MB limit) takes seconds whatever MeshLens does with it
 * (see docs/reliability.md); what the fuzzer looks for is work out of proportion to the input.
 */
export function mutateYaml(r: Rand, seed: string, other?: string): string | Uint8Array {
  let lines = seed.split('\n');
  const rounds = 1 + int(r, 4);
  for (let i = 0; i < rounds; i++) {
    const at = int(r, lines.length);
    const line = lines[at] ?? '';
    const indent = /^\s*/.exec(line)![0];
    switch (int(r, 13)) {
      case 0:
        lines[at] = pick(r, ['', ' ', '  ', '   ', '\t']) + line.trimStart();
        break;
      case 1:
        lines[at] = ' '.repeat(int(r, 8)) + line;
        break;
      case 2:
        lines.splice(at, 1);
        break;
      case 3:
        lines.splice(at, 0, ...Array.from({ length: pick(r, [1, 2, 10, 200]) }, () => line));
        break;
      case 4: {
        const b = int(r, lines.length);
        [lines[at], lines[b]] = [lines[b], lines[at]];
        break;
      }
      case 5:
        lines.splice(at, 0, ...pick(r, YAML_SNIPPETS).split('\n').map((l) => indent + l));
        break;
      case 6: {
        // A value replaced: by an odd scalar, an alias, a tag, a huge scalar, a flow collection.
        const m = /^(\s*(?:- )?[^:#]+:)\s*(.*)$/.exec(line);
        const value = pick(r, [
          () => pick(r, ['*a', '&a x', '!!str', '!!int x', '[]', '{}', '[', '{', '"', "'", '|', '>', '-', '?', '~', 'null', 'true', '-1', '0', '1e9999', '99999999999999999999', '"\\uD800"']),
          () => 'x'.repeat(pick(r, [1000, 100_000, 1_000_000])),
          () => '[' + '"x",'.repeat(pick(r, [1000, 20_000])) + '"x"]',
          () => pick(r, BAD_TEXT) + (m?.[2] ?? ''),
        ])();
        lines[at] = m ? `${m[1]} ${value}` : line + value;
        break;
      }
      case 7: {
        const depth = pick(r, [50, 500, 5000, 100_000]);
        const deep = pick(r, [
          () => 'x: ' + '['.repeat(depth) + ']'.repeat(depth),
          () => 'x: ' + '{a: '.repeat(depth) + '1' + '}'.repeat(depth),
          () => 'x:\n' + Array.from({ length: Math.min(depth, 2000) }, (_, d) => ' '.repeat(d + 1) + `k${d}:`).join('\n') + ' 1',
          () => 'x:\n  ' + '- '.repeat(Math.min(depth, 5000)) + 'x',
        ])();
        lines.splice(at, 0, ...deep.split('\n').map((l) => indent + l));
        break;
      }
      case 8: {
        const c = int(r, line.length + 1);
        lines[at] = line.slice(0, c) + pick(r, BAD_TEXT) + line.slice(c);
        break;
      }
      case 9:
        lines.splice(at, 0, pick(r, ['---', '...', '--- |', '---\n', '--- # c', '%YAML 1.2', '---\n---']));
        break;
      case 10:
        lines = lines.slice(0, at);
        lines.push(line.slice(0, int(r, line.length + 1)));
        break;
      case 11:
        if (other) {
          const o = other.split('\n');
          const from = int(r, o.length);
          lines.splice(at, 0, ...o.slice(from, from + 1 + int(r, 20)));
        } else lines[at] = line.replace(/:/, '');
        break;
      default: {
        // Keys Kubernetes objects are read by, with wrong shapes.
        const key = pick(r, ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec', 'hosts', 'http', 'route', 'destination', 'host', 'subset', 'weight', 'selector', 'labels', 'ports', 'port', 'steps', 'setWeight', 'containers', 'template', 'annotations']);
        const v = pick(r, ['', ' ~', ' []', ' {}', ' 1', ' -1', ' "x"', ' [1, {a: b}]', ' {x: [y]}', ' *a', ' !!binary AA==']);
        lines.splice(at, 0, indent + key + ':' + v);
      }
    }
  }
  const text = lines.join('\n');
  if (r() < 0.1) return mutateBytes(r, enc.encode(text));
  return text;
}

export { concat };
