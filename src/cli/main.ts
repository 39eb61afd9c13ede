import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { version } from '../../package.json';
import { DEFAULT_LIMITS, Finding, isUnresolvedSetting, ManifestEngine, readRuleSettings, RULES, RuleSetting, SEVERITY_RANK, Severity, UnresolvedSetting } from '../core';
import { DEFAULT_MAX_SPANS, TraceStore } from '../core/trace';
import { hostPort, startReceivers, type Receivers } from '../receiver';
import { createForwarder, describeForwarding, ForwardConfigError, toForwarderStatsDto, type Forwarder } from '../receiver/forward';
import { DEFAULT_GRPC_PORT } from '../receiver/grpc';
import { DEFAULT_HTTP_PORT, ReceiverListenError } from '../receiver/http';
import { CorsOriginError, parseCorsOrigin } from '../receiver/cors';
import { exposureWarning } from '../receiver/exposure';
import { Ingest } from '../receiver/ingest';
import { DEFAULT_ZIPKIN_PORT } from '../receiver/zipkin';
import { DEFAULT_API_PORT, startApiServer, type ApiServer } from '../server/api';
import { defaultDemoArgs, demoFlag, describeCounts, isDemoError, startDemoFromArgs, type DemoArgs } from './demo';
import { collectFiles, readManifest, UsageError } from './files';
import { formatJson, formatSarif, formatText } from './format';

const USAGE = `Usage:
  meshlens lint [paths...] [options]   check manifests (default path: .)
  meshlens rules [--format text|json]  list every rule
  meshlens serve [options]             receive OTLP traces and serve the API and viewer until Ctrl+C
  meshlens demo [options]              send the traces of a simulated Bookinfo mesh to an OTLP receiver
  meshlens --version | --help

lint options:
  --format text|json|sarif     output format (default text)
  --severity error|warning|info  report findings at or above this severity (default info)
  --rule CODE=SETTING          off | error | warning | info | hint; repeatable (e.g. --rule ML0002=off)
  --unresolved-references error|warning|off
                               references to objects the files do not define at all (default warning)
  --max-file-size-mb N         skip larger files (default ${DEFAULT_LIMITS.maxFileBytes / 1024 / 1024})
  --exit-zero                  exit 0 even when errors remain
  --output FILE                write the report to FILE instead of standard output

serve options:
  --host HOST                  address to listen on (default 127.0.0.1; any other is warned about: whoever
                               reaches it can send spans and read them through the API)
  --otlp-http-port N           OTLP/HTTP receiver port (default ${DEFAULT_HTTP_PORT}; 0 picks a free one)
  --otlp-grpc-port N|off       OTLP/gRPC receiver port (default ${DEFAULT_GRPC_PORT})
  --zipkin-port N|off          Zipkin v2 JSON receiver port (default ${DEFAULT_ZIPKIN_PORT})
  --port N                     API and viewer port (default ${DEFAULT_API_PORT}; 0 picks a free one)
  --max-spans N                spans kept in memory; the oldest traces go first (default ${DEFAULT_MAX_SPANS})
  --cors-origin ORIGIN         a web page that may post spans from a browser, e.g. https://app.example;
                               repeatable; replaces the default (pages on localhost); no wildcards
  --forward URL                also send everything received to this OTLP/HTTP upstream (a collector,
                               Jaeger, Tempo), e.g. http://localhost:4318; counters on stderr at exit
  --forward-header 'NAME: VALUE'  header for every forwarded request (e.g. Authorization); repeatable
  --demo                       also send demo traffic (see meshlens demo) into this receiver; the demo
                               options below but --endpoint apply to it

demo options:
  --endpoint URL               the receiver (default http://127.0.0.1:4318, with grpc http://127.0.0.1:4317)
  --protocol http/protobuf|grpc  OTLP transport (default http/protobuf)
  --rate N                     requests per second (default 5)
  --count N | --duration S     stop after N requests or S seconds (default: until Ctrl+C)
  --split A/B                  percent of requests to reviews v1 and v2 (default 80/20; the user jason,
                               5% of requests, always gets v3)
  --seed N                     the same requests, ids and latencies on every run

Exit status (lint): 0 no error remains, 1 an error remains, 2 usage error or a file that cannot be read.
Exit status (serve): 0 stopped by SIGINT/SIGTERM, 2 usage error or a port that cannot be used.
Exit status (demo): 0 all sent (or stopped by SIGINT/SIGTERM), 1 the receiver cannot be reached or
refuses the spans, 2 usage error.
`;

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

