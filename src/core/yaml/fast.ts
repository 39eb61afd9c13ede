import { CST, Document, isScalar } from 'yaml';
import { PARSE_OPTIONS } from './options';
import { DocTree, FLAG_NODE, FLAG_STR, TreeMap, TreeNode, TreeRoot, TreeSeq } from './tree';

/**
 * Plain values and positions straight from the `yaml` package's parser tokens (its CST), without
 * its Composer, Document nodes and toJS: about half of what parsing cost, for the documents that
 * make up nearly every manifest. It mirrors the package's composer (compose-doc, resolve-block-map,
 * resolve-block-seq, resolve-flow-collection, resolve-props, resolve-end) for a subset of YAML:
 * block and flow collections of scalars with implicit keys, comments anywhere. Anything else --
 * anchors, aliases, tags, merge keys, explicit keys, directives, tabs in indentation, duplicate
 * keys, deep nesting, and every construct on which the composer would report an error -- makes
 * it give up on the whole segment, which then takes the full `Document` path. Giving up is always
 * safe; a construct it accepts must come out exactly as the full path gives it (values, ranges),
 * which test/unit/yaml/fast-path.test.ts checks against the corpus and the bench workspace.
 */

export interface FastDocument {
  tree: DocTree;
  value: unknown;
  /** The document's range in the `yaml` package's terms: start, and end including trailing comments. */
  start: number;
  end: number;
}

/** Deeper documents take the full path, which knows the depth limit and is not recursive. */
const MAX_FAST_DEPTH = 64;

/** Documents of one parsed segment, or undefined when any of them needs the full path. */
export function fastDocuments(tokens: readonly CST.Token[], maxDepth: number): FastDocument[] | undefined {
  depthLimit = Math.min(maxDepth, MAX_FAST_DEPTH);
  const out: FastDocument[] = [];
  try {
    for (const token of tokens) {
      switch (token.type) {
        case 'document':
          out.push(document(token));
          break;
        case 'comment':
        case 'newline':
        case 'space':
        case 'byte-order-mark':
          break; // the composer keeps these only as comments
        default:
          return undefined; // directives, a stray `...`, parser errors
      }
    }
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
  return out;
}

const GIVE_UP = new Error('not on the fast path');

function giveUp(): never {
  throw GIVE_UP;
}

let depthLimit = MAX_FAST_DEPTH;
/** Offsets in the tree are relative to this: the start of the document being built. */
let base = 0;
// What the last compose call built (no result objects): the plain value, the collection's tree
// node (undefined for a scalar), `range[0]` and `range[1]` relative to the base, the tree flags,
// and `range[2]` (absolute: where the parent goes on).
let builtValue: unknown;
let builtNode: TreeNode | undefined;
let builtStart = 0;
let builtEnd1 = 0;
let builtFlags = 0;
let builtEnd = 0;

// What resolve-props computes for one list of tokens, for the cases kept here.
let propsFound: CST.SourceToken | null = null;
let propsEnd = 0;
let propsComment = false;
let propsNewline = false;
let propsComma = false;

/**
 * resolve-props without anchors, tags and explicit keys (`indicator` null: a `?` gives up). Tabs
 * in block context give up: the composer's TAB_AS_INDENT rules depend on what follows.
 */
function props(tokens: readonly CST.SourceToken[], indicator: string | null, startOnNewline: boolean, flow: boolean, offset: number): void {
  let hasSpace = startOnNewline;
  let found: CST.SourceToken | null = null;
  let comment = false;
  let newline = false;
  let comma = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    switch (t.type) {
      case 'space':
        if (!flow && t.source.includes('\t')) giveUp();
        hasSpace = true;
        break;
      case 'comment':
        if (!hasSpace) giveUp(); // MISSING_CHAR: comments need white space before them
        comment = true;
        break;
      case 'newline':
        newline = true;
        hasSpace = true;
        break;
      case 'comma':
        if (!flow || comma) giveUp();
        comma = true;
        hasSpace = false;
        break;
      default:
        if (t.type !== indicator || found) giveUp();
        found = t;
        hasSpace = false;
    }
  }
  const last = tokens[tokens.length - 1];
  propsFound = found;
  propsEnd = last ? last.offset + last.source.length : offset;
  propsComment = comment;
  propsNewline = newline;
  propsComma = comma;
}

