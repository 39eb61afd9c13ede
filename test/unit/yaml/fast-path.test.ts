// The fast path (values and positions straight from the yaml package's parser tokens, fast.ts)
// against the full Document path, on every YAML file of the shared corpus (read from
// ../shared/corpus, never copied), on the bench workspace, and on seeded random edits of both:
// the same documents, values, syntax problems, position trees, the same locate() answer for every
// path (also against the locator as it was written for Document nodes), and the same findings.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Composer, Document, isMap, isPair, isScalar, isSeq, Parser } from 'yaml';
import { buildWorkspace } from '../../../bench/generate-workspace';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { RULES } from '../../../src/core/analysis/registry';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import { locatePath } from '../../../src/core/yaml/locate';
import { PARSE_OPTIONS } from '../../../src/core/yaml/options';
import { parseManifestText, ParsedFile } from '../../../src/core/yaml/parse';
import { formatPath, PathSegment } from '../../../src/core/yaml/path';
import { locateInDocument } from '../helpers/locate-document';
import { rng } from '../rng';

// FAST_PATH_EDITS=<n> runs a longer random campaign (for changes to the parse paths).
const EDIT_COUNT = Number(process.env.FAST_PATH_EDITS ?? 1000);
const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

interface SourceFile {
  rel: string;
  text: string;
}

function corpusFiles(dir = CORPUS, rel = ''): SourceFile[] {
  const out: SourceFile[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...corpusFiles(dir, r));
    else if (/\.ya?ml$/.test(e.name)) out.push({ rel: r, text: readFileSync(path.join(dir, r), 'utf8') });
  }
  return out;
}

const benchFiles = (): SourceFile[] => buildWorkspace(1).map((f) => ({ rel: f.path, text: f.text }));

/** The Document path's own documents of a parsed file, segment by segment, offsets into the file. */
function referenceDocuments(file: ParsedFile): Document.Parsed[] {
  const out: Document.Parsed[] = [];
  for (const seg of file.segments ?? []) {
    const parser = new Parser();
    parser.offset = seg.start;
    for (const doc of new Composer(PARSE_OPTIONS).compose(parser.parse(seg.text))) out.push(doc as Document.Parsed);
  }
  return out;
}

/**
 * Every path of a document, and next to each node the paths that miss: an unknown key, an index
 * past the end, a step into a scalar. Iterative: some corpus documents are large.
 */
function pathsOf(doc: Document.Parsed): PathSegment[][] {
  const out: PathSegment[][] = [[]];
  const stack: Array<[unknown, PathSegment[]]> = [[doc.contents, []]];
  while (stack.length) {
    const [node, at] = stack.pop()!;
    out.push([...at, 'no-such-key'], [...at, 10_000]);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const p = [...at, String(pair.key.value)];
        out.push(p);
        stack.push([pair.value, p]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = [...at, i];
        out.push(p);
        stack.push([item, p]);
      });
    }
  }
  return out;
}

interface Tally {
  files: number;
  documents: number;
  /** Documents on either fast path (text scan or parser tokens), and on the text scan alone. */
  viaTokens: number;
  viaScan: number;
  paths: number;
}

/**
 * Both parse paths of one text give the same file. Equal trees mean equal locate() answers for
 * every path; `withReference` also checks those answers against the Document locator, which
 * tests the tree conversion and locate.ts themselves.
 */
