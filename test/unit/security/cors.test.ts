// CORS: a web page may post spans only from an origin that is configured (by default: pages served
// from this machine); never `*`, never credentials. The simple requests a page can send without a
// preflight (text/plain, form posts) are refused before anything is stored. serve's API grants no
// cross-origin access at all, and refuses a Host that is not loopback (DNS rebinding).
import { strict as assert } from 'node:assert';
// First: installs the stand-in for `vscode` that src/vscode/traces.ts requires.
import { fake } from './fake-vscode';
import { TraceStore } from '../../../src/core/trace';
import { main } from '../../../src/cli/main';
import { isAllowedOrigin, parseCorsOrigin } from '../../../src/receiver/cors';
import { startReceivers, type Receivers } from '../../../src/receiver';
import { Ingest } from '../../../src/receiver/ingest';
import { startApiServer, type ApiServer } from '../../../src/server/api';
import { readReceiverSettings } from '../../../src/vscode/traces';
import { send, type Reply } from '../receiver/client';
import { tracesRequest } from '../trace/helpers';

const EVIL = 'https://evil.example';
const APP = 'https://app.example:8443';
/** The content types a page may POST cross-origin without a preflight. */
const SIMPLE_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'];

function noWildcard(r: Reply): void {
  assert.notEqual(r.headers['access-control-allow-origin'], '*');
  assert.equal(r.headers['access-control-allow-credentials'], undefined);
}