/** resolve-end: where a node ends with its trailing space and comments; gives up on anything else. */
function endOf(end: readonly CST.SourceToken[] | undefined, offset: number, reqSpace: boolean): number {
  if (!end) return offset;
  let hasSpace = false;
  for (let i = 0; i < end.length; i++) {
    const t = end[i];
    switch (t.type) {
      case 'space':
      case 'newline':
        hasSpace = true;
        break;
      case 'comment':
        if (reqSpace && !hasSpace) giveUp();
        break;
      default:
        giveUp();
    }
    offset += t.source.length;
  }
  return offset;
}

function document(doc: CST.Document): FastDocument {
  base = doc.offset;
  props(doc.start, 'doc-start', true, false, doc.offset);
  const value = doc.value;
  if (propsFound && value && (value.type === 'block-map' || value.type === 'block-seq') && !propsNewline) giveUp();
  if (value) node(value, 1);
  else empty(propsEnd, doc.start, propsComment, propsEnd);
  const root: TreeRoot = builtNode ?? { kind: 'leaf', start: builtStart, end: builtEnd1, flags: builtFlags };
  const end = endOf(doc.end, builtEnd, false);
  return { tree: { base, root }, value: builtValue, start: doc.offset, end };
}

/** Composes one node; the result is in the built* variables. */
function node(token: CST.Token, depth: number): void {
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
      return scalar(token);
    case 'block-map':
      return blockMap(token, depth);
    case 'block-seq':
      return blockSeq(token, depth);
    case 'flow-collection':
      return flowCollection(token, depth);
    default:
      giveUp(); // aliases, parser errors
  }
}

function blockMap(bm: CST.BlockMap, depth: number): void {
  if (depth > depthLimit) giveUp();
  const obj: Record<string, unknown> = {};
  const map: TreeMap = { kind: 'map', start: bm.offset - base, end: 0, flow: false, keys: [], pos: [] };
  let offset = bm.offset;
  let commentEnd: number | null = null;
  for (const item of bm.items) {
    const { start, key, sep, value } = item;
    props(start, null, true, false, offset);
    if (key && (key.type === 'block-seq' || ('indent' in key && key.indent !== bm.indent))) giveUp();
    if (!sep) {
      commentEnd = propsEnd; // a comment line between items
      continue;
    }
    const keyStart = propsEnd;
    const name = scalarKey(key);
    const k0 = builtStart;
    const k1 = builtEnd1;
    const kf = builtFlags;
    props(sep, 'map-value-ind', false, false, builtEnd);
    if (!propsFound) giveUp(); // MISSING_CHAR: a key without `:`
    if (value?.type === 'block-map' && !propsNewline) giveUp(); // a compact nested mapping
    if (keyStart < propsFound.offset - 1024) giveUp(); // KEY_OVER_1024_CHARS
    offset = propsEnd;
    if (value) node(value, depth + 1);
    else empty(offset, sep, propsComment, propsEnd);
    offset = builtEnd;
    addPair(obj, map, name, k0, k1, kf);
  }
  if (commentEnd && commentEnd < offset) giveUp(); // IMPOSSIBLE
  map.end = offset - base;
  built(obj, map, bm.offset, offset, commentEnd ?? offset);
}

function blockSeq(bs: CST.BlockSequence, depth: number): void {
  if (depth > depthLimit) giveUp();
  const arr: unknown[] = [];
  const seq: TreeSeq = { kind: 'seq', start: bs.offset - base, end: 0, flow: false, pos: [] };
  let offset = bs.offset;
  let commentEnd: number | null = null;
  for (const { start, value } of bs.items) {
    props(start, 'seq-item-ind', true, false, offset);
    if (!propsFound) {
      if (value) giveUp(); // BAD_INDENT, MISSING_CHAR
      commentEnd = propsEnd;
      continue;
    }
    if (value) node(value, depth + 1);
    else empty(propsEnd, start, propsComment, propsEnd);
    addItem(arr, seq);
    offset = builtEnd;
  }
  seq.end = offset - base;
  built(arr, seq, bs.offset, offset, commentEnd ?? offset);
}

