// No telemetry leaves the machine. Every outbound TCP connection, UDP datagram and name lookup of
// this process is recorded (net.Socket#connect, which node:http, node:https, node:http2 and
// grpc-js all go through; dgram; dns) while the receivers, serve's API with a forward upstream,
// trace import and `meshlens lint` do their work: each destination is a loopback address, and the
// only one MeshLens itself connects to is the configured forward upstream. Then the bundles as
// shipped (built here by esbuild, as scripts/build.mjs does) hold no analytics or crash-report
// endpoint, and package.json depends on no telemetry library.
import { strict as assert } from 'node:assert';
import * as dgram from 'node:dgram';
// The module objects themselves (a namespace import's properties cannot be replaced).
import dns from 'node:dns';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { build } from 'esbuild';
import { main } from '../../../src/cli/main';
import { importTraceFile, TraceStore } from '../../../src/core/trace';
import { startReceivers } from '../../../src/receiver';
import { isLoopbackHost } from '../../../src/receiver/exposure';
import { createForwarder } from '../../../src/receiver/forward';
import { startHttpReceiver } from '../../../src/receiver/http';
import { Ingest } from '../../../src/receiver/ingest';
import { startApiServer } from '../../../src/server/api';
import { send } from '../receiver/client';
import { tracesRequest } from '../trace/helpers';

const ROOT = path.resolve(__dirname, '../../..');

/** Hosts of analytics, crash-report and product-telemetry services. */
const ANALYTICS = /google-analytics\.com|googletagmanager\.com|analytics\.google\.com|api\.segment\.io|cdn\.segment\.com|api\.mixpanel\.com|api\.amplitude\.com|sentry\.io|ingest\.sentry|posthog\.com|applicationinsights|dc\.services\.visualstudio\.com|vortex\.data\.microsoft\.com|mobile\.events\.data\.microsoft\.com|browser-intake-datadoghq|bugsnag\.com|rollbar\.com|hotjar\.com|fullstory\.com|logrocket\.(io|com)|heapanalytics\.com|plausible\.io/i;
const TELEMETRY_PACKAGES = /^(@vscode\/extension-telemetry|vscode-extension-telemetry|applicationinsights|@sentry\/.*|posthog-.*|mixpanel.*|analytics-node|@segment\/.*|@amplitude\/.*|@datadog\/.*|bugsnag.*|@bugsnag\/.*|rollbar|universal-analytics)$/;

interface Contact {
  kind: 'tcp' | 'udp' | 'dns';
  host: string;
  port?: number;
}

/** Records every outbound contact of this process until the returned stop() is called. */
function recordContacts(): { contacts: Contact[]; stop(): void } {
  const contacts: Contact[] = [];
  const sock = net.Socket.prototype as unknown as { connect: (...a: unknown[]) => unknown };
  const connect = sock.connect;
  sock.connect = function (this: net.Socket, ...args: unknown[]) {
    // connect(options[, cb]) | connect(port[, host][, cb]) | connect(path[, cb]); normalised args arrive as [[options, cb]].
    const first = (Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0]) as unknown;
    if (first && typeof first === 'object') {
      // (node:http leaves the request's path in the options; a port makes it TCP, not a pipe.)
      const o = first as { host?: string; port?: number | string };
      if (o.port !== undefined && o.port !== null) contacts.push({ kind: 'tcp', host: o.host ?? 'localhost', port: Number(o.port) });
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      contacts.push({ kind: 'tcp', host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) });
    }
    return connect.apply(this, args);
  };
  const udp = dgram.Socket.prototype as unknown as { send: (...a: unknown[]) => unknown };
  const udpSend = udp.send;
  udp.send = function (this: dgram.Socket, ...args: unknown[]) {
    contacts.push({ kind: 'udp', host: String(args.find((a, i) => i > 0 && typeof a === 'string') ?? '?') });
    return udpSend.apply(this, args);
  };
  const lookup = dns.lookup;
  (dns as { lookup: unknown }).lookup = function (host: string, ...rest: unknown[]) {
    contacts.push({ kind: 'dns', host });
    return (lookup as (...a: unknown[]) => unknown).call(dns, host, ...rest);
  };
  const resolvers = ['resolve', 'resolve4', 'resolve6', 'resolveAny'] as const;
  const saved = resolvers.map((r) => dns[r]);
  for (const r of resolvers) {
    (dns as Record<string, unknown>)[r] = (host: string, ...rest: unknown[]) => {
      contacts.push({ kind: 'dns', host });
      return (saved[resolvers.indexOf(r)] as (...a: unknown[]) => unknown).call(dns, host, ...rest);
    };
  }
  return {
    contacts,
    stop() {
      sock.connect = connect;
      udp.send = udpSend;
      (dns as { lookup: unknown }).lookup = lookup;
      for (const [i, r] of resolvers.entries()) (dns as Record<string, unknown>)[r] = saved[i];
    },
  };
}

