// The debug configuration provider's injection (src/vscode/debug-env.ts): what a debuggee of each
// debug type gets, that nothing the user set is replaced (env, envFile, the editor's environment),
// and that nothing is injected when the receiver or the setting is off. The file system is an
// in-memory map, so every found / not-found case is exact.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { computeDebugEnv, encodeResourceValue, endpointUrl, parseEnvFile, parseResourceAttributes, type FileProbe, type InjectInput } from '../../src/vscode/debug-env';
import { DEBUG_SESSION_ATTRIBUTE } from '../../src/shared/protocol';

const WS = path.resolve('/ws/app');
const HOME = path.resolve('/home/dev');
const RECEIVER = { http: 'http://127.0.0.1:4318', grpc: 'http://127.0.0.1:4317' };

/** A file system of exactly these files (text by path); directories are implied by the paths. */
function memFs(files: Record<string, string>): FileProbe {
  const abs = new Map(Object.entries(files).map(([p, t]) => [path.resolve(p), t]));
  return {
    exists: async (p) => abs.has(path.resolve(p)) || [...abs.keys()].some((f) => f.startsWith(path.resolve(p) + path.sep)),
    readText: async (p) => abs.get(path.resolve(p)),
    list: async (dir) => {
      const d = path.resolve(dir) + path.sep;
      return [...new Set([...abs.keys()].filter((f) => f.startsWith(d)).map((f) => f.slice(d.length).split(path.sep)[0]))];
    },
  };
}

function input(config: Record<string, unknown>, over: Partial<InjectInput> = {}): InjectInput {
  return {
    config: { request: 'launch', name: 'Launch app', ...config },
    mode: 'exporter',
    receiver: RECEIVER,
    sessionId: 'dbg-1a2b',
    folder: WS,
    processEnv: {},
    homeDir: HOME,
    platform: 'linux',
    files: memFs({}),
    ...over,
  };
}

const EXPORTER = {
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_SERVICE_NAME: 'Launch app',
  OTEL_RESOURCE_ATTRIBUTES: `${DEBUG_SESSION_ATTRIBUTE}=dbg-1a2b`,
};

