import { badPlainStart, FastDocument, keyName, plainValue, pushPair } from './fast';
import { FLAG_NODE, FLAG_STR, TreeMap, TreeNode, TreeSeq } from './tree';

/**
 * Plain values and positions straight from the text, for the block YAML that nearly every
 * manifest is written in: mappings and sequences by indentation, one-line plain and quoted
 * scalars, one-line flow collections, comments and blank lines. No lexer and no parser tokens:
 * this is the first of three paths (then the parser tokens, fast.ts, then the full Document) and
 * about three times as fast as the second.
 *
 * It must give exactly what the token path gives, positions included, so it mirrors what the
 * `yaml` package's parser (parse/parser.js) does with the lines it accepts: where comment and
 * blank lines after the last item of a collection go (a comment indented past the collection
 * stays in it and widens its range, anything else moves to the parent: `pop`), comments indented
 * past a collection right after a scalar value joining that value (`atIndentedComment`), an empty
 * value placed after its colon. Anything else -- tabs, CR, control characters, multi-line
 * scalars and flow collections, escapes, anchors, tags, aliases, block scalars, explicit keys,
 * empty items, a comment after `key:` -- gives up on the segment; the token path takes it. The
 * comparisons in test/unit/yaml/fast-path.test.ts run over every path.
 */

const GIVE_UP = new Error('not on the scan path');

function giveUp(): never {
  throw GIVE_UP;
}

/** Deeper documents take the other paths, which know the depth limit and are not recursive. */
const MAX_SCAN_DEPTH = 64;

let src = '';
let segEnd = 0;
let base = 0;
let depthLimit = MAX_SCAN_DEPTH;

// The current line: start, first non-space character, indent, end (before the newline), next line.
let lineStart = 0;
let lineContent = 0;
let lineIndent = 0;
let lineEnd = 0;
let lineNext = 0;

function readLine(at: number): void {
  lineStart = at;
  let i = at;
  while (i < segEnd && src.charCodeAt(i) === 0x20) i++;
  lineContent = i;
  lineIndent = i - at;
  const nl = src.indexOf('\n', i);
  lineEnd = nl < 0 || nl >= segEnd ? segEnd : nl;
  lineNext = lineEnd < segEnd ? lineEnd + 1 : segEnd;
}

/** Blank or comment-only: what the parser keeps as props between items. */
const lineIsFiller = () => lineContent === lineEnd || src.charCodeAt(lineContent) === 0x23;
const lineIsComment = () => lineContent < lineEnd && src.charCodeAt(lineContent) === 0x23;
/** `-` followed by a space or the end of the line. */
const lineIsItem = () => src.charCodeAt(lineContent) === 0x2d && (lineContent + 1 === lineEnd || src.charCodeAt(lineContent + 1) === 0x20);

/**
 * The filler lines from `at` up to the next content line: where it starts and its indent (-1 at the
 * end of the segment), the end of what the parser would put in a trailing item (the filler and
 * the next line's indentation) and the deepest comment indent in it (-1 for none).
 */
let fillEnd = 0;
let fillComment = -1;
let nextContent = -1;
let nextIndent = -1;

function skipFiller(at: number): void {
  fillComment = -1;
  let p = at;
  while (p < segEnd) {
    readLine(p);
    if (!lineIsFiller()) {
      nextContent = lineStart;
      nextIndent = lineIndent;
      fillEnd = lineContent;
      return;
    }
    if (lineIsComment() && lineIndent > fillComment) fillComment = lineIndent;
    p = lineNext;
  }
  nextContent = -1;
  nextIndent = -1;
  fillEnd = segEnd;
}

// What the last node parse built: value, tree node, range[0] and range[1] relative to the base,
// flags, and range[2] (absolute).
let builtValue: unknown;
let builtNode: TreeNode | undefined;
let builtStart = 0;
let builtEnd1 = 0;
let builtFlags = 0;
let builtEnd = 0;
/** The segment ended right after an empty value's `key:` line: its newline belongs to the pair, not to the document's end. */
let endsEmpty = false;

