/**
 * Where the cursor is in a manifest: the document, its object, the field path and whether the
 * cursor is on a key or a value. Completion, hover and go-to-definition all start here.
 *
 * A document being typed is rarely the YAML it will become: `subs` alone on a line parses as a key
 * with a null value, `- ` as a null item, and an unfinished line can make the parser give up on
 * the rest. So the path is read from the text, the way a person reads it: a forward pass over the
 * block-style lines of the document keeps the open mappings and sequences by indentation. The
 * parsed object is still used for what it is good at (the values of other fields, flow style).
 */
import { isRecord, K8sObject } from '../k8s/object';
import { splitApiVersion } from '../k8s/kinds';
import type { ParsedDocument, ParsedFile } from '../yaml/parse';
import type { FieldPath, PathSegment } from '../yaml/path';

export interface Span {
  start: number;
  end: number;
}

/** What kind of object the cursor is in, read from the object or, when it did not parse, from the text. */
export interface ObjectHeader {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  /** `default` when absent (cluster-scoped kinds still say `default` here: callers that care check the kind). */
  namespace: string;
  name: string | undefined;
}

export interface CursorContext {
  offset: number;
  document: ParsedDocument | undefined;
  /** The indexed object of the document; undefined while the document does not parse into one. */
  object: K8sObject | undefined;
  header: ObjectHeader | undefined;
  /**
   * `key`: the cursor is on a key (or where a key is being typed) of the mapping at `mapPath`.
   * `value`: the cursor is on the scalar value at `path` (after `key: `, or a sequence item).
   */
  target: 'key' | 'value';
  /** The field at the cursor: for a key, `mapPath` plus the key as typed so far (whole token). */
  path: PathSegment[];
  /** The mapping that holds the key (for a value: the mapping or sequence that holds it). */
  mapPath: PathSegment[];
  /** The token under the cursor (a key, a scalar without its quotes, or an empty span at the cursor). */
  token: Span & { text: string };
  /** The token's text before the cursor: what completion filters by. */
  prefix: string;
  /**
   * A sequence item that is being started (`- |`, `- na|`): it may be a scalar item or the first
   * key of a mapping item, which only the schema can tell. `path` is the item's path.
   */
  newItem: boolean;
  /** For a key, the line already has the `:` after it: completion replaces the key only. */
  hasColon: boolean;
  /** Column where a key typed here starts (for the indentation of inserted text). */
  column: number;
  /** Keys of the mapping at `mapPath` on other lines (for a new item: of the item). */
  siblingKeys: string[];
  /** Block-style scalar values of the document by formatted path, for when the object did not parse. */
  textValues: ReadonlyMap<string, string>;
}

interface Frame {
  col: number;
  type: 'map' | 'seq';
  /** The current key (map) or index (seq). */
  seg: PathSegment;
  keys: string[];
}

interface LineShape {
  start: number;
  end: number;
  indent: number;
  /** Columns of the `- ` markers at the start of the line. */
  dashes: number[];
  contentCol: number;
  key?: string;
  keyCol?: number;
  keyEndCol?: number;
  /** Column just past the `:` of the key. */
  colonCol?: number;
  /** Column where the value starts (after the colon and spaces); the content column when there is no key. */
  valueCol: number;
  /** The value (or the scalar content) without a trailing comment and spaces. */
  value: string;
  blank: boolean;
}