function compareParses(text: string, where: string, tally: Tally, withReference = true): void {
  const fast = parseManifestText(text, DEFAULT_LIMITS);
  const full = parseManifestText(text, DEFAULT_LIMITS, undefined, { documentPathOnly: true });
  assert.equal(fast.templateOffset, full.templateOffset, `${where}: template`);
  assert.equal(fast.isManifest, full.isManifest, `${where}: isManifest`);
  assert.deepEqual(fast.syntax, full.syntax, `${where}: syntax problems`);
  assert.equal(fast.documents.length, full.documents.length, `${where}: documents`);
  assert.ok(full.segments?.every((s) => s.via === 'document') ?? true, `${where}: documentPathOnly took the fast path`);
  tally.files++;
  for (const seg of fast.segments ?? []) {
    tally.documents += seg.docs.length;
    if (seg.via !== 'document') tally.viaTokens += seg.docs.length;
    if (seg.via === 'scan') tally.viaScan += seg.docs.length;
  }
  const refs = referenceDocuments(full);
  if (full.templateOffset === undefined) assert.equal(refs.length, full.documents.length, `${where}: reference documents`);
  fast.documents.forEach((a, i) => {
    const b = full.documents[i];
    const at = `${where} document ${i}`;
    assert.deepEqual({ ...a, node: null }, { ...b, node: null }, `${at}: index, offsets, errors, limit, value`);
    assert.deepEqual(a.node, b.node, `${at}: position tree`);
    if (!withReference) return;
    for (const p of pathsOf(refs[i])) {
      for (const target of ['value', 'key'] as const) {
        tally.paths++;
        const got = locatePath(a.node, p, target);
        const want = locateInDocument(refs[i], p, target);
        if (!Object.is(got.start, want.start) || !Object.is(got.end, want.end) || got.exact !== want.exact || got.depth !== want.depth) {
          assert.deepEqual(got, want, `${at}: locate ${formatPath(p)} (${target})`);
        }
      }
    }
  });
}

/** Both parse paths give the same findings and rule errors for every file of a workspace. */
function compareFindings(files: readonly SourceFile[], prefix: string): number {
  const engines = [new ManifestEngine(RULES), new ManifestEngine(RULES, undefined, { documentPathOnly: true })];
  const uri = (f: SourceFile) => `file:///${prefix}/${f.rel}`;
  for (const e of engines) {
    for (const f of files) e.setFile(uri(f), { text: f.text });
    e.analyze();
  }
  let count = 0;
  for (const f of files) {
    const [a, b] = engines.map((e) => e.findings(uri(f)));
    assert.deepEqual(a, b, `${f.rel}: findings`);
    count += a.length;
  }
  assert.deepEqual(engines[0].ruleErrors, engines[1].ruleErrors, 'rule errors');
  return count;
}

// What typing does to YAML, and the constructs the fast path hands to the Document path.
const INSERTS = [' ', '  ', '\t', ':', ': ', '-', '- ', '#', ' #x', '"', "'", '[', ']', '{', '}', ',', '\n', '\r\n', '&a ', '*a', '!!str ', '? ', '|', '>', '%', '@', '<<: ', '---\n', '...\n', 'x: 1\n', '"\\u00e9"', "'it''s'", '~', 'null', 'True', '0x1F', '0o17', '1e3', '.inf', '-.5', '{{ .Values.x }}'];

function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  switch (Math.floor(r() * 6)) {
    case 0:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 3));
    case 1: {
      // Duplicate the line: duplicate keys, repeated items.
      const lineEnd = text.indexOf('\n', at);
      const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd + 1);
      return text.slice(0, lineStart) + line + (line.endsWith('\n') ? '' : '\n') + text.slice(lineStart);
    }
    case 2:
      return text.slice(0, lineStart) + '  ' + text.slice(lineStart);
    case 3:
      return text.slice(0, lineStart) + text.slice(lineStart).replace(/^ {1,2}/, '');
    default:
      return text.slice(0, at) + INSERTS[Math.floor(r() * INSERTS.length)] + text.slice(at);
  }
}

function report(name: string, t: Tally, findings?: number): void {
  const share = t.documents ? ((100 * t.viaTokens) / t.documents).toFixed(1) : '-';
  const scan = t.documents ? ((100 * t.viaScan) / t.documents).toFixed(1) : '-';
  console.log(
    `    ${name}: ${t.files} files, ${t.documents} documents (${t.viaTokens} = ${share}% on a fast path, ${scan}% on the text scan), ${t.paths.toLocaleString('en')} locate() calls` +
      (findings === undefined ? '' : `, ${findings} findings`) +
      ', all identical',
  );
}