/** Documents of one segment (`start`..`end` of `text`), or undefined when it needs another path. */
export function scanDocuments(text: string, start: number, end: number, maxDepth: number): FastDocument[] | undefined {
  src = text;
  segEnd = end;
  depthLimit = Math.min(maxDepth, MAX_SCAN_DEPTH);
  try {
    return scanSegment(start);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  } finally {
    src = '';
  }
}

function scanSegment(start: number): FastDocument[] {
  endsEmpty = false;
  for (let i = start; i < segEnd; i++) {
    const c = src.charCodeAt(i);
    // Tabs, CR, other control characters, a byte-order mark: the parser's rules for them are not mirrored.
    if ((c < 0x20 && c !== 0x0a) || c === 0xfeff || c === 0x7f || c === 0x85 || c === 0x2028 || c === 0x2029) giveUp();
  }
  let docStart: number;
  if (src.startsWith('---', start)) {
    readLine(start);
    // Only a bare marker; content or a comment after it is left to the other paths.
    if (lineEnd !== start + 3) giveUp();
    docStart = start;
    skipFiller(lineNext);
    if (nextContent < 0) giveUp(); // an empty document
  } else {
    if (src.startsWith('...', start)) giveUp();
    skipFiller(start);
    if (nextContent < 0) return []; // comments only: no document
    docStart = lineContent;
  }
  if (nextIndent !== 0) giveUp();
  base = docStart;
  readLine(nextContent);
  if (lineIsItem()) blockSeq(0, 1);
  else blockMap(0, lineContent, 1);
  // Whatever is left is filler; it ends the document, at the end of the segment.
  if (nextContent >= 0) giveUp();
  return [{ tree: { base, root: builtNode! }, value: builtValue, start: docStart, end: endsEmpty ? builtEnd : segEnd }];
}

/**
 * A block mapping whose keys are at column `col`; the first key is at `first` on the current line.
 * On return the filler after it has been read (skipFiller) and the next content line is less indented.
 */
function blockMap(col: number, first: number, depth: number): void {
  if (depth > depthLimit) giveUp();
  const obj: Record<string, unknown> = {};
  const map: TreeMap = { kind: 'map', start: first - base, end: 0, flow: false, keys: [], pos: [] };
  let at = first;
  let offset: number;
  for (;;) {
    // The key, on the current line at `at`.
    const key = scalarKey(at);
    const k0 = builtStart;
    const k1 = builtEnd1;
    const kf = builtFlags;
    const colon = k1 + base;
    if (src.charCodeAt(colon) !== 0x3a) giveUp();
    const afterColon = colon + 1;
    let v = afterColon;
    while (v < lineEnd && src.charCodeAt(v) === 0x20) v++;
    if (v === lineEnd) {
      if (v > afterColon) giveUp(); // trailing spaces after the colon
      const following = lineNext;
      skipFiller(following);
      if (nextContent >= 0 && (nextIndent > col || (nextIndent === col && nextLineIsItem()))) {
        readLine(nextContent);
        if (lineIsItem()) blockSeq(lineIndent, depth + 1);
        else blockMap(lineIndent, lineContent, depth + 1);
      } else {
        // `key:` and nothing: null, placed right after the colon, when nothing stands between it
        // and the next key (the parser moves filler lines around empty values).
        if (nextContent >= 0 ? nextContent !== following : following !== segEnd) giveUp();
        endsEmpty = nextContent < 0;
        builtValue = null;
        builtNode = undefined;
        builtStart = afterColon - base;
        builtEnd1 = afterColon - base;
        builtFlags = 0;
        builtEnd = afterColon;
      }
    } else {
      if (v === afterColon) giveUp(); // `a:b` is a plain scalar, not a pair
      inlineValue(v, col, depth + 1);
    }
    addPair(obj, map, key, k0, k1, kf);
    offset = builtEnd;
    // skipFiller has run: the next content line decides.
    if (nextContent < 0 || nextIndent < col) break;
    if (nextIndent > col) giveUp(); // a continuation line: multi-line scalars are not mirrored
    readLine(nextContent);
    if (lineIsItem()) giveUp();
    at = lineContent;
  }
  map.end = offset - base;
  let end2 = offset;
  // pop(): trailing filler stays with a collection that is indented and has a comment at or past
  // its indent; otherwise it moves to the parent (and at the top, to the document's end).
  if (col !== 0 && fillComment >= col) end2 = fillEnd;
  built(obj, map, first, offset, end2);
}

