// How long bad input takes on the paths a user hits, against a normal manifest on the same path.
//
//   npm run bench:bad-input
//
// Engine: bytes -> new ManifestEngine: setFile + analyze + findings (what the extension host does
// for a file read from disk), median and p95 of RUNS runs after WARMUP runs. CLI: the wall time of
// one `node cli.js lint <file> --format json` subprocess per input, against `node cli.js --version`
// (process start-up). The CLI is bundled from the current sources into a temp dir with the same
// esbuild entry and options as scripts/build.mjs uses for dist/cli.js, so it is never stale.
//
// The inputs have the shapes of test/unit/bad-input.test.ts, which asserts their exact findings.
// The last line of output is one JSON object for machines.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ManifestEngine, RULES } from '../src/core';
import { bundleCli } from '../test/unit/helpers/cli-bundle';
import { binaryPng, bundle, configMap, DEPTH, invalidUtf8, laughs, SERVICE, TABS } from '../test/unit/helpers/bad-inputs';

// Warm-up: at least WARMUP runs and until the JIT had WARMUP_MS of the path (a cold engine is several
// times slower). Measured: at least RUNS runs, more for fast inputs until MEASURE_MS are spent.
const WARMUP = 2;
const WARMUP_MS = 500;
const RUNS = 9;
const MEASURE_MS = 500;
const MAX_RUNS = 100;
const BUDGET_MS = 1000;
const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Inputs

/** A normal 200-line multi-document manifest: a comment, then ten Services and ten Deployments. */
function normalManifest(): string {
  const docs: string[] = [];
  for (let i = 0; i < 10; i++) {
    const app = `svc-${i}`;
    docs.push(
      ['apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${app}`, '  namespace: shop', 'spec:', `  selector: {app: ${app}}`, '  ports:', '  - {name: http, port: 8080}'].join('\n'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        `  name: ${app}`,
        '  namespace: shop',
        'spec:',
        '  replicas: 2',
        `  selector: {matchLabels: {app: ${app}}}`,
        `  template: {metadata: {labels: {app: ${app}}}, spec: {containers: [{name: app, image: "shop/${app}:1.0", ports: [{containerPort: 8080}], ` +
          `readinessProbe: {httpGet: {path: /ready, port: 8080}}, livenessProbe: {httpGet: {path: /live, port: 8080}}}]}}`,
      ].join('\n'),
    );
  }
  return '# shop: ten services\n' + docs.join('\n---\n') + '\n';
}


interface Input {
  name: string;
  file: string;
  bytes: Uint8Array;
  /** The finding codes the path must produce; the bench refuses to time a wrong path. */
  codes: string[];
  /** Not part of the acceptance item: shown to know where the limits stand. */
  reference?: string;
  runs?: number;
}