// Each construct the fast path mirrors, or hands over, with the path it is expected to take.
const LONG_KEY = 'k'.repeat(1030);
const MANY_KEYS = Array.from({ length: 40 }, (_, i) => `k${i}: ${i}\n`).join('');
const nested = (depth: number) => Array.from({ length: depth }, (_, i) => `${' '.repeat(2 * i)}k${i}:\n`).join('') + `${' '.repeat(2 * depth)}leaf: 1\n`;
const CASES: Array<[string, 'tokens' | 'document']> = [
  ['a: 1\nb: [x, "y", \'z\']\nc: {d: e, f: [g]}\n', 'tokens'],
  ['a: # comment\nb: 1\n', 'tokens'],
  ['outer:\n  a: # c\n  # d\nnext: 1\n', 'tokens'],
  ['outer:\n  a:\n  b:   \n', 'tokens'],
  ['- # c\n- b\n-\n', 'tokens'],
  ['key:\n- a\n- b\n', 'tokens'],
  ['list:\n- a\n# at column 0\n- b\n', 'tokens'],
  ['key: value # comment\n  # indented comment\nnext: 1\n', 'tokens'],
  ['a:\n  b:\n    c: # only a comment\n', 'tokens'],
  ['[a, #c\n b]\n', 'tokens'],
  ['[a, b,]\n', 'tokens'],
  ['{a: 1,}\n', 'tokens'],
  ['{a: # c\n  1}\n', 'tokens'],
  ['{a: }\n', 'tokens'],
  ['x: [1, [2, [3, {b: c}]]]\ny: {b: [c, d], e: {f: g}}\n', 'tokens'],
  ['x: [ ]\ny: { }\nz: [\n  a,\n  b\n]\n', 'tokens'],
  ['--- a\n', 'tokens'],
  ['--- |\n  text\n', 'tokens'],
  ['---\n', 'tokens'],
  ['--- # c\n', 'tokens'],
  ['# only a comment\n', 'tokens'],
  ['\ufeffa: 1\n', 'tokens'],
  ['a: b\r\nc:\r\n  - d\r\n', 'tokens'],
  ['key: |\n  a\n\n  b\nnext: >-\n  folded\n  text\nkeep: |+\n  x\n\n', 'tokens'],
  ['key: |2\n   indented\n', 'tokens'],
  ['a: multi\n  line plain\nb: c\n', 'tokens'],
  ['a: "dq \\t escape \\u00e9 \\\n  continued"\nb: "multi\n  line"\n', 'tokens'],
  ["a: 'it''s'\n'quoted key': 1\n\"dq key\": 2\n", 'tokens'],
  ['a: 0x1F\nb: 0o17\nc: 1e3\nd: .inf\ne: -.Inf\nf: .NaN\ng: +12\nh: 1.0\ni: 007\nj: NULL\nk: FALSE\nl: ~\nm: 3.\nn: -0\no: 1_000\n', 'tokens'],
  ['1: a\ntrue: b\n1.5: d\n0x10: e\n', 'tokens'],
  ['null: c\n', 'document'],
  ['~: c\n', 'document'],
  ['constructor: x\ntoString: y\nhasOwnProperty: z\n', 'tokens'],
  ['a: b\t# c\n', 'tokens'],
  [`${LONG_KEY.slice(0, 1000)}: v\n`, 'tokens'],
  [`${LONG_KEY}: v\n`, 'document'],
  [MANY_KEYS, 'tokens'],
  [MANY_KEYS + 'k7: again\n', 'document'],
  [nested(60), 'tokens'],
  [nested(70), 'document'],
  ['a: 1\na: 2\n', 'document'],
  ['1: a\n"1": b\n', 'document'],
  ['~: a\n"": b\n', 'document'],
  ['__proto__: {a: 1}\n', 'document'],
  ['a: &x 1\nb: *x\n', 'document'],
  ['<<: {a: 1}\nb: 2\n', 'document'],
  ['"<<": 1\n', 'document'],
  ['a: !!str 1\n', 'document'],
  ['a: !custom x\n', 'document'],
  ['? complex\n: value\n', 'document'],
  ['{? a: b}\n', 'document'],
  ['[a: b]\n', 'document'],
  ['{a}\n', 'document'],
  ['[a,,b]\n', 'document'],
  ['[,a]\n', 'document'],
  ['[a,#c\n b]\n', 'document'],
  ['[a b]\n', 'tokens'],
  ['x: [a\n', 'document'],
  ['"a"#c\n', 'document'],
  ['x: [a]#c\n', 'document'],
  ['x: {a: 1}#c\n', 'document'],
  ['x: [a] #c\ny: {a: 1} # c\n', 'tokens'],
  ["key: 'a'#c\n", 'document'],
  ['a:\tb\n', 'document'],
  ['\ta: b\n', 'document'],
  ['a:\n\t- b\n', 'document'],
  ['a:\n  b: 1\n c: 2\n', 'document'],
  ['a: b: c\n', 'document'],
  ['a:\n  - b\n  c: d\n', 'document'],
  ['- a\nb: c\n', 'document'],
  ['key: @bad\n', 'document'],
  ['key: `bad\n', 'document'],
  ['x: ,a\n', 'document'],
  ['k: |\n\n   x\n  y\n', 'document'],
  ['k: "bad \\q escape"\n', 'document'],
  ['k: "unclosed\n', 'document'],
  ['--- a: 1\n', 'document'],
  ['a: 1\n...\n', 'document'],
  ['%YAML 1.2\n---\na: 1\n', 'document'],
  ['a\nb: c\n', 'document'],
  ['a: b\n  c\n d: e\n', 'document'],
  ['|\nx\n', 'document'],
];