function nextLineIsItem(): boolean {
  const save = [lineStart, lineContent, lineIndent, lineEnd, lineNext];
  readLine(nextContent);
  const item = lineIsItem();
  [lineStart, lineContent, lineIndent, lineEnd, lineNext] = save;
  return item;
}

/** A block sequence whose `-` are at column `col`, starting on the current line. */
function blockSeq(col: number, depth: number): void {
  if (depth > depthLimit) giveUp();
  const arr: unknown[] = [];
  const seq: TreeSeq = { kind: 'seq', start: lineContent - base, end: 0, flow: false, pos: [] };
  const first = lineContent;
  let offset: number;
  for (;;) {
    // The current line is `- ...` at `col`.
    let v = lineContent + 1;
    while (v < lineEnd && src.charCodeAt(v) === 0x20) v++;
    if (v === lineEnd) giveUp(); // an empty item, or its value on the next lines
    const c = src.charCodeAt(v);
    if (c === 0x2d && (v + 1 === lineEnd || src.charCodeAt(v + 1) === 0x20)) giveUp(); // `- - a`
    if (c !== 0x5b && c !== 0x7b && c !== 0x22 && c !== 0x27 && keyEnd(v) >= 0) {
      // A mapping in the item: its keys at the column of the first one.
      blockMap(v - lineStart, v, depth + 1);
    } else {
      inlineValue(v, col, depth + 1);
    }
    if (builtNode) (seq.nodes ??= [])[arr.length] = builtNode;
    arr.push(builtValue);
    seq.pos.push(builtStart, builtEnd1, builtFlags);
    offset = builtEnd;
    if (nextContent < 0 || nextIndent < col) break;
    if (nextIndent > col) giveUp();
    readLine(nextContent);
    if (!lineIsItem()) break; // a key of the parent mapping at the same column
  }
  seq.end = offset - base;
  let end2 = offset;
  if (col !== 0 && fillComment >= col) end2 = fillEnd;
  built(arr, seq, first, offset, end2);
}

/**
 * A value on the rest of the current line from `v`: a scalar or a flow collection, then optional
 * spaces and a comment. Comment lines indented past the collection right after it join it (the
 * parser's atIndentedComment); then the filler up to the next content line is read.
 */
function inlineValue(v: number, col: number, depth: number): void {
  const c = src.charCodeAt(v);
  let end: number;
  if (c === 0x5b || c === 0x7b) {
    end = flowCollection(v, depth);
  } else {
    end = blockScalar(v);
  }
  // The rest of the line: spaces, then nothing or a comment that has a space before it.
  let i = end;
  while (i < lineEnd && src.charCodeAt(i) === 0x20) i++;
  if (i < lineEnd && (src.charCodeAt(i) !== 0x23 || i === end)) giveUp();
  let end2 = lineNext;
  // Comment lines indented past the collection join the value, and the blank lines before them,
  // up to the first comment that is not.
  for (let q = end2; q < segEnd; q = lineNext) {
    readLine(q);
    if (!lineIsFiller()) break;
    if (lineIsComment()) {
      if (lineIndent <= col) break;
      end2 = lineNext;
    }
  }
  skipFiller(end2);
  builtEnd = end2;
}

/** A one-line plain or quoted scalar in block context; returns its end. */
function blockScalar(v: number): number {
  const c = src.charCodeAt(v);
  if (c === 0x22 || c === 0x27) return quoted(v);
  if (badPlainStart(c) || isIndicator(c, v)) giveUp();
  // A plain scalar ends at ` #` or the end of the line; `: ` inside would make it a key.
  let e = v;
  for (let i = v; i < lineEnd; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 0x23 && src.charCodeAt(i - 1) === 0x20) break;
    if (ch === 0x3a && (i + 1 === lineEnd || src.charCodeAt(i + 1) === 0x20)) giveUp();
    if (ch !== 0x20) e = i + 1;
  }
  return plainAt(v, e);
}

