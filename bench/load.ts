// Load: concurrent OTLP clients over HTTP and gRPC against the receiver as the extension runs it
// (the trace service: receivers, store and service graph in a worker thread; bench/load-receiver.ts,
// bundled and minified as it ships, alone in a child process so that its RSS is its own), on
// loopback, for a bounded time. Three phases on the same receiver, one after the other:
//
// - baseline: one OTLP/HTTP client, one request at a time;
// - clients: LOAD_CLIENTS clients (half OTLP/HTTP, half OTLP/gRPC), each one request at a time,
//   fewer than the ingest queue holds (32): the rate the receiver holds, and what waiting costs;
// - flood: LOAD_FLOOD clients, more than the queue holds (32): what reaches the queue past its bound
//   is refused with 503 + Retry-After (HTTP) or UNAVAILABLE + RetryInfo (gRPC) instead of buffered.
//   A saturated receiver reads its sockets more slowly than clients write, so part of the excess
//   waits in socket buffers instead and shows as latency (docs/reliability.md, Load and soak).
//
// Each client sends what the OpenTelemetry JS SDK sends (bench/otel-payloads.ts; 512 spans a
// request, its batch processor's default, fresh trace ids on every request) as fast as it is
// answered, and behaves as an OTLP exporter should: on 503/UNAVAILABLE it waits the delay the
// server gave (Retry-After, RetryInfo) and sends the same request again, up to 5 times.
//
// What it checks: every span the clients had answered 2xx is in the store or counted as evicted by
// its budget (accepted = stored + evicted (+ replaced, 0 here: ids never repeat)), from the
// receiver's own counters (the stats the viewer shows); every refusal carried a retry delay.
//
//   npm run load                 (LOAD_SECONDS=<n> total, default 60; LOAD_CLIENTS=<n>, default 16;
//                                 LOAD_FLOOD=<n>, default 128)
//
// The last line of output is one JSON object for machines.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { decodeRpcStatus } from '../src/receiver/status';
import { DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_REQUESTS } from '../src/receiver/ingest';
import type { StatsDto } from '../src/shared/protocol';
import { makePayloads, markerOffsets, withFreshIds } from './otel-payloads';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(ROOT, 'bench', '.work');
const DIST = path.join(WORK, 'dist');
const PAYLOADS = path.join(WORK, 'load-payloads.json');
export const SPANS_PER_REQUEST = 512;
const DISTINCT_REQUESTS = 20;
/** An exporter's attempts at one request (the OpenTelemetry JS SDK's: 1 + 4 retries). */
const MAX_ATTEMPTS = 5;
/** A client gives up on an answer after this long (an exporter's default timeout is 10 s). */
const CLIENT_TIMEOUT_MS = 30_000;
const TRACE_SERVICE = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

// ---------------------------------------------------------------------------------------------
// The receiver process.

export interface RssSample {
  t: number;
  rssMb: number;
}

export interface ReceiverProcess {
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly rss: RssSample[];
  stats(): Promise<{ stats: StatsDto; rssMb: number }>;
  stop(): Promise<void>;
}

/** Bundles the receiver process and the trace worker (minified, as they ship) into bench/.work/dist. */
export async function buildReceiver(): Promise<void> {
  fs.mkdirSync(DIST, { recursive: true });
  const esbuild = await import('esbuild');
  const common = { bundle: true, minify: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', legalComments: 'none' } as const;
  await Promise.all([
    esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'bench', 'load-receiver.ts')], outfile: path.join(DIST, 'load-receiver.js') }),
    esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'src', 'receiver', 'trace-worker.ts')], outfile: path.join(DIST, 'load-worker.js') }),
  ]);
}

