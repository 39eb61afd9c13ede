import { Composer, CST, Document, isAlias, isCollection, isPair, Parser, YAMLParseError } from 'yaml';
import { fastDocuments } from './fast';
import { scanDocuments } from './scan';
import { LineIndex } from './positions';
import { InputLimits } from './limits';
import { PARSE_OPTIONS } from './options';
import { newParser } from './tokens';
import { DocTree, stringSpans, treeOfDocument } from './tree';

export interface SyntaxProblem {
  /** The `yaml` package's error code, e.g. BAD_INDENT, TAB_AS_INDENT, DUPLICATE_KEY. */
  code: string;
  message: string;
  start: number;
  end: number;
}

/** A document that was parsed but not turned into values because it would exhaust resources. */
export type LimitProblem =
  | { kind: 'depth'; offset: number; depth: number; limit: number }
  | { kind: 'aliases'; offset: number; limit: number };

export interface ParsedDocument {
  index: number;
  /** Where its nodes are (field paths to ranges: locate.ts). */
  node: DocTree;
  /** Offsets of the document's content in the file. */
  start: number;
  end: number;
  hasErrors: boolean;
  /** Plain JS value; undefined when the document is empty or hit a limit. */
  value: unknown;
  limit?: LimitProblem;
}

export interface ParsedFile {
  text: string;
  lines: LineIndex;
  documents: ParsedDocument[];
  syntax: SyntaxProblem[];
  /** Offset of the first template expression (Helm, Go templates, Jinja); such files are not parsed. */
  templateOffset?: number;
  /** True when the file holds at least one Kubernetes-style object (apiVersion and kind). */
  isManifest: boolean;
  /** Per-document parse results, kept so that the next version of the file can reuse them. */
  segments?: Segment[];
}

