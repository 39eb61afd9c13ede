// Soak: the set-up of bench/load.ts (the trace service as the extension runs it, alone in a child
// process; OTLP/HTTP and OTLP/gRPC clients in processes of their own, sending what the OpenTelemetry
// JS SDK sends) at a steady rate the receiver holds, for 30 minutes, sampling the receiver's RSS.
// The store fills within the first minute (its default budget, 200,000 spans) and evicts from then
// on, so any growth after that is memory that is not given back.
//
// Verdict "flat": the least-squares slope of RSS over the last 10 minutes (over the last half of
// the run when it is shorter than 20 minutes) is under 1 MB a minute, i.e. under 10 MB over those
// 10 minutes. Also checked: accepted = stored + evicted + replaced at the end.
//
//   npm run soak                 (SOAK_MINUTES=<n>, default 30; SOAK_RATE=<spans/s>, default 10,000;
//                                 SOAK_SAMPLE_S=<n> between RSS samples, default 10)
//
// Progress goes to stderr once a minute; the last line of output is one JSON object for machines.
// The RSS samples are also written to bench/.work/soak-rss.json.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { accounting, buildReceiver, ms, n, percentile, runClients, SPANS_PER_REQUEST, startReceiverProcess, writePayloads, type RssSample } from './load';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const RATE = Number(process.env.SOAK_RATE ?? 10_000);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 10);
const HTTP_CLIENTS = 4;
const GRPC_CLIENTS = 4;
/** MB a minute under which RSS counts as flat. */
const FLAT_MB_PER_MIN = 1;

/** Least-squares slope of RSS (MB) against time, in MB a minute. */
function slopePerMinute(samples: readonly RssSample[]): number {
  const k = samples.length;
  if (k < 2) return NaN;
  const mt = samples.reduce((a, s) => a + s.t, 0) / k;
  const mr = samples.reduce((a, s) => a + s.rssMb, 0) / k;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.rssMb - mr);
    den += (s.t - mt) ** 2;
  }
  return (num / den) * 60;
}

async function main(): Promise<void> {
  const seconds = MINUTES * 60;
  const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const load0 = loadavg();
  await buildReceiver();
  await writePayloads();
  const t0 = Date.now();
  const rx = await startReceiverProcess(SAMPLE_S * 1000);
  const clients = HTTP_CLIENTS + GRPC_CLIENTS;
  const ratePerClient = RATE / SPANS_PER_REQUEST / clients;
  const progress = setInterval(() => {
    void rx.stats().then(({ stats, rssMb }) => {
      const acc = accounting(stats);
      process.stderr.write(`soak ${((Date.now() - t0) / 60_000).toFixed(1)} min: RSS ${n(rssMb)} MB, accepted ${n(acc.accepted)}, stored ${n(acc.stored)}, evicted ${n(acc.evicted)}, load ${loadavg()}\n`);
    });
  }, 60_000);
  let f;
  let final;
  try {
    f = await runClients({ httpPort: rx.httpPort, grpcPort: rx.grpcPort, http: HTTP_CLIENTS, grpc: GRPC_CLIENTS, seconds, ratePerClient, idBase: 2 ** 28 });
    final = await rx.stats();
  } finally {
    clearInterval(progress);
    await rx.stop();
  }
  const load1 = loadavg();
  const rss = rx.rss;
  const windowS = seconds >= 20 * 60 ? 10 * 60 : seconds / 2;
  const lastT = rss[rss.length - 1].t;
  const tail = rss.filter((s) => s.t >= lastT - windowS);
  const slope = slopePerMinute(tail);
  const flat = slope < FLAT_MB_PER_MIN;
  const start = rss[0].rssMb;
  const end = rss[rss.length - 1].rssMb;
  const max = Math.max(...rss.map((s) => s.rssMb));
  const acc = accounting(final.stats);
  const held = f.acceptedSpans / f.seconds;
  fs.writeFileSync(path.join(__dirname, '.work', 'soak-rss.json'), JSON.stringify(rss));
  const ok = (b: boolean) => (b ? 'yes' : 'NO');
  const everyMin = Math.max(1, Math.round(60 / SAMPLE_S));
  console.log(`npm run soak  ${MINUTES} min at ${n(RATE)} spans/s asked (${HTTP_CLIENTS} OTLP/HTTP + ${GRPC_CLIENTS} OTLP/gRPC clients, ${SPANS_PER_REQUEST}-span requests); RSS sampled every ${SAMPLE_S} s; load average ${load0} -> ${load1}`);
  console.log('');
  console.log('| measure | value | holds |');
  console.log('|---|---|---|');
  console.log(`| spans/s held (asked ${n(RATE)}) | ${n(held)} | ${ok(held >= RATE * 0.95)} |`);
  console.log(`| requests 2xx / refused (with a retry delay) / given up / errors | ${n(f.acceptedRequests)} / ${n(f.throttled)} (${n(f.throttledWithDelay)}) / ${n(f.gaveUp)} / ${n(f.errors)}${f.firstError ? ` (first: ${f.firstError})` : ''} | ${ok(f.errors === 0)} |`);
  console.log(`| request latency p50 / p99 (2xx) | ${ms(percentile(f.acceptedMs, 50))} / ${ms(percentile(f.acceptedMs, 99))} ms | |`);
  console.log(`| accepted = stored + evicted + replaced | ${n(acc.accepted)} = ${n(acc.stored)} + ${n(acc.evicted)} + ${n(acc.replaced)} (clients: ${n(f.acceptedSpans)}) | ${ok(acc.holds && acc.accepted === f.acceptedSpans)} |`);
  console.log(`| receiver RSS start / end / max | ${n(start)} / ${n(end)} / ${n(max)} MB | |`);
  console.log(`| RSS slope over the last ${n(windowS / 60)} min (flat: under ${FLAT_MB_PER_MIN} MB/min) | ${slope.toFixed(2)} MB/min | ${flat ? 'flat' : 'GROWING'} |`);
  console.log(`| RSS each minute (MB) | ${rss.filter((_, i) => i % everyMin === 0).map((s) => n(s.rssMb)).join(', ')} | |`);
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'soak',
      minutes: MINUTES,
      rateAsked: RATE,
      spansPerSec: Math.round(held),
      acceptedRequests: f.acceptedRequests,
      throttled: f.throttled,
      gaveUp: f.gaveUp,
      errors: f.errors,
      p50Ms: Math.round(percentile(f.acceptedMs, 50) * 10) / 10,
      p99Ms: Math.round(percentile(f.acceptedMs, 99) * 10) / 10,
      accepted: acc.accepted,
      stored: acc.stored,
      evicted: acc.evicted,
      replaced: acc.replaced,
      acceptedEqualsStoredPlusEvicted: acc.holds && acc.accepted === f.acceptedSpans,
      rssStartMb: Math.round(start),
      rssEndMb: Math.round(end),
      rssMaxMb: Math.round(max),
      slopeMbPerMin: Math.round(slope * 100) / 100,
      verdict: flat ? 'flat' : 'growing',
      loadAvg: load0,
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
