// Bad input never crashes, hangs or loses data. Each hostile or broken file is generated here (never
// checked in), fed to the engine the way the extension and the CLI do (`setFile(uri, { bytes })`),
// and run through the real CLI in a subprocess. The mocha timeout is a hang guard only: speed is
// measured by `npm run bench:bad-input`, not asserted here.
//
// The CLI under test is bundled from the current sources into this suite's temp dir (the same
// esbuild entry and options as scripts/build.mjs uses for dist/cli.js): always fresh, run by plain
// `node` exactly like the published bin, and never racing other suites that rebuild dist/.
import { strict as assert } from 'node:assert';
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LIMITS, ManifestEngine, RULES } from '../../src/core';
import type { Finding, Severity } from '../../src/core';
import { locatePath } from '../../src/core/yaml/locate';
import { bundleCli } from './helpers/cli-bundle';
import { binaryPng, bundle, configMap, DEPTH, invalidUtf8, laughs, SERVICE, TABS } from './helpers/bad-inputs';

const WS = 'file:///ws';
const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Inputs

// ---------------------------------------------------------------------------------------------
// Cases: what each input must yield, exactly.

interface Expected {
  code: string;
  severity: Severity;
  /** 0-based [startLine, startCharacter, endLine, endCharacter]. */
  range: [number, number, number, number];
  /** Words that make the message clear to someone who has never heard of MeshLens. */
  words: RegExp[];
  /** The text at the start of the range, to show the finding points at the right thing. */
  at?: string;
}

interface Case {
  name: string;
  file: string;
  make(): Uint8Array;
  expected: Expected[];
  /** Refs of the objects that must be in the index (the documents that are not lost). */
  indexed: string[];
  /** True when other (half-parsed) objects may be in the index too; otherwise `indexed` is exact. */
  indexedAtLeast?: boolean;
  /** Exit status of `meshlens lint` on this file alone: 1 when an error remains, else 0. */
  exit: 0 | 1;
  /** The input is text, so an open editor buffer (`setFile(uri, { text })`) must give the same. */
  text: boolean;
}

const ML0007_DEPTH = [/Nesting deeper than 200 levels/, /not analysed/];
const ML0007_ALIASES = [/Aliases expand more than 100 times/, /billion laughs/, /not analysed/];