describe('security: no telemetry leaves the machine', function () {
  this.timeout(120_000);

  it('receivers, serve API, forwarding, import and lint contact only loopback, and MeshLens only the forward upstream', async () => {
    const upstreamStore = new TraceStore();
    const rec = recordContacts();
    const upstream = await startHttpReceiver({ port: 0, ingest: upstreamStore }).catch((e: unknown) => {
      rec.stop();
      throw e;
    });
    const ours: Contact[] = [];
    try {
      const store = new TraceStore();
      const forwarder = createForwarder({ endpoint: `http://127.0.0.1:${upstream.port}`, headers: {} });
      const ingest = new Ingest(store, forwarder);
      const rx = await startReceivers({ httpPort: 0, grpcPort: 0, zipkinPort: 0, ingest });
      const api = await startApiServer({ port: 0, store, ingest });
      const ourPorts = new Set([...rx.listeners.map((l) => l.port), api.port]);
      try {
        const body = JSON.stringify(tracesRequest([{ spanId: '00000000000000d1', service: 'checkout' }]));
        const http = rx.listeners.find((l) => l.name === 'otlpHttp')!.port;
        assert.equal((await send(http, { headers: { 'Content-Type': 'application/json' }, body })).status, 200);
        assert.equal((await send(api.port, { method: 'GET', path: '/api/traces' })).status, 200);
        assert.equal((await send(api.port, { path: '/api/import?name=t.json', headers: { 'Content-Type': 'application/json' }, body })).status, 200);
        importTraceFile(body, 't.json');
        const out = await main(['lint', path.join(ROOT, 'examples/bookinfo'), '--format', 'json'], { out: () => undefined, err: () => undefined });
        assert.ok(out === 0 || out === 1, `lint ran (exit ${out})`);
        await forwarder.idle();
      } finally {
        await Promise.all([rx.close(), api.close()]);
        await forwarder.close();
      }
      assert.ok(forwarder.stats.forwardedRequests >= 1, 'the upstream was reached (the recorder sees real connections)');
      // (Name lookups are not contacts; they are checked below with the rest: loopback names only.)
      for (const c of rec.contacts) if (c.kind !== 'dns' && !(c.kind === 'tcp' && c.port !== undefined && ourPorts.has(c.port))) ours.push(c);
    } finally {
      rec.stop();
      await upstream.close();
    }
    for (const c of rec.contacts) assert.ok(isLoopbackHost(c.host), `a contact off this machine: ${JSON.stringify(c)}`);
    // The test's own requests went to our listeners; what is left is what MeshLens opened itself.
    assert.ok(ours.length >= 1, JSON.stringify(rec.contacts));
    for (const c of ours) assert.deepEqual(c, { kind: 'tcp', host: '127.0.0.1', port: upstream.port }, 'only the forward upstream');
  });

  it('package.json depends on no telemetry library', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
    assert.ok(deps.length > 0);
    assert.deepEqual(deps.filter((d) => TELEMETRY_PACKAGES.test(d)), []);
  });

  it('the shipped bundles name no analytics or crash-report endpoint and use no telemetry API', async () => {
    const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent', absWorkingDir: ROOT } as const;
    const results = await Promise.all([
      build({ ...node, entryPoints: ['src/extension.ts'], external: ['vscode'] }),
      build({ ...node, entryPoints: ['src/receiver/trace-worker.ts'] }),
      build({ ...node, entryPoints: ['src/demo/index.ts'] }),
      build({ ...node, entryPoints: ['src/cli/index.ts'] }),
      build({ bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent', absWorkingDir: ROOT, entryPoints: ['webview/main.ts'] }),
    ]);
    let bytes = 0;
    for (const [i, r] of results.entries()) {
      const text = r.outputFiles.map((f) => f.text).join('\n');
      bytes += text.length;
      assert.ok(text.length > 10_000, `bundle ${i} was built`);
      const hit = ANALYTICS.exec(text);
      assert.equal(hit, null, `bundle ${i}: ${hit?.[0]} in ${hit && text.slice(Math.max(0, hit.index - 80), hit.index + 80)}`);
      assert.doesNotMatch(text, /createTelemetryLogger|TelemetryReporter|telemetryLogger/, `bundle ${i}`);
    }
    assert.ok(bytes > 1_000_000, `${bytes} bytes of bundles scanned`);
  });
});
