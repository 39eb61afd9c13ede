// npm run fuzz -- [--seed N] [--count N | --duration SECONDS] [--targets a,b] [--no-save]
//
// Feeds mutated inputs to every parser a user's data reaches (OTLP protobuf and JSON, Zipkin, trace
// files, YAML manifests, viewer messages); see test/unit/fuzz/. Each target runs in a worker with
// a hang detector. Inputs that fail are written to test/unit/fuzz/regressions/<target>/ (unless
// --no-save), where the unit tests replay them. Prints a table, then one JSON object as the last line.
// Env: FUZZ_SEED, FUZZ_COUNT, FUZZ_DURATION (seconds per target), FUZZ_TARGETS.
import { fuzz, REGRESSIONS } from '../test/unit/fuzz/supervisor';
import { TARGET_NAMES } from '../test/unit/fuzz/names';

function arg(name: string, env: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : process.env[env];
}

async function main(): Promise<void> {
  const seed = Number(arg('seed', 'FUZZ_SEED') ?? 1);
  const count = arg('count', 'FUZZ_COUNT');
  const duration = arg('duration', 'FUZZ_DURATION');
  const targets = (arg('targets', 'FUZZ_TARGETS') ?? TARGET_NAMES.join(',')).split(',').filter(Boolean);
  const unknown = targets.filter((t) => !TARGET_NAMES.includes(t));
  if (unknown.length || !Number.isInteger(seed)) {
    console.error(`unknown target(s) ${unknown.join(', ')} or bad seed; targets: ${TARGET_NAMES.join(', ')}`);
    process.exit(2);
  }
  const save = !process.argv.includes('--no-save');
  const opts = count !== undefined ? { count: Number(count) } : { durationMs: Number(duration ?? 30) * 1000 };
  console.log(`fuzz: seed ${seed}, ${'count' in opts ? `${opts.count} inputs` : `${opts.durationMs / 1000} s`} per target${save ? `, failures saved to ${REGRESSIONS}` : ''}`);
  const header = ['target', 'inputs', 'accepted', 'refused', 'failures', 'slowest ms CPU (wall)', 'heap MB (warm -> end)'];
  const rows: string[][] = [];
  const t0 = performance.now();
  const report = await fuzz({
    targets,
    seed,
    ...opts,
    saveTo: save ? REGRESSIONS : undefined,
    onResult: (r, failures) => {
      const row = [r.target, String(r.tried), String(r.accepted), String(r.refused), String(r.failures), `${r.slowestMs.toFixed(1)} (${r.slowestWallMs.toFixed(0)})`, `${r.heapStartMb} -> ${r.heapEndMb}`];
      rows.push(row);
      console.log(`  ${row.join('  ')}   (${r.held})`);
      for (const f of failures.slice(0, 10)) console.log(`    ${f.kind} at input ${f.index}${f.ms ? ` (${Math.round(f.ms)} ms)` : ''}: ${f.message.slice(0, 300)}`);
    },
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  const totalInputs = report.results.reduce((n, r) => n + r.tried, 0);
  console.log(
    JSON.stringify({
      seed,
      ...opts,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      inputs: totalInputs,
      failures: report.failures.length,
      targets: Object.fromEntries(report.results.map((r) => [r.target, { inputs: r.tried, accepted: r.accepted, refused: r.refused, failures: r.failures, slowestCpuMs: r.slowestMs, slowestWallMs: r.slowestWallMs, heapStartMb: r.heapStartMb, heapEndMb: r.heapEndMb }])),
    }),
  );
  process.exitCode = report.failures.length ? 1 : 0;
}

void main();