/** Characters a plain scalar cannot start with here (besides badPlainStart). */
function isIndicator(c: number, at: number): boolean {
  switch (c) {
    case 0x23: // #
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x5d: // ]
    case 0x7d: // }
      return true;
    case 0x2d: // - ? :  followed by a space are indicators
    case 0x3f:
    case 0x3a: {
      const n = src.charCodeAt(at + 1);
      return at + 1 >= lineEnd || n === 0x20;
    }
  }
  return false;
}

/** The plain scalar `start`..`end` as the last built node; returns its end. */
function plainAt(start: number, end: number): number {
  builtValue = resolvePlain(src.slice(start, end));
  builtNode = undefined;
  builtStart = start - base;
  builtEnd1 = end - base;
  builtFlags = 0;
  return end;
}

function resolvePlain(source: string): unknown {
  try {
    return plainValue(source);
  } catch {
    giveUp();
  }
}

/** A one-line single- or double-quoted scalar (no escapes); returns its end. */
function quoted(v: number): number {
  const q = src.charCodeAt(v);
  let i = v + 1;
  let value = '';
  let from = i;
  for (;;) {
    if (i >= lineEnd) giveUp(); // multi-line
    const ch = src.charCodeAt(i);
    if (q === 0x22 && ch === 0x5c) giveUp(); // escapes
    if (ch === q) {
      if (q === 0x27 && src.charCodeAt(i + 1) === 0x27) {
        value += src.slice(from, i + 1);
        i += 2;
        from = i;
        continue;
      }
      break;
    }
    i++;
  }
  value += src.slice(from, i);
  builtValue = value;
  builtNode = undefined;
  builtStart = v - base;
  builtEnd1 = i + 1 - base;
  builtFlags = FLAG_STR;
  return i + 1;
}

/** Where the key starting at `at` ends (before its colon), or -1 when the line is no `key: ...`. */
function keyEnd(at: number): number {
  const c = src.charCodeAt(at);
  if (c === 0x22 || c === 0x27) {
    const close = src.indexOf(String.fromCharCode(c), at + 1);
    if (close < 0 || close >= lineEnd || src.charCodeAt(close + 1) !== 0x3a) return -1;
    return close + 2 === lineEnd || src.charCodeAt(close + 2) === 0x20 ? close + 1 : -1;
  }
  for (let i = at; i < lineEnd; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 0x3a && (i + 1 === lineEnd || src.charCodeAt(i + 1) === 0x20)) return i;
    if (ch === 0x23 && i > at && src.charCodeAt(i - 1) === 0x20) return -1;
  }
  return -1;
}

/** The key at `at` of the current line; its range is in builtStart/builtEnd1, its flags in builtFlags. */
function scalarKey(at: number): unknown {
  const end = keyEnd(at);
  if (end < 0) giveUp();
  const c = src.charCodeAt(at);
  if (c === 0x22 || c === 0x27) {
    quoted(at);
    if (builtEnd1 + base !== end) giveUp();
    if (c === 0x27 && src.slice(at, end).includes("''")) giveUp();
    return builtValue;
  }
  if (badPlainStart(c) || isIndicator(c, at) || c === 0x5b || c === 0x7b || c === 0x22 || c === 0x27) giveUp();
  // No spaces before the colon: `a : b` has the parser's rules for props between key and colon.
  if (src.charCodeAt(end - 1) === 0x20) giveUp();
  const source = src.slice(at, end);
  if (source.includes(' #') || source.length > 1024) giveUp();
  builtStart = at - base;
  builtEnd1 = end - base;
  builtFlags = 0;
  return resolvePlain(source);
}