function flowCollection(fc: CST.FlowCollection, depth: number): void {
  if (depth > depthLimit) giveUp();
  const isMap = fc.start.source === '{';
  const obj: Record<string, unknown> = {};
  const arr: unknown[] = [];
  const start = fc.offset - base;
  const map: TreeMap = { kind: 'map', start, end: 0, flow: true, keys: [], pos: [] };
  const seq: TreeSeq = { kind: 'seq', start, end: 0, flow: true, pos: [] };
  let offset = fc.offset + fc.start.source.length;
  const items = fc.items;
  for (let i = 0; i < items.length; i++) {
    const { start: before, key, sep, value } = items[i];
    props(before, null, false, true, offset);
    if (!sep && !value) {
      // Only a trailing comma may leave an item empty.
      if (i === 0 ? propsComma : i < items.length - 1) giveUp();
      offset = propsEnd;
      continue;
    }
    if (i === 0 ? propsComma : !propsComma) giveUp(); // UNEXPECTED_TOKEN, MISSING_CHAR
    if (!isMap) {
      // Pairs in flow sequences (`[a: b]`) become one-pair maps in the composer: not kept here.
      if (sep || key || !value) giveUp();
      flowValue(value, depth);
      addItem(arr, seq);
      offset = builtEnd;
      continue;
    }
    if (!sep) giveUp();
    const name = scalarKey(key);
    const k0 = builtStart;
    const k1 = builtEnd1;
    const kf = builtFlags;
    props(sep, 'map-value-ind', false, true, builtEnd);
    if (!propsFound) giveUp(); // MISSING_CHAR
    if (value) flowValue(value, depth);
    else empty(propsEnd, sep, propsComment, propsEnd);
    offset = builtEnd;
    addPair(obj, map, name, k0, k1, kf);
  }
  const close = fc.end[0];
  if (!close || close.source !== (isMap ? '}' : ']')) giveUp(); // MISSING_CHAR, BAD_INDENT
  const closeEnd = close.offset + close.source.length;
  const coll = isMap ? map : seq;
  coll.end = closeEnd - base;
  built(isMap ? obj : arr, coll, fc.offset, closeEnd, fc.end.length > 1 ? endOf(fc.end.slice(1), closeEnd, true) : closeEnd);
}

/** A value inside a flow collection: block collections are not allowed there (BLOCK_IN_FLOW). */
function flowValue(token: CST.Token, depth: number): void {
  if (token.type === 'block-map' || token.type === 'block-seq') giveUp();
  node(token, depth + 1);
}

function built(value: unknown, coll: TreeNode, start: number, end1: number, end2: number): void {
  builtValue = value;
  builtNode = coll;
  builtStart = start - base;
  builtEnd1 = end1 - base;
  builtFlags = FLAG_NODE;
  builtEnd = end2;
}

function scalar(token: CST.Token): void {
  const type = token.type;
  builtNode = undefined;
  if (type === 'scalar') {
    const source = token.source;
    if (!source.includes('\n') && !badPlainStart(source.charCodeAt(0))) {
      const offset = token.offset;
      const end = offset + source.length;
      builtValue = plainValue(source);
      builtEnd = endOf(token.end, end, true);
      builtStart = offset - base;
      builtEnd1 = end - base;
      builtFlags = 0;
      return;
    }
  } else if (type !== 'single-quoted-scalar' && type !== 'double-quoted-scalar' && type !== 'block-scalar') {
    giveUp();
  }
  // Folded plain text, quoted and block scalars: their text is whatever the package's own
  // resolver makes of folding, escapes and chomping (it reports what the composer would).
  const resolved = CST.resolveAsScalar(token, true, giveUp);
  if (!resolved) giveUp();
  builtValue = type === 'scalar' ? plainValue(resolved.value) : resolved.value;
  builtEnd = resolved.range[2];
  builtStart = resolved.range[0] - base;
  builtEnd1 = resolved.range[1] - base;
  builtFlags = type === 'scalar' ? 0 : FLAG_STR;
}

/** Implicit keys: single-line flow scalars (MULTILINE_IMPLICIT_KEY; collections as keys are rare). Returns the key. */
function scalarKey(token: CST.Token | null | undefined): unknown {
  if (!token || (token.type !== 'scalar' && token.type !== 'single-quoted-scalar' && token.type !== 'double-quoted-scalar')) giveUp();
  if (token.source.includes('\n')) giveUp();
  const end = token.end;
  if (end) for (let i = 0; i < end.length; i++) if (end[i].type === 'newline') giveUp();
  scalar(token);
  return builtValue;
}

/** composeEmptyNode: `key:` with nothing after it is null, placed after the last non-blank token. */
function empty(offset: number, before: readonly CST.SourceToken[] | undefined, comment: boolean, end: number): void {
  const at = emptyScalarPosition(offset, before);
  builtValue = null;
  builtNode = undefined;
  builtEnd = comment ? end : at;
  builtStart = at - base;
  builtEnd1 = at - base;
  builtFlags = 0;
}

function emptyScalarPosition(offset: number, before: readonly CST.SourceToken[] | undefined): number {
  if (!before) return offset;
  for (let i = before.length - 1; i >= 0; --i) {
    let st = before[i];
    const type = st.type;
    if (type === 'space' || type === 'comment' || type === 'newline') {
      offset -= st.source.length;
      continue;
    }
    st = before[++i];
    while (st?.type === 'space') {
      offset += st.source.length;
      st = before[++i];
    }
    break;
  }
  return offset;
}

