import { Document, isAlias, isCollection, isMap, isPair, parseAllDocuments } from 'yaml';
import { LineIndex } from './positions';
import { InputLimits } from './limits';

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
  node: Document.Parsed;
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
}

// Template actions of Helm/Go templates and Jinja. Argo placeholders such as `{{args.name}}` or
// `{{workflow.name}}` are ordinary strings of a valid manifest and must not match.
const TEMPLATE =
  /\{\{-?\s*(?:\.|\$|\/\*|(?:if|else|end|range|with|include|template|define|block|toYaml|tpl|printf|default|required|quote|lookup|fail)\b)|\{%-?\s/;

const MANIFEST_HINT_API = /^[ \t]*apiVersion[ \t]*:/m;
const MANIFEST_HINT_KIND = /^[ \t]*kind[ \t]*:/m;

export function parseManifestText(text: string, limits: InputLimits): ParsedFile {
  const lines = new LineIndex(text);
  const template = findTemplate(text);
  if (template !== undefined) {
    return {
      text,
      lines,
      documents: [],
      syntax: [],
      templateOffset: template,
      isManifest: MANIFEST_HINT_API.test(text) && MANIFEST_HINT_KIND.test(text),
    };
  }

  const docs = parseAllDocuments(text, { prettyErrors: false, merge: true, keepSourceTokens: false });
  const parsed = Array.isArray(docs) ? docs : [];
  const syntax: SyntaxProblem[] = [];
  const documents: ParsedDocument[] = [];
  let anyObject = false;

  parsed.forEach((node, index) => {
    const errors = node.errors;
    let exhaustedAt: number | undefined;
    for (const err of errors) {
      if (err.code === 'RESOURCE_EXHAUSTION') {
        // The parser itself gave up on nesting (its stack ran out); reported below as a depth limit.
        exhaustedAt ??= err.pos[0];
        continue;
      }
      syntax.push({ code: err.code, message: err.message, start: err.pos[0], end: widenToToken(text, err.pos[0], err.pos[1]) });
    }
    // Where the parser's stack ran out depends on the stack size (CLI, extension host), so point at
    // the first node past our own limit in the part it did build; its position is only a fallback.
    let limit = checkDepth(node, limits.maxDepth);
    if (!limit && exhaustedAt !== undefined) {
      limit = { kind: 'depth', offset: exhaustedAt, depth: limits.maxDepth, limit: limits.maxDepth };
    }
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
    const [start, , end] = node.range;
    documents.push({ index, node, start, end, hasErrors: errors.length > 0, value, limit });
    if (isMap(node.contents) && node.contents.has('apiVersion') && node.contents.has('kind')) anyObject = true;
  });

  const isManifest = anyObject || (MANIFEST_HINT_API.test(text) && MANIFEST_HINT_KIND.test(text));
  return { text, lines, documents, syntax, isManifest };
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

function findTemplate(text: string): number | undefined {
  if (!text.includes('{{') && !text.includes('{%')) return undefined;
  const m = TEMPLATE.exec(text);
  return m ? m.index : undefined;
}

/** Iterative, so that the check itself cannot overflow the stack it protects. */
function checkDepth(doc: Document.Parsed, maxDepth: number): LimitProblem | undefined {
  const stack: Array<[unknown, number]> = [[doc.contents, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (isCollection(node)) {
      if (depth > maxDepth) {
        return { kind: 'depth', offset: node.range?.[0] ?? 0, depth, limit: maxDepth };
      }
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          stack.push([item.key, depth + 1]);
          stack.push([item.value, depth + 1]);
        } else stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

function firstAliasOffset(doc: Document.Parsed): number | undefined {
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isAlias(node)) return node.range?.[0];
    if (isCollection(node)) {
      // Last item pushed first, so that items pop in document order and the first alias is found.
      const items = node.items as unknown[];
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i];
        if (isPair(item)) stack.push(item.value, item.key);
        else stack.push(item);
      }
    }
  }
  return undefined;
}