describe('security: CORS only for configured origins', function () {
  this.timeout(30_000);

  it('a configured origin is scheme://host[:port]; wildcards, paths, credentials and other schemes are refused', () => {
    assert.equal(parseCorsOrigin(' https://App.Example:8443 '), 'https://app.example:8443');
    assert.equal(parseCorsOrigin('http://localhost:5173/'), 'http://localhost:5173');
    for (const bad of ['*', 'https://*.example', 'null', 'file:///x', 'chrome-extension://abc', 'https://app.example/path', 'https://u:p@app.example', 'https://app.example?x=1', 'app.example', '']) {
      assert.throws(() => parseCorsOrigin(bad), /CORS origin .*(wildcards are not allowed|is not an origin)/, bad);
    }
    // Even a list holding `*` (from an older caller) lets nobody in through it.
    assert.equal(isAllowedOrigin(EVIL, ['*']), false);
    assert.equal(isAllowedOrigin('*', ['*']), false);
    assert.equal(isAllowedOrigin('null', undefined), false);
    assert.equal(isAllowedOrigin('http://localhost.evil.example', undefined), false);
    assert.equal(isAllowedOrigin('http://localhost:3000', undefined), true);
  });

  for (const [name, corsOrigins, allowed, denied] of [
    ['default (pages on this machine)', undefined, 'http://localhost:5173', EVIL],
    ['configured', [APP], APP, 'http://localhost:5173'],
  ] as const) {
    describe(`OTLP/HTTP and Zipkin receivers, ${name}`, () => {
      let store: TraceStore;
      let rx: Receivers;
      before(async () => {
        store = new TraceStore();
        rx = await startReceivers({ httpPort: 0, zipkinPort: 0, ingest: new Ingest(store), corsOrigins });
      });
      after(() => rx.close());
      const port = (n: string) => rx.listeners.find((l) => l.name === n)!.port;
      const routes = [
        ['otlpHttp', '/v1/traces'],
        ['zipkin', '/api/v2/spans'],
      ] as const;

      it('preflight: the allowed origin gets itself back, any other origin no CORS header', async () => {
        for (const [n, p] of routes) {
          const ok = await send(port(n), { method: 'OPTIONS', path: p, headers: { Origin: allowed, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
          assert.equal(ok.headers['access-control-allow-origin'], allowed, n);
          noWildcard(ok);
          const no = await send(port(n), { method: 'OPTIONS', path: p, headers: { Origin: denied, 'Access-Control-Request-Method': 'POST' } });
          assert.equal(no.headers['access-control-allow-origin'], undefined, n);
          assert.equal(no.headers['access-control-allow-methods'], undefined, n);
          noWildcard(no);
        }
      });

      it('simple requests (no preflight) from any origin are refused with 415 and store nothing', async () => {
        const body = JSON.stringify(tracesRequest([{ spanId: '00000000000000c1', service: 'evil' }]));
        for (const [n, p] of routes) {
          for (const type of SIMPLE_TYPES) {
            for (const origin of [denied, allowed]) {
              const r = await send(port(n), { path: p, headers: { Origin: origin, 'Content-Type': type }, body });
              assert.equal(r.status, 415, `${n} ${type} ${origin}`);
              noWildcard(r);
            }
          }
        }
        assert.equal(store.stats().spans, 0);
      });

      it('a JSON post from the allowed origin is readable by it; from another origin, not', async () => {
        const body = JSON.stringify(tracesRequest([{ spanId: '00000000000000c2', service: 'web' }]));
        const ok = await send(port('otlpHttp'), { headers: { Origin: allowed, 'Content-Type': 'application/json' }, body });
        assert.equal(ok.status, 200);
        assert.equal(ok.headers['access-control-allow-origin'], allowed);
        // A browser never sends this one (its preflight failed); a script outside a browser may, and gets no CORS header.
        const no = await send(port('otlpHttp'), { headers: { Origin: denied, 'Content-Type': 'application/json' }, body });
        assert.equal(no.headers['access-control-allow-origin'], undefined);
      });
    });
  }

  describe("serve's API: same-origin only", () => {
    let store: TraceStore;
    let api: ApiServer;
    before(async () => {
      store = new TraceStore();
      api = await startApiServer({ port: 0, store, ingest: new Ingest(store) });
    });
    after(() => api.close());

    it('no CORS header for any origin, on preflights or reads', async () => {
      for (const origin of [EVIL, 'http://localhost:5173', 'null']) {
        for (const [method, path] of [
          ['OPTIONS', '/api/rpc'],
          ['OPTIONS', '/api/import'],
          ['GET', '/api/traces'],
          ['GET', '/api/stats'],
          ['GET', '/'],
        ] as const) {
          const r = await send(api.port, { method, path, headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
          assert.equal(r.headers['access-control-allow-origin'], undefined, `${method} ${path} from ${origin}`);
          assert.notEqual(r.status, 204, `${method} ${path}: no preflight is granted`);
        }
      }
    });

    it('simple requests cannot reach the RPC or the import', async () => {
      const file = JSON.stringify(tracesRequest([{ spanId: '00000000000000c3', service: 'evil' }]));
      for (const type of SIMPLE_TYPES) {
        assert.equal((await send(api.port, { path: '/api/import?name=x.json', headers: { Origin: EVIL, 'Content-Type': type }, body: file })).status, 415, type);
        assert.equal((await send(api.port, { path: '/api/rpc', headers: { Origin: EVIL, 'Content-Type': type }, body: '{"type":"request","id":1,"method":"query","params":{}}' })).status, 415, type);
      }
      assert.equal(store.stats().spans, 0);
    });

    it('a Host that is not loopback is refused (DNS rebinding)', async () => {
      const r = await send(api.port, { method: 'GET', path: '/api/traces', headers: { Host: `evil.example:${api.port}` } });
      assert.equal(r.status, 403);
      assert.match((JSON.parse(r.body.toString()) as { error: string }).error, /^host "evil\.example:\d+" is not allowed/);
    });
  });

  it('serve --cors-origin takes origins and refuses a wildcard as a usage error', async () => {
    for (const v of ['*', 'https://*.example', 'https://app.example/path']) {
      let err = '';
      assert.equal(await main(['serve', '--port', '0', '--cors-origin', v], { out: () => undefined, err: (s) => (err += s) }), 2, v);
      assert.match(err, /^meshlens: CORS origin .*\n\nUsage:/, v);
    }
  });

  it('meshlens.receiver.corsOrigins: valid origins reach the receiver, a wildcard is left out with a reason', () => {
    fake.reset();
    fake.settings.global = { corsOrigins: ['*', APP, 'https://app.example/x'] };
    const s = readReceiverSettings();
    assert.deepEqual(s.options.corsOrigins, [APP]);
    assert.equal(s.problems.length, 2);
    assert.match(s.problems[0], /^meshlens\.receiver\.corsOrigins: CORS origin "\*": wildcards are not allowed/);
    fake.settings.global = {};
    assert.equal(readReceiverSettings().options.corsOrigins, undefined, 'empty: the default (pages on this machine)');
  });
});