const CASES: Case[] = [
  {
    name: 'binary file named .yaml',
    file: 'logo.yaml',
    make: binaryPng,
    expected: [{ code: 'ML0006', severity: 'warning', range: [0, 0, 0, 0], words: [/NUL bytes/, /binary/, /not checked/] }],
    indexed: [],
    exit: 0,
    text: false,
  },
  {
    name: '20 MB manifest bundle',
    file: 'bundle.yaml',
    make: () => bundle(20 * 1024 * 1024),
    expected: [{ code: 'ML0005', severity: 'info', range: [0, 0, 0, 0], words: [/File is 20\.0 MB/, /above the 2\.0 MB limit/, /maxFileSizeMB/, /not checked/] }],
    indexed: [],
    exit: 0,
    text: true,
  },
  {
    name: 'billion laughs, standalone document',
    file: 'lol.yaml',
    make: () => enc.encode(laughs()),
    // Not a manifest, but reported anyway: such a document is hostile wherever it is.
    expected: [{ code: 'ML0007', severity: 'warning', range: [1, 7, 1, 8], words: ML0007_ALIASES, at: '*a, *a' }],
    indexed: [],
    exit: 0,
    text: true,
  },
  {
    name: "billion laughs in a ConfigMap's data, after a valid Service",
    file: 'configmap-lol.yaml',
    // Service lines 0-6, `---` 7, ConfigMap 8-12, `  a: &a` 13, `  b: &b [*a` 14.
    make: () => enc.encode(SERVICE + '---\n' + configMap('lol', laughs('  '))),
    expected: [{ code: 'ML0007', severity: 'warning', range: [14, 9, 14, 10], words: ML0007_ALIASES, at: '*a, *a' }],
    indexed: ['Service default/reviews'],
    exit: 0,
    text: true,
  },
  {
    name: '10,000-deep flow sequences under data:, after a valid Service',
    file: 'deep-flow.yaml',
    // Line 13 is `  x: [[[…`. Depth counts collections from the document's map (1): data 2, the first
    // `[` 3, so the 199th `[` (column 5 + 198) is the first node deeper than 200.
    make: () => enc.encode(SERVICE + '---\n' + configMap('deep', `  x: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n`)),
    expected: [{ code: 'ML0007', severity: 'warning', range: [13, 203, 13, 204], words: ML0007_DEPTH, at: '[[[' }],
    indexed: ['Service default/reviews'],
    exit: 0,
    text: true,
  },
  {
    name: '10,000-deep compact block sequences (- - - …) on one line, before a valid Service',
    file: 'deep-seq.yaml',
    // Line 6 is `    - - - … x`: the sequence at column 4 is depth 3, each `- ` one deeper.
    make: () => enc.encode(configMap('deep', `  x:\n    ${'- '.repeat(DEPTH)}x\n`) + '---\n' + SERVICE),
    expected: [{ code: 'ML0007', severity: 'warning', range: [6, 400, 6, 401], words: ML0007_DEPTH, at: '- - -' }],
    indexed: ['Service default/reviews'],
    exit: 0,
    text: true,
  },
  {
    name: '10,000-deep nested flow maps {a: {a: …}}',
    file: 'deep-map.yaml',
    // Line 5 is `  x: {a: {a: …`: the map at column 5 is depth 3, each `{a: ` (4 characters) one deeper.
    make: () => enc.encode(configMap('deep', `  x: ${'{a: '.repeat(DEPTH)}1${'}'.repeat(DEPTH)}\n`)),
    expected: [{ code: 'ML0007', severity: 'warning', range: [5, 797, 5, 798], words: ML0007_DEPTH, at: '{a: {a: ' }],
    indexed: [],
    exit: 0,
    text: true,
  },
  {
    name: 'invalid UTF-8 in a label value',
    file: 'service.yaml',
    make: invalidUtf8,
    // The editor shows 0xC3 as U+FFFD at line 5, column 11; the object is still checked.
    expected: [{ code: 'ML0006', severity: 'warning', range: [5, 11, 5, 12], words: [/Invalid UTF-8/, /Kubernetes rejects/], at: '\uFFFD(views' }],
    indexed: ['Service default/reviews'],
    exit: 0,
    text: false,
  },
  {
    name: 'tabs for indentation, then a valid ConfigMap',
    file: 'tabs.yaml',
    make: () => enc.encode(TABS),
    // One error per tab-indented line, covering its tabs; the ConfigMap after it is still indexed.
    expected: [
      { code: 'ML0001', severity: 'error', range: [3, 0, 3, 1], words: [/YAML syntax error/, /Tabs are not allowed as indentation/], at: '\tname' },
      { code: 'ML0001', severity: 'error', range: [4, 0, 4, 1], words: [/Tabs are not allowed as indentation/], at: '\tlabels' },
      { code: 'ML0001', severity: 'error', range: [5, 0, 5, 2], words: [/Tabs are not allowed as indentation/], at: '\t\tapp' },
      { code: 'ML0001', severity: 'error', range: [7, 0, 7, 1], words: [/Tabs are not allowed as indentation/], at: '\tports' },
      { code: 'ML0001', severity: 'error', range: [8, 0, 8, 1], words: [/Tabs are not allowed as indentation/], at: '\t- port' },
    ],
    indexed: ['ConfigMap default/settings'],
    indexedAtLeast: true,
    exit: 1,
    text: true,
  },
];