describe('the fast path from parser tokens gives what the Document path gives', function () {
  this.timeout(300_000);

  it('on each construct it mirrors, and those it hands to the Document path', () => {
    const tally: Tally = { files: 0, documents: 0, viaTokens: 0, viaScan: 0, paths: 0 };
    for (const [text, via] of CASES) {
      compareParses(text, JSON.stringify(text), tally);
      const file = parseManifestText(text, DEFAULT_LIMITS);
      const took = file.segments!.some((s) => s.via === 'document') ? 'document' : 'tokens';
      assert.equal(took, via, `${JSON.stringify(text)}: path taken`);
    }
  });

  it('on every YAML file of the shared corpus', function () {
    if (!existsSync(CORPUS)) {
      console.log(`    (skipped: the shared corpus is not at ${CORPUS})`);
      this.skip();
    }
    const files = corpusFiles();
    const tally: Tally = { files: 0, documents: 0, viaTokens: 0, viaScan: 0, paths: 0 };
    for (const f of files) compareParses(f.text, f.rel, tally);
    const findings = compareFindings(files, 'corpus');
    report('corpus', tally, findings);
    assert.ok(files.length > 300 && tally.viaTokens > tally.documents / 2, 'the corpus went through the fast path');
  });

  it('on the bench workspace (1,000 files, 5,000 objects)', () => {
    const files = benchFiles();
    const tally: Tally = { files: 0, documents: 0, viaTokens: 0, viaScan: 0, paths: 0 };
    // Generated files repeat their shapes: the Document locator is asked about every fourth file.
    files.forEach((f, i) => compareParses(f.text, f.rel, tally, i % 4 === 0));
    const findings = compareFindings(files, 'bench');
    report('bench workspace', tally, findings);
    // Only the documents with an injected syntax error may take the Document path.
    assert.ok(tally.viaTokens >= tally.documents * 0.98, 'nearly all of the bench workspace goes through the fast path');
  });

  it('on 1,000 seeded random edits of corpus and bench files', function () {
    const sources = [...(existsSync(CORPUS) ? corpusFiles() : []), ...benchFiles()].filter((f) => f.text.length < 20_000);
    const r = rng(Number(process.env.FAST_PATH_SEED ?? 20250611));
    const tally: Tally = { files: 0, documents: 0, viaTokens: 0, viaScan: 0, paths: 0 };
    for (let n = 0; n < EDIT_COUNT; n++) {
      const src = sources[Math.floor(r() * sources.length)];
      let text = src.text;
      const edits = 1 + Math.floor(r() * 3);
      for (let k = 0; k < edits; k++) text = mutate(text, r);
      compareParses(text, `${src.rel} (edit ${n})`, tally);
    }
    report('random edits', tally);
    assert.ok(tally.viaTokens > tally.documents / 2, 'most edited documents still went through the fast path');
  });
});