/**
 * addPairToJSMap for a scalar key with the value just built, and the pair in the tree. The tree
 * names a key `String(value)` (what locate compares), toJS `''` for null: null keys are left to
 * the full path, so that both names agree and one list finds duplicates.
 */
function addPair(obj: Record<string, unknown>, map: TreeMap, key: unknown, k0: number, k1: number, kf: number): void {
  pushPair(obj, map, keyName(map.keys, key) ?? giveUp(), k0, k1, kf, builtValue, builtNode, builtStart, builtEnd1, builtFlags);
}

/**
 * The name of a scalar key in a mapping being built, or undefined where a fast path must leave the
 * mapping to the composer: a null key, `<<` (a merge key), `__proto__` (it would set a prototype,
 * not a field), and duplicates, including keys such as 1 and "1" that the composer keeps apart but
 * toJS merges.
 */
export function keyName(keys: Array<string | undefined>, key: unknown): string | undefined {
  if (key === null) return undefined;
  const name = String(key);
  if (name === '<<' || name === '__proto__') return undefined;
  if (keys.length < 32 ? keys.includes(name) : manyKeysInclude(keys, name)) return undefined;
  return name;
}

/** A pair into the plain value and into the tree (PAIR_SLOTS numbers, the value's node if a collection). */
export function pushPair(
  obj: Record<string, unknown>,
  map: TreeMap,
  name: string,
  k0: number,
  k1: number,
  kf: number,
  value: unknown,
  node: TreeNode | undefined,
  v0: number,
  v1: number,
  vf: number,
): void {
  obj[name] = value;
  if (node) (map.nodes ??= [])[2 * map.keys.length + 1] = node;
  map.keys.push(name);
  map.pos.push(k0, k1, kf, v0, v1, vf);
}

function addItem(arr: unknown[], seq: TreeSeq): void {
  if (builtNode) (seq.nodes ??= [])[arr.length] = builtNode;
  arr.push(builtValue);
  seq.pos.push(builtStart, builtEnd1, builtFlags);
}

let bigMapKeys: { keys: Array<string | undefined>; seen: Set<string | undefined> } | undefined;

/** A linear search per key would make a map of many thousand keys quadratic. */
function manyKeysInclude(keys: Array<string | undefined>, name: string): boolean {
  if (bigMapKeys?.keys !== keys || bigMapKeys.seen.size !== keys.length) bigMapKeys = { keys, seen: new Set(keys) };
  if (bigMapKeys.seen.has(name)) return true;
  bigMapKeys.seen.add(name);
  return false;
}

/** Characters a plain scalar must not start with (plainValue's BAD_SCALAR_START). */
export function badPlainStart(c: number): boolean {
  switch (c) {
    case 0x09: // tab
    case 0x2c: // ,
    case 0x25: // %
    case 0x7c: // |
    case 0x3e: // >
    case 0x40: // @
    case 0x60: // `
      return true;
  }
  return false;
}

interface ScalarTag {
  test?: RegExp;
  default?: boolean | 'key';
  resolve: (value: string, onError: (message: string) => void, options: object) => unknown;
}

let coreTags: { tags: ScalarTag[]; options: object } | undefined;

/** The core schema's tags as the composer sees them with our parse options (`parse.ts`). */
function schemaTags(): { tags: ScalarTag[]; options: object } {
  if (!coreTags) {
    const doc = new Document(null, PARSE_OPTIONS);
    const tags = (doc.schema.tags as unknown as ScalarTag[]).filter((t) => t.default === true && t.test);
    coreTags = { tags, options: doc.options };
  }
  return coreTags;
}

/**
 * findScalarTagByTest + resolve. Text that starts with a letter other than n, t, f (null, true,
 * false in their spellings) matches no core-schema tag, and is most of what manifests hold.
 */
export function plainValue(source: string): unknown {
  const c = source.charCodeAt(0) | 0x20;
  if (c >= 0x61 && c <= 0x7a && c !== 0x6e && c !== 0x74 && c !== 0x66) return source;
  const { tags, options } = schemaTags();
  for (const tag of tags) {
    if (tag.test!.test(source)) {
      let res: unknown;
      try {
        res = tag.resolve(source, giveUp, options);
      } catch {
        giveUp(); // TAG_RESOLVE_FAILED
      }
      return isScalar(res) ? res.value : res;
    }
  }
  return source;
}