// Template actions of Helm/Go templates and Jinja. Argo placeholders such as `{{args.name}}` or
// `{{workflow.name}}` are ordinary strings of a valid manifest and must not match.
const TEMPLATE =
  /\{\{-?\s*(?:\.|\$|\/\*|(?:if|else|end|range|with|include|template|define|block|toYaml|tpl|printf|default|required|quote|lookup|fail)\b)|\{%-?\s/;

const MANIFEST_HINT_API = /^[ \t]*apiVersion[ \t]*:/m;
const MANIFEST_HINT_KIND = /^[ \t]*kind[ \t]*:/m;

/** Both `apiVersion:` and `kind:` start a line: a manifest, as far as text alone can tell. */
export function looksLikeManifest(text: string): boolean {
  return MANIFEST_HINT_API.test(text) && MANIFEST_HINT_KIND.test(text);
}

export interface ParseOptions {
  /**
   * Parse every document through the `yaml` package's Composer and Document, never the fast path
   * from its parser tokens: the reference the fast path is tested against.
   */
  documentPathOnly?: boolean;
}

export function parseManifestText(text: string, limits: InputLimits, previous?: ParsedFile, options: ParseOptions = {}): ParsedFile {
  const lines = new LineIndex(text);
  // A file is parsed document by document, and a document whose text did not change since the
  // previous version of the file is reused (moved to its new offset): an edit to one document of
  // a 2,000-line file costs that document.
  const reusable = new Map<string, Segment[]>();
  for (const seg of previous?.segments ?? []) {
    if (seg.limits !== limits) continue;
    const list = reusable.get(seg.text);
    if (list) list.push(seg);
    else reusable.set(seg.text, [seg]);
  }
  const segments: Segment[] = [];
  const bounds = segmentStarts(text);
  for (let k = 0; k < bounds.length; k++) {
    const start = bounds[k];
    const end = k + 1 < bounds.length ? bounds[k + 1] : text.length;
    const segText = text.slice(start, end);
    const old = reusable.get(segText)?.shift();
    segments.push(old ? moveSegment(old, start) : parseSegment(text, start, end, segText, limits, !options.documentPathOnly));
  }
  const template = findTemplate(text, segments);
  if (template !== undefined) {
    return {
      text,
      lines,
      documents: [],
      syntax: [],
      templateOffset: template,
      isManifest: looksLikeManifest(text),
    };
  }
  const documents: ParsedDocument[] = [];
  const syntax: SyntaxProblem[] = [];
  let anyObject = false;
  for (const seg of segments) {
    syntax.push(...seg.syntax);
    for (const d of seg.docs) {
      documents.push({ ...d, index: documents.length });
      const root = d.node.root;
      if (root?.kind === 'map' && root.keys.includes('apiVersion') && root.keys.includes('kind')) anyObject = true;
    }
  }
  const isManifest = anyObject || looksLikeManifest(text);
  return { text, lines, documents, syntax, isManifest, segments };
}

/** One stretch of a file from a document marker to the next, parsed on its own. */
export interface Segment {
  start: number;
  text: string;
  docs: ParsedDocument[];
  syntax: SyntaxProblem[];
  /** The limits it was parsed under; other limits mean parsing again. */
  limits: InputLimits;
  /** How it was parsed: from the text (scan.ts), from the parser's tokens (fast.ts) or through the full Document path. */
  via: 'scan' | 'tokens' | 'document';
}

/** Offsets where a segment starts: 0 and every line that is a document marker. */
function segmentStarts(text: string): number[] {
  const out = [0];
  DOCUMENT_MARKER.lastIndex = 0;
  for (let m = DOCUMENT_MARKER.exec(text); m; m = DOCUMENT_MARKER.exec(text)) {
    if (m.index > 0) out.push(m.index);
    DOCUMENT_MARKER.lastIndex = m.index + 3;
  }
  return out;
}

function parseSegment(text: string, start: number, end: number, segText: string, limits: InputLimits, fast: boolean): Segment {
  if (fast) {
    // The scan gives up past its own small depth limit, so it needs no pre-scan for runaway nesting.
    const scanned = scanDocuments(text, start, end, limits.maxDepth);
    if (scanned) {
      const docs = scanned.map((d): ParsedDocument => ({ index: -1, node: d.tree, start: d.start, end: d.end, hasErrors: false, value: d.value, limit: undefined }));
      return { start, text: segText, docs, syntax: [], limits, via: 'scan' };
    }
  }
  // Nesting far beyond the limit is cut off before parsing: the parser's cost grows with depth
  // (a million `[` take seconds) and all of it would be thrown away.
  const deep = findRunawayNesting(segText, limits.maxDepth * 2).map((o) => o + start);
  let parsed: Document.Parsed[] | undefined;
  if (fast && deep.length === 0) {
    const tokens = parseTokens(segText, start);
    const quick = tokens && fastDocuments(tokens, limits.maxDepth);
    if (quick) {
      const docs = quick.map((d): ParsedDocument => ({ index: -1, node: d.tree, start: d.start, end: d.end, hasErrors: false, value: d.value, limit: undefined }));
      return { start, text: segText, docs, syntax: [], limits, via: 'tokens' };
    }
    // The tokens are the same whichever path composes them.
    if (tokens) parsed = composeTokens(tokens);
  }
  const docs: ParsedDocument[] = [];
  const syntax: SyntaxProblem[] = [];
  for (const node of parsed ?? parseDocuments(text, deep, start, end)) {
    const errors = node.errors;
    const [docStart, , docEnd] = node.range;
    let exhaustedAt = deep.find((o) => o >= docStart && o < Math.max(docEnd, docStart + 1));
    const docSyntax: SyntaxProblem[] = [];
    for (const err of errors) {
      if (err.code === 'RESOURCE_EXHAUSTION') {
        // The parser itself gave up on nesting (its stack ran out); reported below as a depth limit.
        exhaustedAt ??= err.pos[0];
        continue;
      }
      docSyntax.push({ code: err.code, message: err.message, start: err.pos[0], end: widenToToken(text, err.pos[0], err.pos[1]) });
    }
    // Where the parser's stack ran out depends on the stack size (CLI, extension host), so point at
    // the first node past our own limit in the part it did build; its position is only a fallback.
    let limit = checkDepth(node, limits.maxDepth);
    if (!limit && exhaustedAt !== undefined) {
      limit = { kind: 'depth', offset: exhaustedAt, depth: limits.maxDepth, limit: limits.maxDepth };
    }
    // A document over the depth limit is not analysed; errors from its cut-off tail are noise.
    if (limit?.kind !== 'depth' || exhaustedAt === undefined) syntax.push(...docSyntax);
    let value: unknown;
    if (!limit) {
      try {
        value = node.toJS({ maxAliasCount: limits.maxAliasCount });
      } catch (e) {
        const alias = firstAliasOffset(node) ?? node.range[0];
        const message = e instanceof Error ? e.message : String(e);
        if (/alias count/i.test(message)) {
          limit = { kind: 'aliases', offset: alias, limit: limits.maxAliasCount };
        } else {
          syntax.push({ code: 'BAD_ALIAS', message, start: alias, end: alias + 1 });
        }
      }
    }
    docs.push({ index: -1, node: treeOfDocument(node), start: node.range[0], end: node.range[2], hasErrors: errors.length > 0, value, limit });
  }
  return { start, text: segText, docs, syntax, limits, via: 'document' };
}

/** The parser's tokens of one segment, offsets into the file; undefined when its stack ran out. */
function parseTokens(segText: string, start: number): CST.Token[] | undefined {
  const parser = newParser();
  parser.offset = start;
  try {
    return [...parser.parse(segText)];
  } catch (e) {
    if (e instanceof RangeError) return undefined; // parseDocuments knows what to do with that
    throw e;
  }
}

function composeTokens(tokens: readonly CST.Token[]): Document.Parsed[] | undefined {
  try {
    return [...new Composer(PARSE_OPTIONS).compose(tokens)] as Document.Parsed[];
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/**
 * A reused segment at its new offset. Its nodes are moved in place: the previous version of the
 * file is being replaced, and nothing else holds them. Plain values are shared unchanged, so
 * whatever was computed from them (schema checks) is reused too.
 */
function moveSegment(seg: Segment, start: number): Segment {
  const d = start - seg.start;
  if (d === 0) return seg;
  for (const doc of seg.docs) doc.node.base += d;
  return {
    start,
    text: seg.text,
    limits: seg.limits,
    via: seg.via,
    syntax: seg.syntax.map((p) => ({ ...p, start: p.start + d, end: p.end + d })),
    docs: seg.docs.map((doc) => ({
      ...doc,
      start: doc.start + d,
      end: doc.end + d,
      limit: doc.limit ? { ...doc.limit, offset: doc.limit.offset + d } : undefined,
    })),
  };
}

/**
 * The parser often marks one character; a squiggle under the whole offending token (a key, a
 * quoted string) reads better and is what editors show for other languages.
 */
function widenToToken(text: string, start: number, end: number): number {
  if (end - start > 1) return end;
  const c = text[start];
  if (c === '"' || c === "'") {
    let i = start + 1;
    while (i < text.length && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' && c === '"' ? 2 : 1;
    return text[i] === c ? i + 1 : end;
  }
  let i = start;
  while (i < text.length && !/[\s:,[\]{}#]/.test(text[i])) i++;
  return Math.max(end, i);
}

/**
 * Offsets where flow brackets or compact sequences (`- - -`) nest deeper than `threshold`, at most
 * one per document. A linear scan that skips quoted strings and comments; it over-approximates
 * nothing real manifests do, and only has to be right about runaway nesting.
 */
export function findRunawayNesting(text: string, threshold: number): number[] {
  // Runs on every file on every edit: character codes and a switch, no regular expressions.
  const out: number[] = [];
  let depth = 0;
  let quote = 0;
  let lineStart = true;
  let skipDoc = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      lineStart = false;
      if (isDocumentMarker(text, i)) {
        depth = 0;
        quote = 0;
        skipDoc = false;
        i += 2;
        continue;
      }
      if (!quote && !skipDoc) {
        // Compact sequences: `- - - x` nests once per dash on a single line.
        let j = i;
        while (text.charCodeAt(j) === SPACE) j++;
        let dashes = 0;
        while (text.charCodeAt(j) === DASH && isBlank(text.charCodeAt(j + 1))) {
          if (++dashes > threshold) break;
          j += 2;
          while (isBlank(text.charCodeAt(j))) j++;
        }
        if (dashes > threshold) {
          out.push(j);
          skipDoc = true;
        }
      }
    }
    if (c === NEWLINE) {
      lineStart = true;
      continue;
    }
    if (skipDoc) continue;
    if (quote) {
      if (c === quote) {
        if (quote === SINGLE_QUOTE && text.charCodeAt(i + 1) === SINGLE_QUOTE) i++;
        else quote = 0;
      } else if (c === BACKSLASH && quote === DOUBLE_QUOTE) i++;
      continue;
    }
    switch (c) {
      case HASH:
        if (i === 0 || isSpace(text.charCodeAt(i - 1))) {
          while (i + 1 < text.length && text.charCodeAt(i + 1) !== NEWLINE) i++;
        }
        break;
      case DOUBLE_QUOTE:
      case SINGLE_QUOTE: {
        const prev = i > 0 ? text.charCodeAt(i - 1) : NEWLINE;
        if (isSpace(prev) || prev === OPEN_SQUARE || prev === OPEN_CURLY || prev === COMMA || prev === COLON) quote = c;
        break;
      }
      case OPEN_SQUARE:
      case OPEN_CURLY:
        if (++depth > threshold) {
          out.push(i);
          skipDoc = true;
        }
        break;
      case CLOSE_SQUARE:
      case CLOSE_CURLY:
        if (depth > 0) depth--;
        break;
    }
  }
  return out;
}

const [SPACE, TAB, NEWLINE, CR, DASH, DOT, HASH, DOUBLE_QUOTE, SINGLE_QUOTE, BACKSLASH] = [32, 9, 10, 13, 45, 46, 35, 34, 39, 92];
const [OPEN_SQUARE, CLOSE_SQUARE, OPEN_CURLY, CLOSE_CURLY, COMMA, COLON] = [91, 93, 123, 125, 44, 58];

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === NEWLINE || c === CR;
}

/** `---` or `...` at offset i (a line start), followed by a blank, a line break or the end. */
function isDocumentMarker(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if ((c !== DASH && c !== DOT) || text.charCodeAt(i + 1) !== c || text.charCodeAt(i + 2) !== c) return false;
  return i + 3 >= text.length || isSpace(text.charCodeAt(i + 3));
}

const DOCUMENT_MARKER = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;

/**
 * `parseAllDocuments`, except that runaway nesting costs only the document it is in. Each offset in
 * `cuts` ends its document there (found by `findRunawayNesting`, so the parser never sees the rest).
 * A stack overflow in the `yaml` package's parser is handled the same way: its parser recurses when
 * one line closes many nested block collections and, unlike its composer, does not catch that.
 * The cut document is marked RESOURCE_EXHAUSTION at the cut (reported as a depth limit); parsing
 * resumes at the next document marker, with every offset still an offset into `text`.
 */
function parseDocuments(text: string, cuts: readonly number[], start = 0, end = text.length): Document.Parsed[] {
  const docs: Document.Parsed[] = [];
  const parse = (from: number, to: number, into: Document.Parsed[], parser = new Parser()) => {
    parser.offset = from;
    for (const doc of new Composer(PARSE_OPTIONS).compose(parser.parse(text.slice(from, to)))) into.push(doc as Document.Parsed);
  };
  for (let from = start; from <= end; ) {
    const cut = cuts.find((c) => c >= from && c < end);
    const parser = new Parser();
    const segment: Document.Parsed[] = [];
    let at: number;
    try {
      parse(from, cut ?? end, segment, parser);
      if (cut === undefined) {
        docs.push(...segment);
        break;
      }
      at = cut;
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      at = Math.max(from, parser.offset);
      segment.length = 0;
      try {
        parse(from, at, segment); // ends before the line that overflowed, so the parser unwinds iteratively
      } catch {
        segment.length = 0;
      }
    }
    let last = segment[segment.length - 1];
    if (!last) {
      last = new Document() as Document.Parsed;
      last.range = [at, at, at];
      segment.push(last);
    }
    last.errors.push(new YAMLParseError([at, at + 1], 'RESOURCE_EXHAUSTION', 'Nesting too deep'));
    docs.push(...segment);
    // The overflow may happen on the next document's `---` itself; `from` only ever moves forward.
    DOCUMENT_MARKER.lastIndex = Math.max(at, from + 1);
    const next = DOCUMENT_MARKER.exec(text);
    if (!next || next.index >= end) break;
    from = next.index;
  }
  return docs;
}

/**
 * The first template action that is part of the YAML structure. Actions inside quoted strings and
 * block scalars are data of a valid manifest (Argo notification templates, alert annotations), and
 * so are those in comments; a Helm template has actions in plain positions (`name: {{ .x }}`,
 * `{{- if }}` lines), which is what this looks for.
 */
function findTemplate(text: string, segments: readonly Segment[]): number | undefined {
  if (!text.includes('{{') && !text.includes('{%')) return undefined;
  let strings: Array<[number, number]> | undefined;
  const re = new RegExp(TEMPLATE.source, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    if (/(^|\s)#/.test(text.slice(lineStart, at))) continue;
    strings ??= stringScalarRanges(segments);
    if (!strings.some(([s, e]) => at >= s && at < e)) return at;
  }
  return undefined;
}

function stringScalarRanges(segments: readonly Segment[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const seg of segments) for (const doc of seg.docs) out.push(...stringSpans(doc.node));
  return out;
}

function checkDepth(doc: Document.Parsed, maxDepth: number): LimitProblem | undefined {
  let found: LimitProblem | undefined;
  forEachNode(doc.contents, (node, depth) => {
    if (isCollection(node) && depth > maxDepth) found = { kind: 'depth', offset: node.range?.[0] ?? 0, depth, limit: maxDepth };
    return found !== undefined;
  });
  return found;
}

function firstAliasOffset(doc: Document.Parsed): number | undefined {
  let found: number | undefined;
  forEachNode(doc.contents, (node) => {
    if (isAlias(node)) found = node.range?.[0];
    return isAlias(node);
  });
  return found;
}

/**
 * Visits a node tree in document order (keys before their values) with each node's depth, the
 * root at 1; `visit` returns true to stop. Iterative, so that deep input cannot overflow the
 * stack: the depth check itself walks with it.
 */
function forEachNode(root: unknown, visit: (node: unknown, depth: number) => boolean | void): void {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (visit(node, depth)) return;
    if (isCollection(node)) {
      const items = node.items as unknown[];
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i];
        if (isPair(item)) stack.push([item.value, depth + 1], [item.key, depth + 1]);
        else stack.push([item, depth + 1]);
      }
    }
  }
}