interface LintOptions {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  severity: Severity;
  rules: Record<string, RuleSetting>;
  maxFileBytes: number;
  exitZero: boolean;
  output?: string;
  unresolved: UnresolvedSetting;
}

/**
 * Walks the arguments as flags, `--flag value` or `--flag=value`; `value()` takes the flag's value
 * (the next argument unless inline), `arg` is the argument as given.
 */
function eachFlag(args: string[], each: (flag: string, value: () => string, arg: string) => void): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    each(flag, () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    }, a);
  }
}

interface ServeOptions {
  host: string;
  otlpHttpPort: number;
  /** undefined: off. */
  otlpGrpcPort: number | undefined;
  zipkinPort: number | undefined;
  port: number;
  maxSpans: number;
  /** Upstream OTLP/HTTP base URL; undefined: no forwarding. */
  forward: string | undefined;
  forwardHeaders: Record<string, string>;
  /** Browser origins allowed to post to the receivers; undefined: pages on this machine. */
  corsOrigins: string[] | undefined;
  /** Demo traffic into the receiver itself; undefined: none. */
  demo: DemoArgs | undefined;
}

function parseServeArgs(args: string[]): ServeOptions {
  const o: ServeOptions = { host: '127.0.0.1', otlpHttpPort: DEFAULT_HTTP_PORT, otlpGrpcPort: DEFAULT_GRPC_PORT, zipkinPort: DEFAULT_ZIPKIN_PORT, port: DEFAULT_API_PORT, maxSpans: DEFAULT_MAX_SPANS, forward: undefined, forwardHeaders: {}, corsOrigins: undefined, demo: undefined };
  const demoArgs = defaultDemoArgs();
  let demoFlags: string | undefined;
  const whole = (flag: string, v: string, min: number, max: number): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${v}"`);
    return n;
  };
  eachFlag(args, (flag, value, a) => {
    switch (flag) {
      case '--host':
        o.host = value();
        break;
      case '--otlp-http-port':
        o.otlpHttpPort = whole(flag, value(), 0, 65535);
        break;
      case '--otlp-grpc-port': {
        const v = value();
        o.otlpGrpcPort = v === 'off' ? undefined : whole(flag, v, 0, 65535);
        break;
      }
      case '--zipkin-port': {
        const v = value();
        o.zipkinPort = v === 'off' ? undefined : whole(flag, v, 0, 65535);
        break;
      }
      case '--port':
        o.port = whole(flag, value(), 0, 65535);
        break;
      case '--max-spans':
        o.maxSpans = whole(flag, value(), 1, 100_000_000);
        break;
      case '--forward':
        o.forward = value();
        break;
      case '--forward-header': {
        const v = value();
        const colon = v.indexOf(':');
        if (colon <= 0) throw new UsageError(`--forward-header takes 'NAME: VALUE' (e.g. 'Authorization: Bearer abc'), not "${v}"`);
        o.forwardHeaders[v.slice(0, colon).trim()] = v.slice(colon + 1).trim();
        break;
      }
      case '--cors-origin': {
        const v = value();
        try {
          (o.corsOrigins ??= []).push(parseCorsOrigin(v));
        } catch (e) {
          if (e instanceof CorsOriginError) throw new UsageError(e.message);
          throw e;
        }
        break;
      }
      case '--demo':
        o.demo = demoArgs;
        break;
      default:
        if (flag !== '--endpoint' && demoFlag(demoArgs, flag, value)) {
          demoFlags ??= flag;
          break;
        }
        throw new UsageError(a.startsWith('-') ? `unknown option ${a}` : `meshlens serve takes no arguments, got "${a}"`);
    }
  });
  if (demoFlags !== undefined && o.demo === undefined) throw new UsageError(`${demoFlags} is a demo option: add --demo`);
  if (o.demo?.protocol === 'grpc' && o.otlpGrpcPort === undefined) throw new UsageError('--protocol grpc needs the OTLP/gRPC receiver (not --otlp-grpc-port off)');
  if (o.forward === undefined && Object.keys(o.forwardHeaders).length > 0) throw new UsageError('--forward-header needs --forward URL');
  return o;
}