describe('debug environment injection (debug-env.ts)', () => {
  describe('the exporter variables, per debug type', () => {
    for (const type of ['node', 'pwa-node', 'node-terminal', 'python', 'debugpy', 'java', 'go', 'coreclr']) {
      it(`${type}: endpoint, protocol, service name and the session attribute`, async () => {
        const r = await computeDebugEnv(input({ type }));
        assert.deepEqual(r.env, EXPORTER);
        assert.equal(r.sessionId, 'dbg-1a2b');
        assert.match(r.lines[0], new RegExp(`^Debug "Launch app" \\(${type}\\): injected OTEL_EXPORTER_OTLP_ENDPOINT=http://127\\.0\\.0\\.1:4318, `));
        assert.deepEqual(r.advice, []);
      });
    }

    it('a debugger MeshLens does not know gets the exporter variables only when its configuration has an env map', async () => {
      assert.deepEqual((await computeDebugEnv(input({ type: 'lldb', env: { RUST_LOG: 'debug' } }))).env, EXPORTER);
      const r = await computeDebugEnv(input({ type: 'lldb' }));
      assert.deepEqual(r.env, {});
      assert.match(r.lines[0], /nothing injected: the lldb debugger is not one MeshLens knows/);
      // The unknown debugger also gets no agent, and says so.
      const auto = await computeDebugEnv(input({ type: 'lldb', env: {} }, { mode: 'exporterAndAutoInstrumentation' }));
      assert.deepEqual(auto.env, EXPORTER);
      assert.ok(auto.lines.some((l) => /no auto-instrumentation is known for the lldb debugger/.test(l)));
    });

    it('the receiver on gRPC only: the gRPC endpoint and protocol', async () => {
      const r = await computeDebugEnv(input({ type: 'go' }, { receiver: { grpc: 'http://127.0.0.1:4317' } }));
      assert.equal(r.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4317');
      assert.equal(r.env.OTEL_EXPORTER_OTLP_PROTOCOL, 'grpc');
    });

    it('a wildcard listen address is reached over loopback; IPv6 hosts are bracketed', () => {
      assert.equal(endpointUrl('0.0.0.0', 4318), 'http://127.0.0.1:4318');
      assert.equal(endpointUrl('::', 4318), 'http://[::1]:4318');
      assert.equal(endpointUrl('::1', 4318), 'http://[::1]:4318');
      assert.equal(endpointUrl('127.0.0.1', 14318), 'http://127.0.0.1:14318');
    });
  });

  describe('nothing injected', () => {
    for (const type of ['node', 'python', 'java', 'go', 'coreclr']) {
      it(`${type}: when the receiver is off, when the setting is off, and for an attach`, async () => {
        const off = await computeDebugEnv(input({ type }, { receiver: undefined }));
        assert.deepEqual(off.env, {});
        assert.equal(off.sessionId, undefined);
        assert.match(off.lines[0], /nothing injected: the MeshLens trace receiver is not running/);
        const setting = await computeDebugEnv(input({ type }, { mode: 'off' }));
        assert.deepEqual(setting.env, {});
        assert.match(setting.lines[0], /nothing injected: meshlens\.debug\.injectEnvironment is off/);
        const attach = await computeDebugEnv(input({ type, request: 'attach' }));
        assert.deepEqual(attach.env, {});
        assert.match(attach.lines[0], /attach configuration/);
      });
    }
  });

  describe('never overriding what the user set', () => {
    it('env: their endpoint (general or for traces), protocol, service name and metrics exporter stay; the log says so', async () => {
      const r = await computeDebugEnv(input({ type: 'node', env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_SERVICE_NAME: 'cart', OTEL_METRICS_EXPORTER: 'otlp' } }));
      assert.deepEqual(r.env, { OTEL_RESOURCE_ATTRIBUTES: `${DEBUG_SESSION_ATTRIBUTE}=dbg-1a2b` });
      assert.match(r.lines[0], /kept yours: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT \(env\), OTEL_SERVICE_NAME \(env\)\.$/);
      const general = await computeDebugEnv(input({ type: 'python', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' } }));
      assert.equal(general.env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
      assert.equal(general.env.OTEL_EXPORTER_OTLP_PROTOCOL, undefined);
    });

    it('a null in env (js-debug: unset the inherited variable) counts as set', async () => {
      const r = await computeDebugEnv(input({ type: 'node', env: { OTEL_EXPORTER_OTLP_ENDPOINT: null } }));
      assert.equal(r.env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
    });

    it('their protocol stays and picks our port: grpc gets the gRPC endpoint', async () => {
      const r = await computeDebugEnv(input({ type: 'java', env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' } }));
      assert.equal(r.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4317');
      assert.equal(r.env.OTEL_EXPORTER_OTLP_PROTOCOL, undefined);
      const json = await computeDebugEnv(input({ type: 'java', env: { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' } }));
      assert.equal(json.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
    });

    it('OTEL_RESOURCE_ATTRIBUTES: ours appended to theirs; a service.name there is kept (OTEL_SERVICE_NAME would win over it)', async () => {
      const r = await computeDebugEnv(input({ type: 'go', env: { OTEL_RESOURCE_ATTRIBUTES: 'service.name=checkout,deployment.environment=dev' } }));
      assert.equal(r.env.OTEL_RESOURCE_ATTRIBUTES, `service.name=checkout,deployment.environment=dev,${DEBUG_SESSION_ATTRIBUTE}=dbg-1a2b`);
      assert.equal(r.env.OTEL_SERVICE_NAME, undefined);
      assert.match(r.lines[0], /service\.name in OTEL_RESOURCE_ATTRIBUTES \(env\)/);
    });

    it('a session attribute the user set is theirs: kept, and it is the session id', async () => {
      const r = await computeDebugEnv(input({ type: 'node', env: { OTEL_RESOURCE_ATTRIBUTES: `${DEBUG_SESSION_ATTRIBUTE}=mine` } }));
      assert.equal(r.env.OTEL_RESOURCE_ATTRIBUTES, undefined);
      assert.equal(r.sessionId, 'mine');
    });

    it('envFile: variables set there are never replaced, and a list variable is built on their value', async () => {
      const files = memFs({
        [`${WS}/.env.debug`]: '# local settings\nexport OTEL_SERVICE_NAME="orders"\nOTEL_RESOURCE_ATTRIBUTES=team=payments # owner\nOTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://jaeger:4318/v1/traces\n',
      });
      const r = await computeDebugEnv(input({ type: 'coreclr', envFile: '${workspaceFolder}/.env.debug'.replace('${workspaceFolder}', WS) }, { files }));
      assert.deepEqual(r.env, { OTEL_RESOURCE_ATTRIBUTES: `team=payments,${DEBUG_SESSION_ATTRIBUTE}=dbg-1a2b` });
      assert.match(r.lines[0], new RegExp(`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT \\(envFile ${WS.replace(/[\\/.]/g, '\\$&')}/\\.env\\.debug\\)`));
      // A relative envFile is the workspace folder's; Go's envFile may be a list.
      const go = await computeDebugEnv(input({ type: 'go', envFile: ['missing.env', '.env.debug'] }, { files }));
      assert.equal(go.env.OTEL_SERVICE_NAME, undefined);
      assert.ok(go.lines.some((l) => l.includes(`cannot read its envFile ${path.join(WS, 'missing.env')}`)));
    });

    it("python: the workspace's .env (the Python extension's default envFile) counts as set", async () => {
      const files = memFs({ [`${WS}/.env`]: 'OTEL_SERVICE_NAME=api\n' });
      assert.equal((await computeDebugEnv(input({ type: 'debugpy' }, { files }))).env.OTEL_SERVICE_NAME, undefined);
      assert.equal((await computeDebugEnv(input({ type: 'node' }, { files }))).env.OTEL_SERVICE_NAME, 'Launch app');
    });

    it("the editor's environment (inherited by the debuggee) counts as set", async () => {
      const r = await computeDebugEnv(input({ type: 'node' }, { processEnv: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' } }));
      assert.equal(r.env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
      assert.match(r.lines[0], /OTEL_EXPORTER_OTLP_ENDPOINT \(the editor's environment\)/);
    });
  });

  describe('percent-encoding and parsing', () => {
    it('encodes what the baggage-octet range leaves out, as UTF-8', () => {
      assert.equal(encodeResourceValue('dbg-1a2b'), 'dbg-1a2b');
      assert.equal(encodeResourceValue('a b,c;d\\e"f%g'), 'a%20b%2Cc%3Bd%5Ce%22f%25g');
      assert.equal(encodeResourceValue('Zürich/ü=1'), 'Z%C3%BCrich/%C3%BC=1');
      assert.equal(decodeURIComponent(encodeResourceValue('Zürich, "x"; 100%')), 'Zürich, "x"; 100%');
    });

    it('a session id with such characters round-trips through OTEL_RESOURCE_ATTRIBUTES', async () => {
      const r = await computeDebugEnv(input({ type: 'node' }, { sessionId: 'run 1,ü' }));
      assert.equal(r.env.OTEL_RESOURCE_ATTRIBUTES, `${DEBUG_SESSION_ATTRIBUTE}=run%201%2C%C3%BC`);
      assert.equal(parseResourceAttributes(r.env.OTEL_RESOURCE_ATTRIBUTES).get(DEBUG_SESSION_ATTRIBUTE), 'run 1,ü');
    });

    it('env files: export, comments, quotes, lines that are not assignments', () => {
      assert.deepEqual(
        [...parseEnvFile('A=1\n  export B = two \n#C=3\nnot a line\nD="x # y"\nE=\'q\'\nF=v # note\r\n')],
        [['A', '1'], ['B', 'two'], ['D', 'x # y'], ['E', 'q'], ['F', 'v']],
      );
    });
  });

  describe('auto-instrumentation (exporterAndAutoInstrumentation)', () => {
    const auto = (config: Record<string, unknown>, files: Record<string, string>, over: Partial<InjectInput> = {}) =>
      computeDebugEnv(input(config, { mode: 'exporterAndAutoInstrumentation', files: memFs(files), ...over }));

    it('node: NODE_OPTIONS --require …/register when the package is installed, appended to theirs', async () => {
      const installed = { [`${WS}/node_modules/@opentelemetry/auto-instrumentations-node/package.json`]: '{}' };
      const r = await auto({ type: 'pwa-node', cwd: `${WS}/services/api`, env: { NODE_OPTIONS: '--max-old-space-size=4096' } }, installed);
      assert.equal(r.env.NODE_OPTIONS, '--max-old-space-size=4096 --require @opentelemetry/auto-instrumentations-node/register');
      assert.deepEqual(r.advice, []);
      // Not added twice.
      const again = await auto({ type: 'node', env: { NODE_OPTIONS: '--require @opentelemetry/auto-instrumentations-node/register' } }, installed);
      assert.equal(again.env.NODE_OPTIONS, undefined);
    });

    it('node: not installed -> no NODE_OPTIONS, a message naming the package to install; the exporter variables still set', async () => {
      const r = await auto({ type: 'node' }, {});
      assert.equal(r.env.NODE_OPTIONS, undefined);
      assert.equal(r.env.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
      assert.equal(r.advice.length, 1);
      assert.match(r.advice[0], /@opentelemetry\/auto-instrumentations-node is not installed in .*npm install --save-dev @opentelemetry\/auto-instrumentations-node/);
    });

    it('java: JAVA_TOOL_OPTIONS -javaagent with the jar found in the workspace; not found -> where it looked', async () => {
      const r = await auto({ type: 'java', env: { JAVA_TOOL_OPTIONS: '-Xmx1g' } }, { [`${WS}/libs/opentelemetry-javaagent-2.10.0.jar`]: 'jar' });
      assert.equal(r.env.JAVA_TOOL_OPTIONS, `-Xmx1g -javaagent:${path.join(WS, 'libs', 'opentelemetry-javaagent-2.10.0.jar')}`);
      const none = await auto({ type: 'java' }, { [`${WS}/libs/other.jar`]: 'jar' });
      assert.equal(none.env.JAVA_TOOL_OPTIONS, undefined);
      assert.match(none.advice[0], new RegExp(`no opentelemetry-javaagent\\*\\.jar in ${WS.replace(/[\\/.]/g, '\\$&')}, .*${WS.replace(/[\\/.]/g, '\\$&')}/libs`));
      // vmArgs that already load it are left alone.
      const vm = await auto({ type: 'java', vmArgs: '-javaagent:/opt/opentelemetry-javaagent.jar' }, { [`${WS}/opentelemetry-javaagent.jar`]: 'jar' });
      assert.equal(vm.env.JAVA_TOOL_OPTIONS, undefined);
    });

    it("python: PYTHONPATH to the venv's auto_instrumentation folder (sitecustomize), then the cwd, then theirs", async () => {
      const site = `${WS}/.venv/lib/python3.12/site-packages`;
      const files = { [`${site}/opentelemetry/instrumentation/auto_instrumentation/sitecustomize.py`]: '', [`${site}/opentelemetry/distro/__init__.py`]: '' };
      const r = await auto({ type: 'debugpy', env: { PYTHONPATH: '/opt/shared' } }, files);
      assert.equal(r.env.PYTHONPATH, [path.join(site, 'opentelemetry', 'instrumentation', 'auto_instrumentation'), WS, '/opt/shared'].join(':'));
      assert.deepEqual(r.advice, []);
      // The interpreter the configuration names decides the environment.
      const other = `/envs/api/lib/python3.11/site-packages`;
      const named = await auto({ type: 'python', python: '/envs/api/bin/python' }, { [`${other}/opentelemetry/instrumentation/auto_instrumentation/sitecustomize.py`]: '' });
      assert.match(named.env.PYTHONPATH ?? '', /^\/envs\/api\/lib\/python3\.11\/site-packages\/opentelemetry\/instrumentation\/auto_instrumentation:/);
      assert.match(named.advice[0], /opentelemetry-distro is not installed/);
      const none = await auto({ type: 'python' }, {});
      assert.equal(none.env.PYTHONPATH, undefined);
      assert.match(none.advice[0], /opentelemetry-instrumentation is not installed in .*\.venv/);
    });

    it('.NET: the profiler and startup-hook variables when the install dir is present; nothing of it otherwise', async () => {
      const home = `${HOME}/.otel-dotnet-auto`;
      const files = { [`${home}/linux-x64/OpenTelemetry.AutoInstrumentation.Native.so`]: '', [`${home}/net/OpenTelemetry.AutoInstrumentation.StartupHook.dll`]: '' };
      const r = await auto({ type: 'coreclr' }, files);
      assert.equal(r.env.OTEL_DOTNET_AUTO_HOME, path.resolve(home));
      assert.equal(r.env.CORECLR_ENABLE_PROFILING, '1');
      assert.equal(r.env.CORECLR_PROFILER, '{918728DD-259F-4A6A-AC2B-B85E1B658318}');
      assert.equal(r.env.CORECLR_PROFILER_PATH, path.join(home, 'linux-x64', 'OpenTelemetry.AutoInstrumentation.Native.so'));
      assert.equal(r.env.DOTNET_STARTUP_HOOKS, path.join(home, 'net', 'OpenTelemetry.AutoInstrumentation.StartupHook.dll'));
      assert.equal(r.env.DOTNET_ADDITIONAL_DEPS, path.join(home, 'AdditionalDeps'));
      assert.equal(r.env.DOTNET_SHARED_STORE, path.join(home, 'store'));
      // OTEL_DOTNET_AUTO_HOME of the user's (here in the editor's environment) is where to look.
      const custom = await auto({ type: 'coreclr' }, { '/opt/otel/OpenTelemetry.AutoInstrumentation.Native.so': '' }, { processEnv: { OTEL_DOTNET_AUTO_HOME: '/opt/otel' } });
      assert.equal(custom.env.CORECLR_PROFILER_PATH, path.resolve('/opt/otel/OpenTelemetry.AutoInstrumentation.Native.so'));
      assert.equal(custom.env.OTEL_DOTNET_AUTO_HOME, undefined, 'theirs, not replaced');
      const none = await auto({ type: 'coreclr' }, {});
      assert.equal(none.env.CORECLR_ENABLE_PROFILING, undefined);
      assert.match(none.advice[0], /no OpenTelemetry\.AutoInstrumentation\.Native\.so under .*\.otel-dotnet-auto/);
      // Another profiler: a process has only one, so none is added.
      const other = await auto({ type: 'coreclr', env: { CORECLR_PROFILER: '{00000000-0000-0000-0000-000000000001}' } }, files);
      assert.equal(other.env.CORECLR_PROFILER_PATH, undefined);
    });

    it('go: the exporter variables only, and the log says why', async () => {
      const r = await auto({ type: 'go' }, {});
      assert.deepEqual(r.env, EXPORTER);
      assert.ok(r.lines.some((l) => /Go has no agent to load/.test(l)));
    });
  });
});