function inputs(): Input[] {
  const png = binaryPng();
  const badUtf8 = invalidUtf8();
  const tabs = TABS;
  const normal = normalManifest();
  if (normal.split('\n').length - 1 !== 200) throw new Error(`the baseline has ${normal.split('\n').length - 1} lines, not 200`);
  return [
    { name: 'baseline', file: 'normal.yaml', bytes: enc.encode(normal), codes: [] },
    { name: 'binary', file: 'logo.yaml', bytes: png, codes: ['ML0006'] },
    { name: 'size-20MB', file: 'bundle.yaml', bytes: bundle(20 * 1024 * 1024), codes: ['ML0005'] },
    { name: 'laughs', file: 'lol.yaml', bytes: enc.encode(laughs()), codes: ['ML0007'] },
    { name: 'laughs-configmap', file: 'configmap-lol.yaml', bytes: enc.encode(SERVICE + '---\n' + configMap('lol', laughs('  '))), codes: ['ML0007'] },
    {
      name: 'deep-flow-seq',
      file: 'deep-flow.yaml',
      bytes: enc.encode(SERVICE + '---\n' + configMap('deep', `  x: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n`)),
      codes: ['ML0007'],
    },
    {
      name: 'deep-block-seq',
      file: 'deep-seq.yaml',
      bytes: enc.encode(configMap('deep', `  x:\n    ${'- '.repeat(DEPTH)}x\n`) + '---\n' + SERVICE),
      codes: ['ML0007'],
    },
    { name: 'deep-flow-map', file: 'deep-map.yaml', bytes: enc.encode(configMap('deep', `  x: ${'{a: '.repeat(DEPTH)}1${'}'.repeat(DEPTH)}\n`)), codes: ['ML0007'] },
    { name: 'invalid-utf8', file: 'service.yaml', bytes: badUtf8, codes: ['ML0006'] },
    { name: 'tabs', file: 'tabs.yaml', bytes: enc.encode(tabs), codes: ['ML0001', 'ML0001', 'ML0001', 'ML0001', 'ML0001'] },
    {
      name: 'ref:deep-flow-100k',
      file: 'ref-deep-flow-100k.yaml',
      bytes: enc.encode(configMap('deep', `  x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)),
      codes: ['ML0007'],
      reference: '100,000-deep flow nesting (200 KB, far under the size limit; cut off by the pre-scan)',
      runs: 5,
    },
    {
      name: 'ref:valid-1.9MB',
      file: 'ref-bundle-1.9MB.yaml',
      bytes: bundle(1.9 * 1024 * 1024),
      codes: [],
      reference: 'a valid bundle just under the default 2 MB limit: the largest file that is parsed',
      runs: 5,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Measuring

function engineRun(input: Input): { ms: number; codes: string[] } {
  const engine = new ManifestEngine(RULES);
  const uri = `file:///bench/${input.file}`;
  const t0 = performance.now();
  engine.setFile(uri, { bytes: input.bytes });
  engine.analyze();
  const found = engine.findings(uri);
  const ms = performance.now() - t0;
  return { ms, codes: found.map((f) => f.code) };
}

function stats(samples: number[]): { median: number; p95: number } {
  const s = [...samples].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] };
}

function cliRun(cli: string, cwd: string, args: string[]): { ms: number; status: number | null; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.error || r.signal) throw new Error(`CLI ${args.join(' ')} did not finish: ${r.error?.message ?? r.signal}`);
  return { ms, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sameCodes = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const fmtSize = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const round = (ms: number) => Math.round(ms * 100) / 100;

function codesLabel(codes: string[]): string {
  if (codes.length === 0) return '-';
  const counts = new Map<string, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([c, n]) => (n > 1 ? `${c} x${n}` : c)).join(', ');
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-bench-bad-input-'));
  try {
    const cli = path.join(dir, 'bin', 'cli.js');
    const ws = path.join(dir, 'ws');
    fs.mkdirSync(ws);
    await bundleCli(cli);

    const all = inputs();
    for (const i of all) fs.writeFileSync(path.join(ws, i.file), i.bytes);

    // CLI start-up baseline: warm the disk cache once, then the median of five.
    cliRun(cli, ws, ['--version']);
    const cliBaseline = stats(Array.from({ length: 5 }, () => cliRun(cli, ws, ['--version']).ms)).median;

    interface Row {
      input: Input;
      median: number;
      p95: number;
      cliMs: number;
      codes: string[];
      runs: number;
    }
    const rows: Row[] = [];
    for (const input of all) {
      let codes: string[] = [];
      const samples: number[] = [];
      if (input.runs) {
        codes = engineRun(input).codes; // reference rows are slow: one warm-up, a fixed number of runs
        for (let n = 0; n < input.runs; n++) samples.push(engineRun(input).ms);
      } else {
        for (let n = 0, spent = 0; n < WARMUP || (spent < WARMUP_MS && n < MAX_RUNS); n++) {
          const r = engineRun(input);
          codes = r.codes;
          spent += r.ms;
        }
        for (let spent = 0; samples.length < RUNS || (spent < MEASURE_MS && samples.length < MAX_RUNS); ) {
          samples.push(engineRun(input).ms);
          spent += samples[samples.length - 1];
        }
      }
      if (!sameCodes(codes, input.codes)) throw new Error(`${input.name}: engine found [${codes}], expected [${input.codes}]`);
      const { median, p95 } = stats(samples);
      const c = cliRun(cli, ws, ['lint', input.file, '--format', 'json']);
      const cliCodes = (JSON.parse(c.stdout) as { findings: Array<{ code: string }> }).findings.map((f) => f.code);
      const expectedStatus = input.codes.includes('ML0001') ? 1 : 0;
      if (c.status !== expectedStatus || c.stderr !== '' || !sameCodes(cliCodes, input.codes)) {
        throw new Error(`${input.name}: CLI exited ${c.status} with [${cliCodes}] and stderr ${JSON.stringify(c.stderr.slice(0, 300))}`);
      }
      rows.push({ input, median, p95, cliMs: c.ms, codes, runs: samples.length });
      process.stderr.write(`. ${input.name}\n`);
    }

    const baseline = rows[0].median;
    const header = ['input', 'size', 'finding', 'runs', 'median ms', 'p95 ms', 'x baseline', 'CLI ms', 'CLI x start-up', 'under 1 s'];
    const table = rows.map((r) => [
      r.input.name,
      fmtSize(r.input.bytes.length),
      codesLabel(r.codes),
      String(r.runs),
      fmtMs(r.median),
      fmtMs(r.p95),
      (r.median / baseline).toFixed(1),
      fmtMs(r.cliMs),
      (r.cliMs / cliBaseline).toFixed(1),
      r.p95 < BUDGET_MS && r.cliMs < BUDGET_MS ? 'yes' : 'no',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
    const line = (cells: string[]) => '| ' + cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
    console.log(
      `bad input: engine setFile+analyze+findings, median/p95 of >= ${RUNS} runs after >= ${WARMUP} warm-up runs and ${WARMUP_MS} ms (ref rows: 5 after 1); CLI: one run each`,
    );
    console.log(`baseline: normal 200-line manifest ${fmtMs(baseline)} ms; CLI start-up (node cli.js --version, median of 5) ${fmtMs(cliBaseline)} ms; node ${process.version}`);
    console.log(line(header));
    console.log('|' + widths.map((w, i) => (i < 3 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
    for (const t of table) console.log(line(t));
    for (const r of rows.filter((x) => x.input.reference)) console.log(`  ${r.input.name}: ${r.input.reference} (not part of the acceptance item)`);

    const entry = (r: Row) => ({ medianMs: round(r.median), p95Ms: round(r.p95), cliMs: round(r.cliMs), bytes: r.input.bytes.length, codes: r.codes });
    const cases: Record<string, ReturnType<typeof entry>> = {};
    const reference: Record<string, ReturnType<typeof entry>> = {};
    for (const r of rows.slice(1)) (r.input.reference ? reference : cases)[r.input.name] = entry(r);
    console.log(JSON.stringify({ bench: 'bad-input', cases, baselineMs: round(baseline), cliBaselineMs: round(cliBaseline), baselineCliLintMs: round(rows[0].cliMs), reference }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
