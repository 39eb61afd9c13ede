// `meshlens serve` as users run it: the CLI from sources (tsx) in a subprocess on free ports, the
// printed addresses used for real, SIGINT ends it with 0; a port in use is exit 2 with the reason.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { TraceStore } from '../../src/core/trace';
import { startHttpReceiver } from '../../src/receiver/http';
import type { TraceListDto } from '../../src/shared/protocol';
import { send } from './receiver/client';
import { TRACE_A, tracesRequest } from './trace/helpers';

const ROOT = path.resolve(__dirname, '../..');
const FREE_PORTS = ['--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--zipkin-port', '0'];

interface Run {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

function start(...args: string[]): Run {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', 'src/cli/index.ts', 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (run.stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (run.stderr += c));
  return run;
}

/** The printed listener lines, once the API line (printed last but the viewer's) is out. */
async function listeners(run: Run): Promise<Record<string, URL>> {
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/^API +http\S+\n/m.test(run.stdout)) resolve();
    };
    run.child.stdout!.on('data', check);
    run.exit.then((code) => reject(new Error(`exited with ${code}: ${run.stderr}`)));
    check();
  });
  await ready;
  const out: Record<string, URL> = {};
  for (const line of run.stdout.trim().split('\n')) {
    const m = /^(\S+) +(\S+)$/.exec(line);
    assert.ok(m, `one listener per line: ${JSON.stringify(line)}`);
    out[m[1]] = new URL(m[2]);
  }
  return out;
}

describe('meshlens serve', function () {
  this.timeout(60_000);

  it('prints one line per listener, serves what it receives, exits 0 on SIGINT', async () => {
    const run = start(...FREE_PORTS);
    try {
      const l = await listeners(run);
      assert.deepEqual(Object.keys(l).sort(), ['API', 'OTLP/HTTP', 'OTLP/gRPC', 'Zipkin']);
      assert.equal(l['OTLP/HTTP'].pathname, '/v1/traces');
      assert.equal(l.Zipkin.pathname, '/api/v2/spans');
      for (const u of Object.values(l)) assert.ok(Number(u.port) > 0 && u.hostname === '127.0.0.1', u.href);

      const posted = await send(Number(l['OTLP/HTTP'].port), { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(tracesRequest([{ spanId: '00000000000000a1', service: 'checkout' }])) });
      assert.equal(posted.status, 200);
      const r = await send(Number(l.API.port), { method: 'GET', path: '/api/traces' });
      assert.equal(r.status, 200);
      const list = JSON.parse(r.body.toString()) as TraceListDto;
      assert.deepEqual(list.traces.map((t) => [t.traceId, t.rootServiceName]), [[TRACE_A, 'checkout']]);

      run.child.kill('SIGINT');
      assert.equal(await run.exit, 0, run.stderr);
      assert.equal(run.stderr, '');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('a port in use: the reason on stderr and exit 2, nothing left listening', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      for (const flag of ['--otlp-http-port', '--otlp-grpc-port', '--zipkin-port', '--port']) {
        const run = start(...FREE_PORTS, flag, String(port));
        // The process ends by itself (the CLI never calls process.exit): what did start was closed.
        assert.equal(await run.exit, 2, run.stderr);
        // (`m`: grpc-js logs a line of its own before ours.)
        assert.match(run.stderr, new RegExp(`^meshlens: [^\\n]*port ${port}[^\\n]* already in use`, 'm'), flag);
        assert.equal(run.stdout, '');
      }
    } finally {
      taken.close();
    }
  });

  it('--forward: what it receives arrives at the upstream; the counters on stderr at exit', async () => {
    const up = new TraceStore();
    const upRx = await startHttpReceiver({ port: 0, ingest: up });
    const run = start(...FREE_PORTS, '--forward', `http://127.0.0.1:${upRx.port}`, '--forward-header', 'X-Team: checkout');
    try {
      const l = await listeners(run);
      assert.equal(l.Forward.href, `http://127.0.0.1:${upRx.port}/`);
      const arrived = new Promise<void>((resolve) => {
        const off = up.subscribe(() => {
          if (up.stats().spans === 1) {
            off();
            resolve();
          }
        });
      });
      const body = JSON.stringify(tracesRequest([{ spanId: '00000000000000a2', service: 'checkout' }]));
      assert.equal((await send(Number(l['OTLP/HTTP'].port), { headers: { 'Content-Type': 'application/json' }, body })).status, 200);
      await arrived;
      assert.deepEqual(up.query({}).map((t) => [t.traceId, t.rootServiceName]), [[TRACE_A, 'checkout']]);
      assert.equal(upRx.stats.requests, 1);

      run.child.kill('SIGINT');
      assert.equal(await run.exit, 0, run.stderr);
      assert.match(run.stderr, new RegExp(`^meshlens: forwarded 1 request \\(1 span, 0 logs\\) to http://127\\.0\\.0\\.1:${upRx.port}, dropped 0 \\(queue full or upstream failing\\)\n$`));
    } finally {
      run.child.kill('SIGKILL');
      await upRx.close();
    }
  });

  it('usage errors are exit 2 with the usage text', async () => {
    for (const args of [['--port', 'x'], ['--port', '70000'], ['--max-spans', '0'], ['--bogus'], ['extra'], ['--forward', 'http://h/', '--forward-header', 'no colon'], ['--forward-header', 'A: b']]) {
      let err = '';
      const code = await main(['serve', ...args], { out: () => undefined, err: (s) => (err += s) });
      assert.equal(code, 2, args.join(' '));
      assert.match(err, /^meshlens: .*\n\nUsage:/, args.join(' '));
      assert.match(err, /meshlens serve \[options\]/);
    }
  });

  it('a --forward URL or header that cannot work is exit 2 with the reason', async () => {
    for (const [args, reason] of [
      [['--forward', 'localhost:4318'], 'forward endpoint "localhost:4318" is not an http(s) URL (localhost); give the OTLP/HTTP base URL, e.g. http://localhost:4318'],
      [['--forward', 'http://collector:4318/v1/traces'], 'forward endpoint "http://collector:4318/v1/traces" names a signal path'],
      [['--forward', 'http://collector:4318', '--forward-header', 'Bad Name: x'], 'forward header "Bad Name" is not a valid HTTP header'],
    ] as const) {
      let err = '';
      const code = await main(['serve', ...FREE_PORTS, ...args], { out: () => undefined, err: (s) => (err += s) });
      assert.equal(code, 2, args.join(' '));
      assert.ok(err.startsWith(`meshlens: ${reason}`), err);
      assert.match(err, /\n\nUsage:/);
    }
  });
});
