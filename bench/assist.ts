// Completion, hover and definition latency on the bench workspace of bench:lint (1,000 files,
// 5,000 objects).
//
//   npm run bench:assist                (seed 1; BENCH_SEED=<n> for another workspace)
//
// The engine runs as it ships (src/core and src/core/assist bundled and minified by esbuild, as
// bench:lint does), with the whole workspace loaded and analysed. Then at REQUESTS seeded random
// places -- half at a random offset of a random file, half at the end of a random line (where
// people type) -- a completion, a hover and a definition request, each timed alone. The baseline,
// measured in the same run and interleaved with the requests so that a busy neighbour slows both
// alike, is what the editor does on every keystroke anyway: an edit of the same file (setFile +
// analyze + findings of the affected files).
//
// The last line of output is one JSON object for machines.
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Core from '../src/core';
import type * as Assist from '../src/core/assist';
import { buildWorkspace, Prng } from './generate-workspace';

const ROOT = path.resolve(__dirname, '..');
const SEED = Number(process.env.BENCH_SEED ?? 1);
const BUNDLE = path.join(ROOT, 'bench', '.work', 'dist', 'meshlens-assist.js');
const WARMUP = 100;
const REQUESTS = 1000;
/** One baseline edit per this many requests. */
const EDIT_EVERY = 10;
const TARGET_P95_MS = 20;

const median = (xs: number[]) => pct(xs, 0.5);
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const round = (ms: number) => Math.round(ms * 100) / 100;

