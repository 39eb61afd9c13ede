// Receivers and serve's API listen on loopback unless the user sets a host; a host other networks
// reach gets a warning that names what it exposes and the setting that changes it. What is bound is
// read from the kernel's socket table, not from what the code says it did.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceStore } from '../../../src/core/trace';
import { exposureWarning, isLoopbackHost } from '../../../src/receiver/exposure';
import { startReceivers } from '../../../src/receiver';
import { Ingest } from '../../../src/receiver/ingest';
import { startApiServer } from '../../../src/server/api';
import { listeningAddresses } from './listen';

const ROOT = path.resolve(__dirname, '../../..');

describe('security: receivers listen on loopback unless told otherwise', function () {
  this.timeout(60_000);

  it('isLoopbackHost: loopback addresses and names only', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '127.255.255.254', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['0.0.0.0', '::', '[::]', '', '192.168.1.10', '10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost.example.com', 'example.com', '127.0.0.1.nip.io']) assert.equal(isLoopbackHost(h), false, h);
  });

  it('the warning names the address, each port, what can be done there and the setting', () => {
    const rx = [
      { label: 'OTLP/HTTP', port: 4318 },
      { label: 'OTLP/gRPC', port: 4317 },
    ];
    assert.equal(exposureWarning('127.0.0.1', rx, '--host'), undefined);
    assert.equal(exposureWarning('localhost', rx, '--host'), undefined);
    const editor = exposureWarning('0.0.0.0', rx, 'meshlens.receiver.host');
    assert.equal(
      editor,
      'listening on 0.0.0.0 (every network interface of this machine), not only on this machine: anyone who can reach it on the network can send spans to OTLP/HTTP 4318, OTLP/gRPC 4317. ' +
        'There is no authentication. Set meshlens.receiver.host to 127.0.0.1 unless apps in containers or on other machines must reach it, and then allow only them in a firewall.',
    );
    const serve = exposureWarning('192.168.1.10', [...rx, { label: 'API and viewer', port: 4320, readsData: true }], '--host');
    assert.match(serve!, /^listening on 192\.168\.1\.10, not only on this machine: .*API and viewer 4320, and read every stored trace \(span names, attributes, logs\) through the API and viewer\. .*Set --host to 127\.0\.0\.1/);
  });

  it('receivers and the API started without a host bind 127.0.0.1 only', async () => {
    const store = new TraceStore();
    const ingest = new Ingest(store);
    const rx = await startReceivers({ httpPort: 0, grpcPort: 0, zipkinPort: 0, ingest });
    const api = await startApiServer({ port: 0, store, ingest });
    try {
      assert.equal(rx.listeners.length, 3);
      for (const l of rx.listeners) {
        assert.deepEqual(listeningAddresses(l.port), ['127.0.0.1'], l.label);
        assert.match(l.url, /^http:\/\/127\.0\.0\.1:/);
      }
      assert.deepEqual(listeningAddresses(api.port), ['127.0.0.1'], 'API');
    } finally {
      await Promise.all([rx.close(), api.close()]);
    }
  });

  it('the editor setting defaults to 127.0.0.1 and says another address is warned about', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown; markdownDescription?: string }> } } };
    const host = pkg.contributes.configuration.properties['meshlens.receiver.host'];
    assert.equal(host.default, '127.0.0.1');
    assert.match(host.markdownDescription ?? '', /warn/i, 'the setting says that another address is warned about');
  });

  for (const [args, warned] of [
    [[], false],
    [['--host', '0.0.0.0'], true],
  ] as const) {
    it(`meshlens serve ${args.join(' ') || '(no --host)'}: ${warned ? 'binds every interface and warns on stderr' : 'binds loopback, no warning'}`, async () => {
      const child = spawn(process.execPath, ['-r', 'tsx/cjs', 'src/cli/index.ts', 'serve', '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--zipkin-port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
      try {
        await new Promise<void>((resolve, reject) => {
          // The warning, when there is one, follows the listener lines.
          const check = () => {
            if (/^API +http\S+\n/m.test(stdout) && (!warned || /\n$/.test(stderr))) resolve();
          };
          child.stdout!.setEncoding('utf8').on('data', (c: string) => ((stdout += c), check()));
          child.stderr!.setEncoding('utf8').on('data', (c: string) => ((stderr += c), check()));
          void exit.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
        });
        const ports = Object.fromEntries([...stdout.matchAll(/^(\S+) +http:\/\/[^\s]*:(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
        assert.deepEqual(Object.keys(ports).sort(), ['API', 'OTLP/HTTP', 'OTLP/gRPC', 'Zipkin']);
        const bound = warned ? '0.0.0.0' : '127.0.0.1';
        for (const [label, port] of Object.entries(ports)) assert.deepEqual(listeningAddresses(port), [bound], label);
        if (warned) {
          const line = `meshlens: warning: listening on 0.0.0.0 (every network interface of this machine), not only on this machine: anyone who can reach it on the network can send spans to OTLP/HTTP ${ports['OTLP/HTTP']}, OTLP/gRPC ${ports['OTLP/gRPC']}, Zipkin ${ports.Zipkin}, API ${ports.API}, and read every stored trace (span names, attributes, logs) through the API and viewer.`;
          assert.ok(stderr.startsWith(line), stderr);
          assert.match(stderr, /Set --host to 127\.0\.0\.1/);
        }
        child.kill('SIGINT');
        assert.equal(await exit, 0, stderr);
        if (!warned) assert.equal(stderr, '');
      } finally {
        child.kill('SIGKILL');
      }
    });
  }
});