/** The option that moves each listener of `serve`, for the way out of a taken port. */
const LISTENER_FLAGS: Readonly<Record<string, string>> = {
  'OTLP/HTTP receiver': '--otlp-http-port',
  'OTLP/gRPC receiver': '--otlp-grpc-port',
  'Zipkin receiver': '--zipkin-port',
  'API server': '--port',
};

async function serve(args: string[], io: Io): Promise<number> {
  const o = parseServeArgs(args);
  let forwarder: Forwarder | undefined;
  try {
    // Before anything listens: a bad URL or header is a usage error.
    forwarder = o.forward !== undefined ? createForwarder({ endpoint: o.forward, headers: o.forwardHeaders, onStatus: (m) => io.err(`meshlens: ${m}\n`) }) : undefined;
  } catch (e) {
    if (e instanceof ForwardConfigError) throw new UsageError(e.message);
    throw e;
  }
  const store = new TraceStore({ maxSpans: o.maxSpans });
  const ingest = new Ingest(store, forwarder);
  // The bundle ships the viewer next to it (dist/cli.js, dist/webview/); from sources there is none.
  const viewerDir = path.join(__dirname, 'webview');
  const staticDir = existsSync(path.join(viewerDir, 'index.html')) ? viewerDir : undefined;
  let receivers: Receivers | undefined;
  let api: ApiServer;
  try {
    receivers = await startReceivers({ host: o.host, httpPort: o.otlpHttpPort, grpcPort: o.otlpGrpcPort, zipkinPort: o.zipkinPort, corsOrigins: o.corsOrigins, ingest });
    const rx = receivers;
    const fwd = forwarder;
    api = await startApiServer({ host: o.host, port: o.port, store, ingest, receivers: () => rx.stats(), forward: fwd && (() => toForwarderStatsDto(fwd)), staticDir });
  } catch (e) {
    await receivers?.close();
    await forwarder?.close(0);
    if (!(e instanceof ReceiverListenError)) throw e;
    io.err(`meshlens: ${e.message}\n`);
    const flag = LISTENER_FLAGS[e.label];
    if (e.code === 'EADDRINUSE' && flag) io.err(`meshlens: another port: ${flag} N (0 picks a free one${flag === '--port' || flag === '--otlp-http-port' ? '' : ', off leaves it out'})\n`);
    return 2;
  }
  const base = `http://${hostPort(o.host, api.port)}`;
  for (const l of receivers.listeners) io.out(`${l.label.padEnd(10)} ${l.url}\n`);
  if (forwarder) io.out(`${'Forward'.padEnd(10)} ${forwarder.endpoint}\n`);
  io.out(`${'API'.padEnd(10)} ${base}/api/traces\n`);
  if (staticDir) io.out(`${'Viewer'.padEnd(10)} ${base}/\n`);
  const exposed = exposureWarning(o.host, [...receivers.listeners, { label: staticDir ? 'API and viewer' : 'API', port: api.port, readsData: true }], '--host');
  if (exposed) io.err(`meshlens: warning: ${exposed}\n`);
  const demo = o.demo && (await startServeDemo(o.demo, o.host, receivers, io));
  await new Promise<void>((resolve) => {
    const stop = () => {
      // A second Ctrl+C while closing gets Node's default: exit at once.
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Before the receivers close: what the demo recorded last is still taken.
  await demo?.stop().catch(() => undefined);
  await Promise.all([api.close(), receivers.close()]);
  if (forwarder) {
    // Receivers closed first: nothing new arrives; what is in flight gets the close timeout.
    await forwarder.close();
    io.err(`meshlens: ${describeForwarding(toForwarderStatsDto(forwarder))}\n`);
  }
  return 0;
}

/**
 * `serve --demo`: the demo sends over real OTLP to the receiver just started (a loopback address
 * when it listens on all of them). A demo that fails says so; the server keeps running.
 */
async function startServeDemo(args: DemoArgs, host: string, receivers: Receivers, io: Io): Promise<{ stop(): Promise<unknown> } | undefined> {
  const listener = receivers.listeners.find((l) => l.name === (args.protocol === 'grpc' ? 'otlpGrpc' : 'otlpHttp'));
  if (!listener) return undefined;
  const target = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  try {
    const run = await startDemoFromArgs({ ...args, endpoint: `http://${hostPort(target, listener.port)}` });
    io.out(`${'Demo'.padEnd(10)} ${run.url} (Bookinfo, ${run.rate} requests/s)\n`);
    run.done.then(
      (c) => io.err(`meshlens: demo traffic sent ${describeCounts(c)}\n`),
      (e: unknown) => io.err(`meshlens: demo traffic stopped: ${(e as Error).message}\n`),
    );
    return run;
  } catch (e) {
    if (!isDemoError(e)) throw e;
    io.err(`meshlens: demo traffic not started: ${e.message}\n`);
    return undefined;
  }
}

async function demo(args: string[], io: Io): Promise<number> {
  const o = defaultDemoArgs();
  eachFlag(args, (flag, value, a) => {
    if (!demoFlag(o, flag, value)) throw new UsageError(a.startsWith('-') ? `unknown option ${a}` : `meshlens demo takes no arguments, got "${a}"`);
  });
  if (o.count !== undefined && o.durationMs !== undefined) throw new UsageError('--count and --duration cannot be used together');
  let run;
  try {
    run = await startDemoFromArgs(o);
  } catch (e) {
    if (!isDemoError(e)) throw e;
    io.err(`meshlens: ${e.message}\n`);
    return 1;
  }
  const limit = o.count !== undefined ? `, ${o.count} requests` : o.durationMs !== undefined ? `, for ${o.durationMs / 1000} s` : '';
  io.out(`Sending Bookinfo demo traffic to ${run.url} (${o.protocol}) at ${o.rate} requests/s${limit}; Ctrl+C stops\n`);
  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void run.stop().catch(() => undefined);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const counts = await run.done;
    io.out(`Sent ${describeCounts(counts)}\n`);
    return 0;
  } catch (e) {
    if (!isDemoError(e)) throw e;
    io.err(`meshlens: ${e.message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function parseLintArgs(args: string[]): LintOptions {
  const o: LintOptions = { paths: [], format: 'text', severity: 'info', rules: {}, maxFileBytes: DEFAULT_LIMITS.maxFileBytes, exitZero: false, unresolved: 'warning' };
  const ruleArgs: Record<string, string> = {};
  eachFlag(args, (flag, value, a) => {
    switch (flag) {
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${v}"`);
        o.format = v;
        break;
      }
      case '--severity': {
        const v = value();
        if (v !== 'error' && v !== 'warning' && v !== 'info') throw new UsageError(`--severity must be error, warning or info, not "${v}"`);
        o.severity = v;
        break;
      }
      case '--rule': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq <= 0) throw new UsageError(`--rule takes CODE=SETTING (e.g. ML0002=off), not "${v}"`);
        ruleArgs[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case '--unresolved-references': {
        const v = value();
        if (!isUnresolvedSetting(v)) throw new UsageError(`--unresolved-references must be error, warning or off, not "${v}"`);
        o.unresolved = v;
        break;
      }
      case '--max-file-size-mb': {
        const v = Number(value());
        if (!Number.isFinite(v) || v <= 0) throw new UsageError('--max-file-size-mb must be a positive number');
        o.maxFileBytes = Math.round(v * 1024 * 1024);
        break;
      }
      case '--exit-zero':
        o.exitZero = true;
        break;
      case '--output':
        o.output = value();
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        o.paths.push(a);
    }
  });
  const { rules, problems } = readRuleSettings(ruleArgs);
  if (problems.length) throw new UsageError(problems[0].replace('meshlens.rules.', '--rule '));
  const known = new Set(RULES.flatMap((r) => [r.meta.code, r.meta.id]));
  for (const k of Object.keys(rules)) if (!known.has(k)) throw new UsageError(`--rule ${k}: no rule has this code or id (see meshlens rules)`);
  o.rules = rules;
  if (o.paths.length === 0) o.paths.push('.');
  return o;
}