async function main(): Promise<void> {
  const load0 = os.loadavg()[0];
  const esbuild = await import('esbuild');
  await esbuild.build({
    stdin: { contents: "export * from './src/core';\nexport { complete, hover, definition } from './src/core/assist';\n", resolveDir: ROOT, loader: 'ts' },
    outfile: BUNDLE,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
  });
  const m = createRequire(__filename)(BUNDLE) as typeof Core & typeof Assist;

  const files = buildWorkspace(SEED);
  const uri = (p: string) => `file:///bench/${p}`;
  const engine = new m.ManifestEngine(m.RULES);
  const t0 = performance.now();
  for (const f of files) engine.setFile(uri(f.path), { text: f.text });
  for (const u of engine.analyze()) engine.findings(u);
  const loadMs = performance.now() - t0;

  const r = new Prng(SEED ^ 0xa551);
  const place = (): { file: (typeof files)[number]; offset: number; where: 'random' | 'line end' } => {
    const file = r.pick(files);
    if (r.int(0, 1) === 0) return { file, offset: r.int(0, file.text.length), where: 'random' };
    const lines = file.text.split('\n');
    const line = r.int(0, lines.length - 1);
    let offset = 0;
    for (let i = 0; i < line; i++) offset += lines[i].length + 1;
    return { file, offset: offset + lines[line].length, where: 'line end' };
  };

  for (let i = 0; i < WARMUP; i++) {
    const p = place();
    m.complete(engine, uri(p.file.path), p.offset);
    m.hover(engine, uri(p.file.path), p.offset);
    m.definition(engine, uri(p.file.path), p.offset);
  }

  const ms: number[] = [];
  const byWhere: Record<string, number[]> = { random: [], 'line end': [] };
  const items: number[] = [];
  const hoverMs: number[] = [];
  const definitionMs: number[] = [];
  let hovers = 0;
  let definitions = 0;
  const editMs: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const p = place();
    const a = performance.now();
    const got = m.complete(engine, uri(p.file.path), p.offset);
    const b = performance.now();
    ms.push(b - a);
    byWhere[p.where].push(b - a);
    items.push(got.length);
    const h0 = performance.now();
    if (m.hover(engine, uri(p.file.path), p.offset)) hovers++;
    const h1 = performance.now();
    if (m.definition(engine, uri(p.file.path), p.offset).length) definitions++;
    const h2 = performance.now();
    hoverMs.push(h1 - h0);
    definitionMs.push(h2 - h1);
    if (i % EDIT_EVERY === 0) {
      // The baseline: a keystroke's worth of work on the same file, then the file as it was (not timed).
      const edited = p.file.text.slice(0, p.offset) + '#' + p.file.text.slice(p.offset);
      const e0 = performance.now();
      engine.setFile(uri(p.file.path), { text: edited });
      for (const u of engine.analyze()) engine.findings(u);
      editMs.push(performance.now() - e0);
      engine.setFile(uri(p.file.path), { text: p.file.text });
      for (const u of engine.analyze()) engine.findings(u);
    }
  }

  const p50 = median(ms);
  const p95 = pct(ms, 0.95);
  const hoverP50 = median(hoverMs);
  const hoverP95 = pct(hoverMs, 0.95);
  const editP50 = median(editMs);
  const withItems = items.filter((n) => n > 0).length;
  console.log(
    `assist: bench workspace seed ${SEED} (${files.length} files), loaded and analysed in ${fmt(loadMs)} ms (not timed below); ` +
      `node ${process.version}, ${os.cpus().length} CPUs, load average ${load0.toFixed(2)} at start; ` +
      `engine as shipped (${path.relative(ROOT, BUNDLE)}, bundled and minified)`,
  );
  console.log(`${REQUESTS} places, each a completion, a hover and a definition request, after ${WARMUP} warm-up; half at random offsets, half at line ends; baseline: an edit of the same file every ${EDIT_EVERY} places`);
  const rows: string[][] = [
    ['measure', 'p50 ms', 'p95 ms', 'max ms', 'n', 'target', 'holds'],
    ['completion, all', fmt(p50), fmt(p95), fmt(Math.max(...ms)), String(ms.length), `p95 < ${TARGET_P95_MS} ms`, p95 < TARGET_P95_MS ? 'yes' : 'NO'],
    ['completion at random offsets', fmt(median(byWhere.random)), fmt(pct(byWhere.random, 0.95)), fmt(Math.max(...byWhere.random)), String(byWhere.random.length), '', ''],
    ['completion at line ends', fmt(median(byWhere['line end'])), fmt(pct(byWhere['line end'], 0.95)), fmt(Math.max(...byWhere['line end'])), String(byWhere['line end'].length), '', ''],
    ['hover', fmt(hoverP50), fmt(hoverP95), fmt(Math.max(...hoverMs)), String(hoverMs.length), `p95 < ${TARGET_P95_MS} ms`, hoverP95 < TARGET_P95_MS ? 'yes' : 'NO'],
    ['definition', fmt(median(definitionMs)), fmt(pct(definitionMs, 0.95)), fmt(Math.max(...definitionMs)), String(definitionMs.length), '', ''],
    ['baseline: edit of that file', fmt(editP50), fmt(pct(editMs, 0.95)), fmt(Math.max(...editMs)), String(editMs.length), '', ''],
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  for (const [i, row] of rows.entries()) {
    console.log('| ' + row.map((cell, c) => (c === 0 || c >= 5 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ') + ' |');
    if (i === 0) console.log('|' + widths.map((w, c) => (c === 0 || c >= 5 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  }
  console.log(
    `completion p95 / edit p50: ${(p95 / editP50).toFixed(2)}, hover p95 / edit p50: ${(hoverP95 / editP50).toFixed(2)}; ` +
      `completions with at least one item: ${withItems} of ${REQUESTS} (items per request, median ${median(items)}, max ${Math.max(...items)}); hovers with content: ${hovers}; definitions found: ${definitions}`,
  );
  console.log(
    JSON.stringify({
      bench: 'assist',
      p50Ms: round(p50),
      p95Ms: round(p95),
      maxMs: round(Math.max(...ms)),
      hoverP50Ms: round(hoverP50),
      hoverP95Ms: round(hoverP95),
      definitionP95Ms: round(pct(definitionMs, 0.95)),
      editP50Ms: round(editP50),
      ratioP95ToEdit: Math.round((p95 / editP50) * 100) / 100,
      requests: REQUESTS,
      withItems,
      target: { p95: p95 < TARGET_P95_MS, hoverP95: hoverP95 < TARGET_P95_MS },
      seed: SEED,
      cpus: os.cpus().length,
      node: process.version,
    }),
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