const cache = new Map<string, Uint8Array>();
function bytesOf(c: Case): Uint8Array {
  let b = cache.get(c.name);
  if (!b) cache.set(c.name, (b = c.make()));
  return b;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const uriOf = (file: string) => `${WS}/${file}`;

function analyse(file: string, input: { bytes: Uint8Array } | { text: string }, engine = new ManifestEngine(RULES, undefined, { strict: true })) {
  engine.setFile(uriOf(file), input);
  engine.analyze();
  return { engine, found: engine.findings(uriOf(file)) };
}

const rangeOf = (f: Finding): number[] => [f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character];

/** The text at a 0-based position (lines split like the engine: \n, \r\n or \r). */
function textAt(text: string, line: number, character: number, length: number): string {
  return text.split(/\r\n|\r|\n/)[line].slice(character, character + length);
}

function assertFindings(found: readonly Finding[], c: Case, decoded: string | undefined): void {
  assert.deepEqual(
    found.map((f) => ({ code: f.code, severity: f.severity, range: rangeOf(f), object: f.object ?? null })),
    c.expected.map((e) => ({ code: e.code, severity: e.severity, range: e.range, object: null })),
  );
  found.forEach((f, i) => {
    const e = c.expected[i];
    for (const w of e.words) assert.match(f.message, w);
    assert.doesNotMatch(f.message, /\{\w+\}/, 'every placeholder filled');
    if (e.at !== undefined) assert.equal(textAt(decoded!, e.range[0], e.range[1], e.at.length), e.at);
  });
}

function assertIndexed(engine: ManifestEngine, c: Case): void {
  const refs = engine.index.get(uriOf(c.file))!.objects.map((o) => o.ref);
  if (c.indexedAtLeast) for (const r of c.indexed) assert.ok(refs.includes(r), `${r} indexed, got ${JSON.stringify(refs)}`);
  else assert.deepEqual(refs, c.indexed);
}

// ---------------------------------------------------------------------------------------------
// Tests

describe('bad input: never crashes, hangs or loses data', function () {
  this.timeout(20_000); // hang guard only; generating 20 MB and bundling the CLI take well under it

  describe('ManifestEngine (bytes, as the CLI and the extension read files)', () => {
    for (const c of CASES) {
      it(`${c.name}: ${c.expected.map((e) => e.code).join(', ')} at the exact position`, () => {
        const bytes = bytesOf(c);
        const { engine, found } = analyse(c.file, { bytes });
        assertFindings(found, c, new TextDecoder().decode(bytes));
        assertIndexed(engine, c);
        // Nothing lost: every indexed object that is not itself bad was analysed and found clean.
        assert.deepEqual(found.filter((f) => f.object), []);
        assert.deepEqual(engine.ruleErrors, []);
      });
    }

    it('the input sizes are what the acceptance item names', () => {
      const text = (file: string) => new TextDecoder().decode(bytesOf(CASES.find((c) => c.file === file)!));
      assert.ok(bytesOf(CASES.find((c) => c.file === 'bundle.yaml')!).length >= 20 * 1024 * 1024);
      assert.equal(text('deep-flow.yaml').split('[').length - 1, DEPTH);
      assert.equal(text('deep-seq.yaml').split('\n')[6].split('- ').length - 1, DEPTH);
      assert.equal(text('deep-map.yaml').split('{a: ').length - 1, DEPTH);
      assert.ok(bytesOf(CASES.find((c) => c.file === 'logo.yaml')!).slice(0, 16).includes(0), 'NUL in the PNG header');
      // 9 levels of 9 aliases: expanding `i` would build 9^9 = 387,420,489 strings.
      assert.equal((laughs().match(/\*[a-h]\b/g) ?? []).length, 8 * 9);
    });

    it('the valid Service and ConfigMap used around the bad documents are clean on their own', () => {
      const { engine, found } = analyse('ok.yaml', { text: SERVICE + '---\n' + configMap('settings', '  mode: canary\n') });
      assert.deepEqual(found, []);
      assert.deepEqual(engine.index.get(uriOf('ok.yaml'))!.objects.map((o) => o.ref), ['Service default/reviews', 'ConfigMap default/settings']);
    });

    it('the invalid UTF-8 object is checked as the editor shows it', () => {
      const { engine } = analyse('service.yaml', { bytes: invalidUtf8() });
      assert.equal(engine.index.get(uriOf('service.yaml'))!.objects[0].labels.app, 're\uFFFD(views');
    });
  });

  describe('ManifestEngine (text, as an open editor buffer arrives)', () => {
    for (const c of CASES.filter((x) => x.text)) {
      it(`${c.name}: the same findings`, () => {
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytesOf(c));
        const { engine, found } = analyse(c.file, { text });
        assertFindings(found, c, text);
        assertIndexed(engine, c);
      });
    }
  });

  describe('recovery', () => {
    for (const c of CASES) {
      it(`${c.name}: replacing it with a valid manifest clears the finding`, () => {
        const engine = new ManifestEngine(RULES, undefined, { strict: true });
        engine.setFile(uriOf('other.yaml'), { text: configMap('neighbour', '  mode: canary\n') });
        analyse(c.file, { bytes: bytesOf(c) }, engine);
        assert.equal(engine.findings(uriOf(c.file)).length, c.expected.length);

        engine.setFile(uriOf(c.file), { bytes: enc.encode(SERVICE) });
        assert.ok(engine.analyze().has(uriOf(c.file)));
        assert.deepEqual(engine.findings(uriOf(c.file)), []);
        assert.deepEqual(engine.index.get(uriOf(c.file))!.objects.map((o) => o.ref), ['Service default/reviews']);
        // The neighbour never noticed.
        assert.deepEqual(engine.findings(uriOf('other.yaml')), []);
        assert.deepEqual(engine.index.get(uriOf('other.yaml'))!.objects.map((o) => o.ref), ['ConfigMap default/neighbour']);
      });
    }
  });

  describe('depth limit position does not depend on the parser', () => {
    it("a stack overflow in the yaml parser costs only its own document (two deep ones, a key after the nesting, a Service after them)", () => {
      // Closing 10,000 compact block sequences at once overflows the yaml package's parser (not
      // just its composer); the documents after the overflow must still be parsed, at their offsets.
      const deep = `  x:\n    ${'- '.repeat(DEPTH)}x\n`;
      const text = configMap('one', deep + '  y: 1\n') + '---\n' + configMap('two', deep) + '---\n' + SERVICE;
      const { engine, found } = analyse('two-deep.yaml', { text });
      assert.deepEqual(
        found.map((f) => [f.code, ...rangeOf(f)]),
        [
          ['ML0007', 6, 400, 6, 401],
          ['ML0007', 15, 400, 15, 401],
        ],
      );
      const objects = engine.index.get(uriOf('two-deep.yaml'))!.objects;
      assert.deepEqual(objects.map((o) => o.ref), ['Service default/reviews']);
      // The Service's own positions are right: its name is at 0-based line 20, column 8.
      const name = locatePath(objects[0].doc.node, ['metadata', 'name']);
      assert.equal(textAt(text, 20, 8, 7), 'reviews');
      assert.deepEqual(engine.index.get(uriOf('two-deep.yaml'))!.file!.lines.positionAt(name.start), { line: 20, character: 8 });
      assert.equal(text.slice(name.start, name.end), 'reviews');
    });

    it('when the parser gives up before the limit, the finding is still there, where it gave up', () => {
      // A limit far above what the yaml package's recursive composer can reach: its own
      // RESOURCE_EXHAUSTION error is the only signal, and it must still become ML0007.
      const limits = { ...DEFAULT_LIMITS, maxDepth: 1_000_000 };
      const engine = new ManifestEngine(RULES, { rules: {}, limits }, { strict: true });
      const text = configMap('deep', `  x: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n`);
      const { found } = analyse('deep.yaml', { text }, engine);
      assert.deepEqual(
        found.map((f) => [f.code, f.severity, f.range.start.line]),
        [['ML0007', 'warning', 5]],
      );
      const col = found[0].range.start.character;
      assert.ok(col > 5 + 200 && col < 5 + DEPTH, `inside the brackets, past depth 200: ${col}`);
      assert.equal(engine.index.get(uriOf('deep.yaml'))!.objects.length, 0);
    });
  });

  describe('CLI subprocess: node cli.js lint <file> --format json', () => {
    let dir: string;
    let cli: string;
    let ws: string;

    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-bad-input-'));
      cli = path.join(dir, 'bin', 'cli.js');
      ws = path.join(dir, 'ws');
      fs.mkdirSync(ws);
      await bundleCli(cli);
      for (const c of CASES) fs.writeFileSync(path.join(ws, c.file), bytesOf(c));
    });

    after(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Runs the bundled CLI; the 15 s kill is the hang guard, well inside the mocha timeout. */
    function run(args: string[], nodeArgs: string[] = []): SpawnSyncReturns<string> {
      const r = spawnSync(process.execPath, [...nodeArgs, cli, ...args], {
        cwd: ws,
        encoding: 'utf8',
        timeout: 15_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      });
      assert.equal(r.error, undefined, `the CLI terminated: ${r.error?.message}`);
      assert.equal(r.signal, null, `killed by ${r.signal}`);
      return r;
    }

    interface JsonFinding {
      file: string;
      code: string;
      severity: string;
      message: string;
      object: string | null;
      range: { start: { line: number; column: number }; end: { line: number; column: number } };
    }

    for (const c of CASES) {
      it(`${c.name}: exits ${c.exit} and prints the finding`, () => {
        const r = run(['lint', c.file, '--format', 'json']);
        assert.equal(r.status, c.exit, r.stderr);
        assert.equal(r.stderr, '');
        const report = JSON.parse(r.stdout) as { summary: Record<string, number>; findings: JsonFinding[] };
        assert.equal(report.summary.files, 1);
        assert.deepEqual(
          report.findings.map((f) => ({ file: f.file, code: f.code, severity: f.severity, object: f.object, range: f.range })),
          c.expected.map((e) => ({
            file: c.file,
            code: e.code,
            severity: e.severity,
            object: null,
            range: { start: { line: e.range[0] + 1, column: e.range[1] + 1 }, end: { line: e.range[2] + 1, column: e.range[3] + 1 } },
          })),
        );
        report.findings.forEach((f, i) => {
          for (const w of c.expected[i].words) assert.match(f.message, w);
        });
        if (c.indexedAtLeast) assert.ok(report.summary.objects >= c.indexed.length, `${report.summary.objects} objects`);
        else assert.equal(report.summary.objects, c.indexed.length);
      });
    }

    it('all of them in one directory: every file gets its findings, exit 1 for the tab errors', () => {
      // The same Service survives in four of the files; ML0002 (duplicate object) would say so, and
      // is turned off to keep this about the bad input.
      const r = run(['lint', '.', '--format', 'json', '--rule', 'ML0002=off']);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr, '');
      const report = JSON.parse(r.stdout) as { summary: Record<string, number>; findings: JsonFinding[] };
      assert.equal(report.summary.files, CASES.length);
      assert.ok(report.summary.objects >= CASES.reduce((n, c) => n + c.indexed.length, 0), `${report.summary.objects} objects`);
      const got = report.findings.map((f) => `${f.file}:${f.range.start.line}:${f.range.start.column} ${f.code}`).sort();
      const want = CASES.flatMap((c) => c.expected.map((e) => `${c.file}:${e.range[0] + 1}:${e.range[1] + 1} ${e.code}`)).sort();
      assert.deepEqual(got, want);
    });

    it('the depth finding points at the same node with a smaller and a larger stack', () => {
      // The yaml package's composer recurses and gives up where the stack runs out; that place
      // must not move the finding (the extension host and the CLI have different stacks).
      for (const stack of ['--stack-size=600', '--stack-size=2000']) {
        const r = run(['lint', 'deep-flow.yaml', '--format', 'json'], [stack]);
        assert.equal(r.status, 0, `${stack}: ${r.stderr}`);
        const f = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
        assert.deepEqual(
          f.map((x) => [x.code, x.range.start.line, x.range.start.column]),
          [['ML0007', 14, 204]],
          stack,
        );
      }
    });
  });
});