async function lint(args: string[], io: Io): Promise<number> {
  const o = parseLintArgs(args);
  const files = await collectFiles(o.paths);
  const engine = new ManifestEngine(RULES, { rules: o.rules, limits: { ...DEFAULT_LIMITS, maxFileBytes: o.maxFileBytes }, unresolvedReferences: o.unresolved });
  // Bounded parallel reads: enough to hide disk latency, few enough not to exhaust descriptors.
  let next = 0;
  const unreadable: string[] = [];
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      try {
        engine.setFile(pathToFileURL(file).href, await readManifest(file, o.maxFileBytes));
      } catch (e) {
        // Reported, never fatal: the other files are still checked.
        unreadable.push(file);
        io.err(`meshlens: cannot read ${path.relative(process.cwd(), file) || file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  engine.analyze();
  const findings: Finding[] = [];
  let objects = 0;
  for (const uri of [...engine.index.uris()].sort()) {
    objects += engine.index.get(uri)!.objects.length;
    for (const f of engine.findings(uri)) if (SEVERITY_RANK[f.severity] <= SEVERITY_RANK[o.severity]) findings.push(f);
  }
  for (const e of engine.ruleErrors) io.err(`meshlens: internal error in rule ${e.ruleId} on ${e.uri}: ${e.message}\n`);
  const result = { files: files.length, objects, findings, rules: RULES.map((r) => r.meta), version, cwd: process.cwd() };
  const report = o.format === 'json' ? formatJson(result) : o.format === 'sarif' ? formatSarif(result) : formatText(result);
  if (o.output) await fs.writeFile(o.output, report);
  else io.out(report);
  if (unreadable.length) return 2;
  const errors = findings.some((f) => f.severity === 'error');
  return errors && !o.exitZero ? 1 : 0;
}

function rules(args: string[], io: Io): number {
  const format = args[0] === '--format' ? args[1] : args[0]?.startsWith('--format=') ? args[0].slice(9) : args.length ? 'bad' : 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError('meshlens rules takes only --format text|json');
  const metas = RULES.map((r) => r.meta);
  if (format === 'json') io.out(JSON.stringify(metas, null, 2) + '\n');
  else for (const m of metas) io.out(`${m.code}  ${m.severity.padEnd(7)}  ${m.id.padEnd(20)}  ${m.title}\n`);
  return 0;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'lint':
      case 'rules':
      case 'serve':
      case 'demo':
        // `meshlens lint --help` is how people ask; it is not an unknown option.
        if (rest.includes('--help') || rest.includes('-h')) {
          io.out(USAGE);
          return 0;
        }
        return command === 'lint' ? await lint(rest, io) : command === 'serve' ? await serve(rest, io) : command === 'demo' ? await demo(rest, io) : rules(rest, io);
      case '--version':
      case '-v':
        io.out(`${version}\n`);
        return 0;
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return 0;
      case undefined:
        io.err(USAGE);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`meshlens: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