export function startReceiverProcess(sampleMs: number, onRss?: (s: RssSample) => void): Promise<ReceiverProcess> {
  const proc = spawn(process.execPath, [path.join(DIST, 'load-receiver.js'), String(sampleMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const rss: RssSample[] = [];
  const pending = new Map<number, (m: { stats: StatsDto; rssMb: number }) => void>();
  let nextId = 1;
  return new Promise((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`the receiver process exited with ${code} before it was ready`)));
    proc.on('message', (m: { type: string; [k: string]: unknown }) => {
      if (m.type === 'rss') {
        const s = { t: m.t as number, rssMb: m.rssMb as number };
        rss.push(s);
        onRss?.(s);
      } else if (m.type === 'stats') {
        pending.get(m.id as number)?.(m as unknown as { stats: StatsDto; rssMb: number });
        pending.delete(m.id as number);
      } else if (m.type === 'ready') {
        resolve({
          httpPort: m.httpPort as number,
          grpcPort: m.grpcPort as number,
          rss,
          stats: () =>
            new Promise((res) => {
              const id = nextId++;
              pending.set(id, res);
              proc.send({ type: 'stats', id });
            }),
          stop: () =>
            new Promise<void>((res) => {
              if (proc.exitCode !== null) return res();
              proc.once('exit', () => res());
              proc.send({ type: 'stop' });
            }),
        });
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The client process: `clients` HTTP and gRPC clients, each one request at a time.

export interface ClientPlan {
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly http: number;
  readonly grpc: number;
  readonly seconds: number;
  /** Requests a second per client; undefined: as fast as answered. */
  readonly ratePerClient?: number;
  /** Trace ids of this run start here (distinct across runs on one receiver). */
  readonly idBase: number;
}

export interface ClientFigures {
  /** Requests answered 2xx, and their spans. */
  acceptedRequests: number;
  acceptedSpans: number;
  /** Answers 503 (HTTP) or UNAVAILABLE (gRPC): the receiver's "retry later". */
  throttled: number;
  /** Of those, how many said when (Retry-After header, RetryInfo detail). */
  throttledWithDelay: number;
  /** Requests given up after MAX_ATTEMPTS refusals, or left unaccepted at the end of the run. */
  gaveUp: number;
  /** Any other answer or failure (status, socket error, timeout), with a sample message. */
  errors: number;
  firstError?: string;
  /** Milliseconds of every accepted attempt, and of every refused one. */
  acceptedMs: number[];
  throttledMs: number[];
  seconds: number;
}

type Attempt = { kind: 'ok' } | { kind: 'throttled'; delayMs: number | undefined } | { kind: 'error'; message: string };

async function clientRole(plan: ClientPlan): Promise<void> {
  const payloads = (JSON.parse(fs.readFileSync(PAYLOADS, 'utf8')) as string[]).map((b) => Buffer.from(b, 'base64'));
  const offsets = payloads.map(markerOffsets);
  const f: ClientFigures = { acceptedRequests: 0, acceptedSpans: 0, throttled: 0, throttledWithDelay: 0, gaveUp: 0, errors: 0, acceptedMs: [], throttledMs: [], seconds: 0 };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const postHttp = (agent: http.Agent, body: Buffer): Promise<Attempt> =>
    new Promise((resolve) => {
      const req = http.request(
        { host: '127.0.0.1', port: plan.httpPort, method: 'POST', path: '/v1/traces', agent, timeout: CLIENT_TIMEOUT_MS, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) return resolve({ kind: 'ok' });
            if (res.statusCode === 503 || res.statusCode === 429) {
              const ra = res.headers['retry-after'];
              return resolve({ kind: 'throttled', delayMs: ra !== undefined && /^\d+$/.test(ra) ? Number(ra) * 1000 : undefined });
            }
            resolve({ kind: 'error', message: `HTTP ${res.statusCode}` });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e) => resolve({ kind: 'error', message: e.message }));
      req.end(body);
    });

  const postGrpc = (client: grpc.Client, body: Buffer): Promise<Attempt> =>
    new Promise((resolve) => {
      const pass = (b: Buffer): Buffer => b;
      client.makeUnaryRequest(TRACE_SERVICE, pass, pass, body, new grpc.Metadata(), { deadline: Date.now() + CLIENT_TIMEOUT_MS }, (err) => {
        if (!err) return resolve({ kind: 'ok' });
        if (err.code === grpc.status.UNAVAILABLE || err.code === grpc.status.RESOURCE_EXHAUSTED) {
          let delayMs: number | undefined;
          const bin = err.metadata?.get('grpc-status-details-bin')[0];
          if (bin) {
            const s = decodeRpcStatus(bin as Buffer);
            if (s.retryDelaySeconds !== undefined) delayMs = s.retryDelaySeconds * 1000;
          }
          return resolve({ kind: 'throttled', delayMs });
        }
        resolve({ kind: 'error', message: `gRPC ${grpc.status[err.code]}: ${err.details}` });
      });
    });

  const t0 = performance.now();
  const end = t0 + plan.seconds * 1000;
  const clients = plan.http + plan.grpc;
  const run = async (index: number): Promise<void> => {
    const isHttp = index < plan.http;
    // One connection per client: an HTTP agent with one socket, a gRPC channel of its own.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const channel = isHttp ? undefined : new grpc.Client(`127.0.0.1:${plan.grpcPort}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    const post = (body: Buffer) => (channel ? postGrpc(channel, body) : postHttp(agent, body));
    let n = 0;
    const interval = plan.ratePerClient ? 1000 / plan.ratePerClient : 0;
    // Clients start spread over one interval, so a paced run is not a train of bursts.
    let due = t0 + (interval * index) / clients;
    try {
      while (performance.now() < end) {
        if (interval) {
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          due += interval;
          if (performance.now() >= end) break;
        }
        const k = n++;
        const i = (index * 7 + k) % payloads.length;
            const body = withFreshIds(payloads[i], offsets[i], plan.idBase + index * 2 ** 20 + k);
        for (let attempt = 1; ; attempt++) {
          const started = performance.now();
          const r = await post(body);
          const ms = performance.now() - started;
          if (r.kind === 'ok') {
            f.acceptedRequests++;
            f.acceptedSpans += SPANS_PER_REQUEST;
            f.acceptedMs.push(ms);
            break;
          }
          if (r.kind === 'error') {
            f.errors++;
            f.firstError ??= r.message;
            break;
          }
          f.throttled++;
          f.throttledMs.push(ms);
          if (r.delayMs !== undefined) f.throttledWithDelay++;
          // As an exporter does: the server's delay, else a backoff of its own.
          const delay = r.delayMs ?? 1000 * 1.5 ** (attempt - 1);
          if (attempt === MAX_ATTEMPTS || performance.now() + delay >= end) {
            f.gaveUp++;
            break;
          }
          await sleep(delay);
        }
      }
    } finally {
      agent.destroy();
      channel?.close();
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => run(i)));
  f.seconds = (performance.now() - t0) / 1000;
  process.send!({ type: 'done', figures: f });
}

/**
 * The HTTP clients and the gRPC clients each in a process of their own (on a busy machine one
 * process for both starves its clients, and the bench then measures the client's own waiting).
 */
export async function runClients(plan: ClientPlan): Promise<ClientFigures> {
  const parts: ClientPlan[] = [];
  if (plan.http > 0) parts.push({ ...plan, grpc: 0 });
  if (plan.grpc > 0) parts.push({ ...plan, http: 0, idBase: plan.idBase + 2 ** 27 });
  const all = await Promise.all(parts.map(runClientProcess));
  return all.reduce((a, f) => ({
    acceptedRequests: a.acceptedRequests + f.acceptedRequests,
    acceptedSpans: a.acceptedSpans + f.acceptedSpans,
    throttled: a.throttled + f.throttled,
    throttledWithDelay: a.throttledWithDelay + f.throttledWithDelay,
    gaveUp: a.gaveUp + f.gaveUp,
    errors: a.errors + f.errors,
    firstError: a.firstError ?? f.firstError,
    acceptedMs: a.acceptedMs.concat(f.acceptedMs),
    throttledMs: a.throttledMs.concat(f.throttledMs),
    seconds: Math.max(a.seconds, f.seconds),
  }));
}

function runClientProcess(plan: ClientPlan): Promise<ClientFigures> {
  const tsx = require.resolve('tsx/cjs');
  const proc: ChildProcess = spawn(process.execPath, ['-r', tsx, __filename, 'client', JSON.stringify(plan)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    proc.on('message', (m: { type: string; figures: ClientFigures }) => {
      if (m.type === 'done') resolve(m.figures);
    });
    proc.once('exit', (code) => reject(new Error(`the client process exited with ${code} before it reported`)));
  });
}

/** The SDK-shaped payloads the client processes read (bench/.work/load-payloads.json). */
export async function writePayloads(): Promise<number> {
  const payloads = await makePayloads(SPANS_PER_REQUEST, DISTINCT_REQUESTS);
  fs.mkdirSync(WORK, { recursive: true });
  fs.writeFileSync(PAYLOADS, JSON.stringify(payloads.map((p) => p.toString('base64'))));
  return payloads.reduce((a, p) => a + p.length, 0) / payloads.length;
}

// ---------------------------------------------------------------------------------------------
// Figures.

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const n = (x: number) => Math.round(x).toLocaleString('en-US');
export const ms = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : n(x));

/** accepted = stored + evicted + replaced, from the receiver's own counters. */
export function accounting(s: StatsDto): { accepted: number; stored: number; evicted: number; replaced: number; holds: boolean } {
  const accepted = s.ingest?.spans ?? 0;
  const { spans: stored, evictedSpans: evicted, replacedSpans: replaced } = s.store;
  return { accepted, stored, evicted, replaced, holds: accepted === stored + evicted + replaced };
}

interface Phase {
  name: string;
  http: number;
  grpc: number;
  seconds: number;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'client') return clientRole(JSON.parse(process.argv[3]) as ClientPlan);
  const total = Number(process.env.LOAD_SECONDS ?? 60);
  const clients = Number(process.env.LOAD_CLIENTS ?? 16);
  const flood = Number(process.env.LOAD_FLOOD ?? 128);
  const phases: Phase[] = [
    { name: 'baseline: 1 HTTP client', http: 1, grpc: 0, seconds: Math.max(3, Math.round(total * 0.2)) },
    { name: `${clients} clients (${Math.ceil(clients / 2)} HTTP, ${Math.floor(clients / 2)} gRPC)`, http: Math.ceil(clients / 2), grpc: Math.floor(clients / 2), seconds: Math.max(3, Math.round(total * 0.35)) },
    { name: `flood: ${flood} clients (${Math.ceil(flood / 2)} HTTP, ${Math.floor(flood / 2)} gRPC)`, http: Math.ceil(flood / 2), grpc: Math.floor(flood / 2), seconds: Math.max(3, Math.round(total * 0.45)) },
  ];
  const uptime0 = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  await buildReceiver();
  const kb = (await writePayloads()) / 1024;
  const rx = await startReceiverProcess(1000);
  const results: { phase: Phase; f: ClientFigures; s: StatsDto; rssMb: number }[] = [];
  try {
    for (const [i, phase] of phases.entries()) {
      const f = await runClients({ httpPort: rx.httpPort, grpcPort: rx.grpcPort, http: phase.http, grpc: phase.grpc, seconds: phase.seconds, idBase: (i + 1) * 2 ** 28 });
      const { stats, rssMb } = await rx.stats();
      results.push({ phase, f, s: stats, rssMb });
    }
  } finally {
    await rx.stop();
  }
  const uptime1 = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

  const last = results[results.length - 1].s;
  const acc = accounting(last);
  const clientAccepted = results.reduce((a, r) => a + r.f.acceptedSpans, 0);
  const throttled = results.reduce((a, r) => a + r.f.throttled, 0);
  const withDelay = results.reduce((a, r) => a + r.f.throttledWithDelay, 0);
  const errors = results.reduce((a, r) => a + r.f.errors, 0);
  const firstError = results.find((r) => r.f.firstError)?.f.firstError;
  const rate = (r: (typeof results)[number]) => r.f.acceptedSpans / r.f.seconds;
  const peakRss = Math.max(...rx.rss.map((s) => s.rssMb));
  const ok = (b: boolean) => (b ? 'yes' : 'NO');
  const ingest = last.ingest;
  const rxStats = last.receivers ?? {};
  const rejectedBy = (name: string, code: string) => ((rxStats[name]?.rejected as Record<string, number> | undefined)?.[code] ?? 0);

  console.log(`npm run load  ${phases.map((p) => `${p.seconds} s`).join(' + ')} on loopback; ${SPANS_PER_REQUEST}-span requests (${kb.toFixed(0)} KB protobuf, as the OpenTelemetry JS SDK sends); the trace service (worker thread) in its own process; ${os.cpus().length} cores; load average ${uptime0} -> ${uptime1}`);
  console.log('');
  console.log('| phase | spans/s held | requests 2xx | refused 503/UNAVAILABLE (with a retry delay) | given up | errors | p50 / p99 ms (2xx) | p50 / p99 ms (refused) | receiver RSS at end |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const f = r.f;
    console.log(
      `| ${r.phase.name} | ${n(rate(r))} | ${n(f.acceptedRequests)} | ${n(f.throttled)} (${n(f.throttledWithDelay)}) | ${n(f.gaveUp)} | ${n(f.errors)} | ${ms(percentile(f.acceptedMs, 50))} / ${ms(percentile(f.acceptedMs, 99))} | ${ms(percentile(f.throttledMs, 50))} / ${ms(percentile(f.throttledMs, 99))} | ${n(r.rssMb)} MB |`,
    );
  }
  console.log('');
  console.log('| check | value | holds |');
  console.log('|---|---|---|');
  console.log(`| spans the clients had answered 2xx = spans the receiver counted accepted | ${n(clientAccepted)} = ${n(acc.accepted)} | ${ok(clientAccepted === acc.accepted)} |`);
  console.log(`| accepted = stored + evicted + replaced | ${n(acc.accepted)} = ${n(acc.stored)} + ${n(acc.evicted)} + ${n(acc.replaced)} | ${ok(acc.holds)} |`);
  console.log(`| every refusal carried a retry delay (Retry-After / RetryInfo) | ${n(withDelay)} of ${n(throttled)} | ${ok(withDelay === throttled)} |`);
  console.log(`| refusals counted by the receiver: ingest throttled / HTTP 503 / gRPC UNAVAILABLE | ${n(ingest?.throttledRequests ?? 0)} / ${n(rejectedBy('otlpHttp', '503'))} / ${n(rejectedBy('otlpGrpc', '14'))} | ${ok((ingest?.throttledRequests ?? 0) === throttled)} |`);
  console.log(`| ingest queue peak: requests / MB (bounds ${DEFAULT_MAX_QUEUED_REQUESTS} / ${DEFAULT_MAX_QUEUED_BYTES / 2 ** 20}) | ${n(ingest?.peakQueuedRequests ?? 0)} / ${((ingest?.peakQueuedBytes ?? 0) / 2 ** 20).toFixed(1)} | ${ok((ingest?.peakQueuedRequests ?? 0) <= DEFAULT_MAX_QUEUED_REQUESTS)} |`);
  console.log(`| other errors | ${n(errors)}${firstError ? ` (first: ${firstError})` : ''} | ${ok(errors === 0)} |`);
  console.log(`| receiver RSS: start / peak / end | ${n(rx.rss[0].rssMb)} / ${n(peakRss)} / ${n(rx.rss[rx.rss.length - 1].rssMb)} MB | |`);
  const every = Math.max(1, Math.round(rx.rss.length / 12));
  console.log(`| receiver RSS over time (MB, every ${every} s) | ${rx.rss.filter((_, i) => i % every === 0).map((s) => n(s.rssMb)).join(', ')} | |`);
  console.log(`| N clients / 1 client, spans/s | ${(rate(results[1]) / rate(results[0])).toFixed(2)} | |`);
  console.log('');
  console.log(
    JSON.stringify({
      bench: 'load',
      phases: results.map((r) => ({
        name: r.phase.name,
        clients: r.phase.http + r.phase.grpc,
        seconds: Math.round(r.f.seconds * 10) / 10,
        spansPerSec: Math.round(rate(r)),
        acceptedRequests: r.f.acceptedRequests,
        throttled: r.f.throttled,
        throttledWithDelay: r.f.throttledWithDelay,
        gaveUp: r.f.gaveUp,
        errors: r.f.errors,
        p50Ms: Math.round(percentile(r.f.acceptedMs, 50) * 10) / 10,
        p99Ms: Math.round(percentile(r.f.acceptedMs, 99) * 10) / 10,
        refusedP50Ms: Math.round(percentile(r.f.throttledMs, 50) * 10) / 10,
        refusedP99Ms: Math.round(percentile(r.f.throttledMs, 99) * 10) / 10,
        rssMb: Math.round(r.rssMb),
      })),
      accepted: acc.accepted,
      clientAccepted,
      stored: acc.stored,
      evicted: acc.evicted,
      replaced: acc.replaced,
      acceptedEqualsStoredPlusEvicted: acc.holds && clientAccepted === acc.accepted,
      throttled,
      throttledWithDelay: withDelay,
      peakQueuedRequests: ingest?.peakQueuedRequests,
      rssStartMb: Math.round(rx.rss[0].rssMb),
      rssPeakMb: Math.round(peakRss),
      rssEndMb: Math.round(rx.rss[rx.rss.length - 1].rssMb),
      loadAvg: uptime0,
    }),
  );
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
