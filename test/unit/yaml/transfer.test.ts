// A parse crosses from the worker thread to the main thread packed (transfer.ts) and must arrive
// as the very ParsedFile parseManifestText gives: values, trees, offsets, syntax problems, limits,
// and the sharing between documents and segments that incremental re-parsing relies on.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildWorkspace } from '../../../bench/generate-workspace';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { RULES } from '../../../src/core/analysis/registry';
import { loadFilesInParallel, parallelLoader, ParallelStats } from '../../../src/cli/parallel-load';
import { DEFAULT_LIMITS } from '../../../src/core/yaml/limits';
import { parseManifestText, ParsedFile } from '../../../src/core/yaml/parse';
import { packFile, unpackFile } from '../../../src/core/yaml/transfer';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

function corpusTexts(dir = CORPUS): Array<[string, string]> {
  if (!existsSync(dir)) return [];
  const out: Array<[string, string]> = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...corpusTexts(p));
    else if (/\.ya?ml$/.test(e.name)) out.push([path.relative(CORPUS, p), readFileSync(p, 'utf8')]);
  }
  return out;
}

/** What postMessage does to the packed form: a structured clone. */
function roundTrip(file: ParsedFile): ParsedFile {
  return unpackFile(structuredClone(packFile(file).packed), DEFAULT_LIMITS);
}

function assertSame(got: ParsedFile, want: ParsedFile, where: string): void {
  assert.equal(got.text, want.text, where);
  assert.deepEqual({ ...got, lines: null, segments: null }, { ...want, lines: null, segments: null }, `${where}: documents, syntax`);
  assert.deepEqual(got.segments?.map((s) => ({ ...s, limits: null })), want.segments?.map((s) => ({ ...s, limits: null })), `${where}: segments`);
  for (const s of got.segments ?? []) assert.equal(s.limits, DEFAULT_LIMITS, `${where}: segment limits are the receiver's`);
  // A document of the file and of its segment share the tree and the value.
  const segDocs = got.segments?.flatMap((s) => s.docs) ?? [];
  got.documents.forEach((d, i) => {
    assert.equal(d.node, segDocs[i].node, `${where}: document ${i} shares its tree`);
    assert.equal(d.value, segDocs[i].value, `${where}: document ${i} shares its value`);
  });
  assert.equal(got.lines.lineCount, want.lines.lineCount, `${where}: lines`);
}

describe('packed parses (worker to main thread)', function () {
  this.timeout(120_000);

  it('arrive as the same parse, for the corpus, the bench workspace and edge cases', () => {
    const cases: Array<[string, string]> = [
      ['nan, inf, -0', 'a: .nan\nb: -.inf\nc: -0\nd: [1, -0.0]\n'],
      ['empty documents', '---\n---\n# only a comment\n---\na: 1\n'],
      ['template', 'a: {{ .Values.x }}\n'],
      ['syntax error', 'a: [1, 2\nb: c\n---\nd: e\n'],
      ['aliases', 'a: &x {b: 1}\nc: *x\nd: &y [1]\ne: *y\n'],
      ['non-scalar key', '? [a]\n: 1\n'],
      ['deep', `${'['.repeat(500)}${']'.repeat(500)}\n`],
      ['odd keys', '"": 1\n__proto__x: 2\n"1": 3\n2: 4\n'],
      ...corpusTexts(),
      ...buildWorkspace(1).map((f): [string, string] => [f.path, f.text]),
    ];
    let docs = 0;
    for (const [where, text] of cases) {
      const want = parseManifestText(text, DEFAULT_LIMITS);
      assertSame(roundTrip(want), want, where);
      docs += want.documents.length;
    }
    assert.ok(cases.length > 1000 && docs > 5000, `${cases.length} files, ${docs} documents`);
  });

  it('a worker thread parses what it is given exactly as this thread does', async () => {
    const files = buildWorkspace(3).slice(0, 120);
    const inputs = files.map((f) => ({ bytes: new TextEncoder().encode(f.text) }));
    const stats: ParallelStats = { onWorker: 0, onMain: 0 };
    const loaded = await loadFilesInParallel(inputs, DEFAULT_LIMITS, {}, stats, { workerOnly: true, always: true });
    assert.deepEqual(stats, { onWorker: files.length, onMain: 0 });
    loaded.forEach((l, i) => {
      assert.equal(l.problem, undefined);
      assertSame(l.file!, parseManifestText(files[i].text, DEFAULT_LIMITS), files[i].path);
    });
  });

  it('setFiles gives the findings of setFile file by file, and later edits reuse its parses', async () => {
    const files = buildWorkspace(5).slice(0, 200);
    const uri = (p: string) => `file:///ws/${p}`;
    const one = new ManifestEngine(RULES, undefined, { strict: true });
    for (const f of files) one.setFile(uri(f.path), { text: f.text });
    one.analyze();
    const many = new ManifestEngine(RULES, undefined, { strict: true });
    await many.setFiles(files.map((f) => ({ uri: uri(f.path), input: { bytes: new TextEncoder().encode(f.text) } })), parallelLoader(undefined, { always: true }));
    many.analyze();
    for (const f of files) assert.deepEqual(many.findings(uri(f.path)), one.findings(uri(f.path)), f.path);
    // An edit after a parallel load keeps the unchanged documents (their trees came from the worker or not).
    const target = files.find((f) => f.text.split('\n---\n').length > 3)!;
    const before = [...many.index.get(uri(target.path))!.objects];
    const edited = target.text.replace(/\n---\n/, '\n# note\n---\n');
    many.setFile(uri(target.path), { text: edited });
    one.setFile(uri(target.path), { text: edited });
    many.analyze();
    one.analyze();
    const after = many.index.get(uri(target.path))!.objects;
    assert.ok(after.slice(1).every((o, i) => o === before[i + 1]), 'the documents after the edit were kept');
    for (const f of files) assert.deepEqual(many.findings(uri(f.path)), one.findings(uri(f.path)), `${f.path} after the edit`);
  });
});