/** A flow collection on one line at `v`; returns the offset after its closing bracket. */
function flowCollection(v: number, depth: number): number {
  if (depth > depthLimit) giveUp();
  const isMap = src.charCodeAt(v) === 0x7b;
  const close = isMap ? 0x7d : 0x5d;
  const obj: Record<string, unknown> = {};
  const arr: unknown[] = [];
  const start = v - base;
  const map: TreeMap = { kind: 'map', start, end: 0, flow: true, keys: [], pos: [] };
  const seq: TreeSeq = { kind: 'seq', start, end: 0, flow: true, pos: [] };
  let i = v + 1;
  const skip = () => {
    while (i < lineEnd && src.charCodeAt(i) === 0x20) i++;
  };
  skip();
  if (src.charCodeAt(i) !== close) {
    for (;;) {
      skip();
      if (i >= lineEnd) giveUp();
      let key: unknown;
      let k0 = 0;
      let k1 = 0;
      let kf = 0;
      if (isMap) {
        flowScalar(i, true);
        key = builtValue;
        k0 = builtStart;
        k1 = builtEnd1;
        kf = builtFlags;
        i = k1 + base;
        if (src.charCodeAt(i) !== 0x3a || src.charCodeAt(i + 1) !== 0x20) giveUp();
        i += 2;
        skip();
      }
      const c = src.charCodeAt(i);
      if (c === 0x5b || c === 0x7b) {
        i = flowCollection(i, depth + 1);
        builtEnd = i;
      } else {
        i = flowScalar(i, false);
      }
      if (isMap) addPair(obj, map, key, k0, k1, kf);
      else {
        if (builtNode) (seq.nodes ??= [])[arr.length] = builtNode;
        arr.push(builtValue);
        seq.pos.push(builtStart, builtEnd1, builtFlags);
      }
      skip();
      const n = src.charCodeAt(i);
      if (n === close) break;
      if (n !== 0x2c) giveUp();
      i++;
      skip();
      if (src.charCodeAt(i) === close) giveUp(); // a trailing comma
    }
  }
  const closeEnd = i + 1;
  const coll = isMap ? map : seq;
  coll.end = closeEnd - base;
  builtValue = isMap ? obj : arr;
  builtNode = coll;
  builtStart = start;
  builtEnd1 = closeEnd - base;
  builtFlags = FLAG_NODE;
  return closeEnd;
}

/** A scalar inside a flow collection; returns its end. Keys end at `: `. */
function flowScalar(at: number, key: boolean): number {
  const c = src.charCodeAt(at);
  if (c === 0x22 || c === 0x27) {
    const e = quoted(at);
    if (key && c === 0x27 && src.slice(at, e).includes("''")) giveUp();
    return e;
  }
  if (badPlainStart(c) || isIndicator(c, at) || c === 0x2c || c === 0x5b || c === 0x7b) giveUp();
  let e = at;
  let i = at;
  for (; i < lineEnd; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 0x2c || ch === 0x5d || ch === 0x7d) break;
    // `:` and `#` in flow scalars have rules of their own (`[a:b]`, `001:db8::`): not mirrored.
    if (ch === 0x3a) {
      if (key && src.charCodeAt(i + 1) === 0x20) break;
      giveUp();
    }
    if (ch === 0x23 || ch === 0x5b || ch === 0x7b || ch === 0x22 || ch === 0x27) giveUp();
    if (ch !== 0x20) e = i + 1;
  }
  if (e === at) giveUp();
  return plainAt(at, e);
}

/** As fast.ts adds a pair: keys the composer and toJS would treat differently give up. */
function addPair(obj: Record<string, unknown>, map: TreeMap, key: unknown, k0: number, k1: number, kf: number): void {
  pushPair(obj, map, keyName(map.keys, key) ?? giveUp(), k0, k1, kf, builtValue, builtNode, builtStart, builtEnd1, builtFlags);
}

function built(value: unknown, coll: TreeNode, start: number, end1: number, end2: number): void {
  builtValue = value;
  builtNode = coll;
  builtStart = start - base;
  builtEnd1 = end1 - base;
  builtFlags = FLAG_NODE;
  builtEnd = end2;
}