const DOC_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/;
// A plain, single- or double-quoted key followed by `:` and a blank or the line's end.
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},&*!|>%@`][^#]*?)[ \t]*:(?=[ \t]|$)/;

function shapeOf(text: string, start: number, end: number): LineShape {
  const line = text.slice(start, end);
  let i = 0;
  while (line[i] === ' ') i++;
  const indent = i;
  const dashes: number[] = [];
  while (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) {
    dashes.push(i);
    i++;
    while (line[i] === ' ' || line[i] === '\t') i++;
  }
  const contentCol = i;
  const rest = line.slice(i);
  const blank = dashes.length === 0 && (rest.trim() === '' || rest.trimStart().startsWith('#'));
  const shape: LineShape = { start, end, indent, dashes, contentCol, valueCol: contentCol, value: stripComment(rest), blank };
  const m = KEY.exec(rest);
  if (m) {
    shape.key = unquote(m[1]);
    shape.keyCol = contentCol;
    shape.keyEndCol = contentCol + m[1].length;
    shape.colonCol = contentCol + m[0].length;
    let v = shape.colonCol;
    while (line[v] === ' ' || line[v] === '\t') v++;
    shape.valueCol = v;
    shape.value = stripComment(line.slice(v));
  }
  return shape;
}

function stripComment(s: string): string {
  if (s.startsWith('#')) return '';
  const hash = s.search(/[ \t]#/);
  return (hash >= 0 ? s.slice(0, hash) : s).trimEnd();
}

function unquote(s: string): string {
  if (s.length >= 2 && s[0] === '"' && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s.length >= 2 && s[0] === "'" && s.endsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
  return s;
}

const isBlockIndicator = (v: string) => /^[|>][-+0-9]*$/.test(v);

function segsOf(frames: readonly Frame[], upTo = frames.length): PathSegment[] {
  const out: PathSegment[] = [];
  for (let i = 0; i < upTo; i++) out.push(frames[i].seg);
  return out;
}

/** Closes what a line at `indent` ends; `dashFirst` when the line starts with a `- ` at that indent. */
function popFor(frames: Frame[], indent: number, dashFirst: boolean): void {
  while (frames.length) {
    const top = frames[frames.length - 1];
    if (top.col > indent || (top.col === indent && top.type === 'seq' && !dashFirst)) frames.pop();
    else break;
  }
}

/** Opens or advances the sequences of a line's `- ` markers. */
function pushDashes(frames: Frame[], dashes: readonly number[]): void {
  for (const d of dashes) {
    const top = frames[frames.length - 1];
    if (top && top.type === 'seq' && top.col === d) top.seg = (top.seg as number) + 1;
    else frames.push({ col: d, type: 'seq', seg: 0, keys: [] });
  }
}

function pushKey(frames: Frame[], key: string, col: number): void {
  const top = frames[frames.length - 1];
  if (top && top.type === 'map' && top.col === col) {
    top.seg = key;
    top.keys.push(key);
  } else frames.push({ col, type: 'map', seg: key, keys: [key] });
}

function formatKey(path: FieldPath): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
}

/** The formatted-path key `textValues` uses. */
export const textValueKey = formatKey;

/** The span of the document (between `---` markers) that holds the offset. */
function documentSpan(text: string, offset: number): Span {
  let start = 0;
  for (let lineStart = 0; lineStart < text.length; ) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    if (DOC_MARKER.test(text.slice(lineStart, Math.min(lineEnd, lineStart + 4)))) {
      if (lineEnd < offset) start = Math.min(lineEnd + 1, text.length);
      else if (lineStart > offset) return { start, end: lineStart };
    }
    lineStart = lineEnd + 1;
  }
  return { start, end: text.length };
}

function lineEndAt(text: string, from: number, limit: number): number {
  const nl = text.indexOf('\n', from);
  const e = nl < 0 || nl > limit ? limit : nl;
  return e > from && text[e - 1] === '\r' ? e - 1 : e;
}

/**
 * The cursor context at an offset of a parsed file. `objects` are the indexed objects of the file
 * (the engine's `FileEntry.objects`); without them the context has no `object`, only a header read
 * from the text. Undefined inside comments, block scalars and document markers.
 */
export function resolveCursor(file: ParsedFile, offset: number, objects: readonly K8sObject[] = []): CursorContext | undefined {
  const text = file.text;
  if (offset < 0 || offset > text.length) return undefined;
  const doc = documentSpan(text, offset);
  const frames: Frame[] = [];
  const textValues = new Map<string, string>();
  let blockCol: number | undefined;
  let found: Omit<CursorContext, 'document' | 'object' | 'header' | 'textValues' | 'siblingKeys'> | undefined;
  let siblingCol = -1;
  let siblingKeys: string[] = [];
  let collecting = false;
  let cursorLine = -1;
  for (let at = doc.start; at <= doc.end; ) {
    const end = lineEndAt(text, at, doc.end);
    const next = text.indexOf('\n', at);
    const s = shapeOf(text, at, end);
    const isCursorLine = offset >= at && offset <= end && cursorLine < 0;
    if (collecting && !s.blank) {
      if (s.indent < siblingCol) collecting = false;
      else if (s.indent === siblingCol && !s.dashes.length && s.key !== undefined) siblingKeys.push(s.key);
    }
    if (isCursorLine) {
      cursorLine = at;
      const lineIndent = text.slice(at, end).trim() === '' ? offset - at : s.indent;
      if (blockCol !== undefined && lineIndent > blockCol) return undefined;
      // The cursor's reading must not change how the rest of the document is read.
      const r = atCursor(text, s, offset - at, frames.map((f) => ({ ...f, keys: [...f.keys] })));
      if (!r) return undefined;
      found = r.context;
      siblingCol = r.siblingCol;
      siblingKeys = r.siblingKeys;
      collecting = siblingCol >= 0;
    }
    if (!s.blank) {
      if (blockCol !== undefined && s.indent > blockCol) {
        // Inside a block scalar: its lines are text, not structure.
      } else {
        blockCol = undefined;
        popFor(frames, s.indent, s.dashes.length > 0 && s.dashes[0] === s.indent);
        pushDashes(frames, s.dashes);
        if (s.key !== undefined) {
          pushKey(frames, s.key, s.keyCol!);
          if (isBlockIndicator(s.value)) blockCol = s.keyCol;
          else if (s.value && !isCursorLine) textValues.set(formatKey(segsOf(frames)), unquote(s.value));
        } else if (s.key === undefined && s.dashes.length && s.value) {
          if (isBlockIndicator(s.value)) blockCol = s.dashes[s.dashes.length - 1];
          else if (!isCursorLine) textValues.set(formatKey(segsOf(frames)), unquote(s.value));
        }
      }
    }
    if (next < 0 || next >= doc.end) break;
    at = next + 1;
  }
  if (!found) return undefined;
  const document = file.documents.find((d) => d.start <= offset && offset <= d.end) ?? [...file.documents].reverse().find((d) => d.start <= offset);
  const object = document ? objects.find((o) => o.doc === document) : undefined;
  return { ...found, document, object, header: headerOf(object, textValues), textValues, siblingKeys };
}

function headerOf(o: K8sObject | undefined, values: ReadonlyMap<string, string>): ObjectHeader | undefined {
  if (o) return { apiVersion: o.apiVersion, group: o.group, version: o.version, kind: o.kind, namespace: o.namespace || 'default', name: o.name };
  const apiVersion = values.get('.apiVersion');
  const kind = values.get('.kind');
  if (!apiVersion || !kind) return undefined;
  const { group, version } = splitApiVersion(apiVersion);
  return { apiVersion, group, version, kind, namespace: values.get('.metadata.namespace') || 'default', name: values.get('.metadata.name') };
}

interface AtCursor {
  context: Omit<CursorContext, 'document' | 'object' | 'header' | 'textValues' | 'siblingKeys'>;
  /** Column of the keys of the same mapping on the following lines; -1 when none are wanted. */
  siblingCol: number;
  siblingKeys: string[];
}

const WORD = /[^\s:#,[\]{}"']/;

function tokenAround(line: string, col: number, from: number): { start: number; end: number } {
  let s = col;
  while (s > from && WORD.test(line[s - 1])) s--;
  let e = col;
  while (e < line.length && WORD.test(line[e])) e++;
  return { start: s, end: e };
}

function atCursor(text: string, s: LineShape, col: number, frames: Frame[]): AtCursor | undefined {
  const line = text.slice(s.start, s.end);
  const before = line.slice(0, col);
  if (/(^|\s)#/.test(before.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""'))) return undefined; // in a comment
  if (DOC_MARKER.test(line)) return undefined;
  const base = s.start;
  const span = (a: number, b: number) => ({ start: base + a, end: base + b, text: line.slice(a, b) });
  // Before the content of a line that has any: the cursor is in the indentation.
  const blankLine = line.trim() === '';
  const indent = blankLine ? col : s.indent;
  const dashes = s.dashes.filter((d) => d < col);
  popFor(frames, indent, dashes.length > 0 && dashes[0] === indent);
  pushDashes(frames, dashes);

  // On the key, or on a word that will become one (or a scalar item after `- `).
  const onKey = s.key !== undefined && col >= s.keyCol! && col <= s.keyEndCol!;
  if (onKey || (s.key === undefined && col >= s.contentCol) || blankLine) {
    const from = blankLine ? col : dashes.length ? Math.max(s.contentCol, dashes[dashes.length - 1] + 2) : s.contentCol;
    const keyCol = blankLine ? col : from;
    // An item's scalar: a flow collection or a quoted word is a value, not a key in the making.
    const t = col < from ? { start: col, end: col } : tokenAround(line, col, from);
    const quoted = s.key === undefined && /^["']/.test(line.slice(from));
    if (dashes.length && s.key === undefined) {
      const q = quotedSpan(line, from, col);
      const tok = q ?? t;
      const path = segsOf(frames);
      return {
        context: {
          offset: base + col,
          target: 'value',
          path,
          mapPath: path.slice(0, -1),
          token: span(tok.start, tok.end),
          prefix: line.slice(tok.start, col),
          newItem: !quoted,
          hasColon: false,
          column: keyCol,
        },
        siblingCol: keyCol,
        siblingKeys: [],
      };
    }
    const top = frames[frames.length - 1];
    const same = top && top.type === 'map' && top.col === keyCol;
    const mapPath = same ? segsOf(frames, frames.length - 1) : segsOf(frames);
    const keys = same ? [...top.keys] : [];
    const tok = onKey ? { start: s.keyCol!, end: s.keyEndCol! } : t;
    const tokText = onKey ? s.key! : line.slice(tok.start, tok.end);
    return {
      context: {
        offset: base + col,
        target: 'key',
        path: tokText ? [...mapPath, tokText] : mapPath,
        mapPath,
        token: { ...span(tok.start, tok.end), text: tokText },
        prefix: line.slice(tok.start, col),
        newItem: false,
        hasColon: s.key !== undefined,
        column: keyCol,
      },
      siblingCol: keyCol,
      siblingKeys: keys,
    };
  }
  if (s.key === undefined || col < s.colonCol!) {
    // Between a key and its colon, or in a dash's spacing: nothing to offer.
    if (s.key !== undefined || !dashes.length) return undefined;
  }
  // A value: `key: |`, `key: va|`, `key: "va|"`, or an item of a one-line flow sequence.
  const top = frames[frames.length - 1];
  const mapPath = top && top.type === 'map' && top.col === s.keyCol ? segsOf(frames, frames.length - 1) : segsOf(frames);
  const path: PathSegment[] = [...mapPath, s.key!];
  const vc = Math.max(s.valueCol, s.colonCol!);
  const flow = line[vc] === '[' ? flowItem(line, vc, col) : undefined;
  if (flow) {
    return {
      context: { offset: base + col, target: 'value', path: [...path, flow.index], mapPath: path, token: span(flow.start, flow.end), prefix: line.slice(flow.start, col), newItem: false, hasColon: false, column: s.keyCol! },
      siblingCol: -1,
      siblingKeys: [],
    };
  }
  const tok = quotedSpan(line, vc, col) ?? (col < vc ? { start: col, end: col } : tokenAround(line, col, vc));
  return {
    context: { offset: base + col, target: 'value', path, mapPath, token: span(tok.start, tok.end), prefix: line.slice(tok.start, col), newItem: false, hasColon: false, column: s.keyCol! },
    siblingCol: -1,
    siblingKeys: [],
  };
}

/** Inside a quoted scalar that starts at `from`: the span between the quotes. */
function quotedSpan(line: string, from: number, col: number): Span | undefined {
  const q = line[from];
  if (q !== '"' && q !== "'") return undefined;
  if (col <= from) return undefined;
  let close = line.indexOf(q, from + 1);
  if (close < 0) close = line.length;
  return col <= close ? { start: from + 1, end: close } : undefined;
}

/** The item of a one-line flow sequence (`[a, b]`) the cursor is in, with its index. */
function flowItem(line: string, open: number, col: number): (Span & { index: number }) | undefined {
  if (col <= open) return undefined;
  let index = 0;
  let itemStart = open + 1;
  for (let i = open + 1; i < line.length; i++) {
    const c = line[i];
    if (c === ',' || c === ']') {
      if (col <= i) return trimItem(line, itemStart, i, index);
      if (c === ']') return undefined;
      index++;
      itemStart = i + 1;
    } else if (c === '[' || c === '{') return undefined; // nested flow: not read here
  }
  return col >= itemStart ? trimItem(line, itemStart, line.length, index) : undefined;
}

function trimItem(line: string, start: number, end: number, index: number): Span & { index: number } {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(line[s])) s++;
  while (e > s && /\s/.test(line[e - 1])) e--;
  if (s < e && (line[s] === '"' || line[s] === "'")) {
    s++;
    if (e > s && line[e - 1] === line[s - 1]) e--;
  }
  return { start: s, end: e, index };
}

/** The value at a path of the object's body when it parsed, else the block-style text value. */
export function valueAt(ctx: Pick<CursorContext, 'object' | 'textValues'>, path: FieldPath): unknown {
  if (ctx.object) {
    let v: unknown = ctx.object.body;
    for (const seg of path) {
      if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
      else if (isRecord(v) && typeof seg === 'string') v = v[seg];
      else {
        v = undefined;
        break;
      }
    }
    if (v !== undefined && v !== null) return v;
  }
  return ctx.textValues.get(formatKey(path));
}
