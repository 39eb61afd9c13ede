// What MeshLens adds to a debuggee's environment so its OpenTelemetry SDK (or agent) sends to the
// local receiver: the exporter variables, a resource attribute naming the debug session, and with
// `exporterAndAutoInstrumentation` the documented way to load each language's agent when it is
// installed. No `vscode` here: the debug configuration comes in as plain data and the file system
// through a small probe, so every rule is unit-tested (test/unit/debug-env.test.ts).
//
// The rule above all: a variable the user set (in the configuration's `env`, in its `envFile`, or in
// the editor's own environment, which the debuggee inherits) is never replaced. Lists (NODE_OPTIONS,
// JAVA_TOOL_OPTIONS, PYTHONPATH, DOTNET_STARTUP_HOOKS, OTEL_RESOURCE_ATTRIBUTES) get our part added
// to theirs.
import * as path from 'node:path';
import { DEBUG_SESSION_ATTRIBUTE } from '../shared/protocol';

export type InjectMode = 'off' | 'exporter' | 'exporterAndAutoInstrumentation';
export const INJECT_MODES: readonly InjectMode[] = ['off', 'exporter', 'exporterAndAutoInstrumentation'];
/** Where the resolved configuration carries our session id, for onDidStartDebugSession to find. */
export const SESSION_CONFIG_KEY = '__meshlensDebugSession';

/** The running receiver's OTLP listeners, as base URLs (`http://127.0.0.1:4318`). */
export interface ReceiverEndpoints {
  readonly http?: string;
  readonly grpc?: string;
}

/** The file system, as much as the injection needs of it (async: the extension host must not block). */
export interface FileProbe {
  exists(file: string): Promise<boolean>;
  /** The file's text, or undefined when it cannot be read. */
  readText(file: string): Promise<string | undefined>;
  /** The names in a directory; empty when it cannot be listed. */
  list(dir: string): Promise<readonly string[]>;
}

export interface InjectInput {
  /** The resolved debug configuration (variables substituted): type, request, name, env, envFile, cwd... */
  readonly config: Readonly<Record<string, unknown>>;
  readonly mode: InjectMode;
  /** Undefined when the receiver is not running. */
  readonly receiver: ReceiverEndpoints | undefined;
  /** The id MeshLens gives this session (DEBUG_SESSION_ATTRIBUTE's value). */
  readonly sessionId: string;
  /** The workspace folder the configuration belongs to. */
  readonly folder?: string;
  /** The editor's environment (what the debuggee inherits). */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (the .NET instrumentation's default install dir is under it). */
  readonly homeDir?: string;
  readonly platform: NodeJS.Platform;
  readonly files: FileProbe;
}

export interface InjectResult {
  /** Variables to add to the configuration's `env` (none of them is one the user set). */
  readonly env: Record<string, string>;
  /** The session id the debuggee's spans will carry, when OTEL_RESOURCE_ATTRIBUTES carries it. */
  readonly sessionId?: string;
  /** For the output channel: what was injected, what was kept, and why something was not done. */
  readonly lines: readonly string[];
  /** For a notification: what the user should install to get what they asked for. */
  readonly advice: readonly string[];
}

type Family = 'node' | 'python' | 'java' | 'go' | 'dotnet' | 'other';

const FAMILIES: Readonly<Record<string, Family>> = {
  node: 'node',
  'pwa-node': 'node',
  'node-terminal': 'node',
  python: 'python',
  debugpy: 'python',
  java: 'java',
  go: 'go',
  coreclr: 'dotnet',
};

/** The debug types whose adapters launch a process with an `env` map (others only when they have one). */
export function familyOf(type: unknown): Family {
  return typeof type === 'string' ? (FAMILIES[type] ?? 'other') : 'other';
}

const NODE_AGENT = '@opentelemetry/auto-instrumentations-node';
const DOTNET_PROFILER_ID = '{918728DD-259F-4A6A-AC2B-B85E1B658318}';

/** Where a value the user set came from, for the log. */
interface UserValue {
  readonly value: string | null;
  readonly from: string;
}

/**
 * What the user set, by variable: `env` wins over `envFile` (every adapter applies env last), and
 * both over the editor's environment.
 */
class UserEnv {
  constructor(
    private readonly env: Readonly<Record<string, unknown>>,
    private readonly fileEnv: ReadonlyMap<string, { value: string; file: string }>,
    private readonly processEnv: Readonly<Record<string, string | undefined>>,
  ) {}

  get(key: string): UserValue | undefined {
    if (Object.prototype.hasOwnProperty.call(this.env, key)) {
      // `null` is how js-debug unsets an inherited variable: the user decided, so it counts as set.
      const v = this.env[key];
      return { value: v == null ? null : String(v), from: 'env' };
    }
    const f = this.fileEnv.get(key);
    if (f) return { value: f.value, from: `envFile ${f.file}` };
    const p = this.processEnv[key];
    if (p !== undefined) return { value: p, from: "the editor's environment" };
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

/** `KEY=VALUE` lines of an env file (`export ` prefix, `#` comments and quotes allowed). */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      // An unquoted value ends at a comment.
      value = value.replace(/\s+#.*$/, '').trim();
    }
    out.set(m[1], value);
  }
  return out;
}

/**
 * A value for OTEL_RESOURCE_ATTRIBUTES: every character outside the W3C Baggage `baggage-octet`
 * range (controls, space, `"`, `,`, `;`, `\`, `%` and all non-ASCII) percent-encoded as UTF-8, as
 * the OpenTelemetry resource specification asks.
 */
export function encodeResourceValue(value: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(value)) {
    const allowed = byte === 0x21 || (byte >= 0x23 && byte <= 0x2b) || (byte >= 0x2d && byte <= 0x3a) || (byte >= 0x3c && byte <= 0x5b) || (byte >= 0x5d && byte <= 0x7e);
    out += allowed && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The keys and (decoded) values of an OTEL_RESOURCE_ATTRIBUTES string. */
export function parseResourceAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Malformed escapes: keep the text as written.
    }
    out.set(part.slice(0, eq).trim(), value);
  }
  return out;
}

/** An OTLP base URL for a client on this machine: a wildcard listen address is reached over loopback. */
export function endpointUrl(host: string, port: number): string {
  let h = host.trim() || '127.0.0.1';
  if (h === '0.0.0.0') h = '127.0.0.1';
  else if (h === '::' || h === '[::]') h = '[::1]';
  else if (h.includes(':') && !h.startsWith('[')) h = `[${h}]`;
  return `http://${h}:${port}`;
}

function envFiles(config: Readonly<Record<string, unknown>>, family: Family, folder: string | undefined): string[] {
  const named = config.envFile;
  const list = typeof named === 'string' ? [named] : Array.isArray(named) ? named.filter((f): f is string => typeof f === 'string') : [];
  // The Python extension reads `python.envFile`, `${workspaceFolder}/.env` unless changed, when the
  // configuration names none.
  if (list.length === 0 && family === 'python' && folder) list.push(path.join(folder, '.env'));
  return list.filter((f) => f.trim() !== '').map((f) => (path.isAbsolute(f) || !folder ? f : path.join(folder, f)));
}

/** The environment additions for one debug configuration, and what to say about them. */
export async function computeDebugEnv(input: InjectInput): Promise<InjectResult> {
  const { config, mode, receiver } = input;
  const name = typeof config.name === 'string' && config.name.trim() ? config.name.trim() : String(config.type ?? 'debug');
  const label = `Debug "${name}" (${String(config.type)})`;
  const none = (why: string): InjectResult => ({ env: {}, lines: [`${label}: nothing injected: ${why}.`], advice: [] });

  if (mode === 'off') return none('meshlens.debug.injectEnvironment is off');
  if (!receiver || (!receiver.http && !receiver.grpc)) return none('the MeshLens trace receiver is not running (MeshLens: Start Trace Receiver)');
  if (config.request === 'attach') return none('an attach configuration joins a process that is already running, whose environment cannot change');
  const family = familyOf(config.type);
  const env = config.env;
  const hasEnvMap = env !== null && typeof env === 'object' && !Array.isArray(env);
  if (family === 'other' && !hasEnvMap) return none(`the ${String(config.type)} debugger is not one MeshLens knows, and the configuration has no "env" to add to`);
  if (env !== undefined && !hasEnvMap) return none('its "env" is not an object');

  const lines: string[] = [];
  const advice: string[] = [];
  const fileEnv = new Map<string, { value: string; file: string }>();
  for (const file of envFiles(config, family, input.folder)) {
    const text = await input.files.readText(file);
    if (text === undefined) {
      if (config.envFile !== undefined) lines.push(`${label}: cannot read its envFile ${file}; nothing it may set is known.`);
      continue;
    }
    for (const [k, v] of parseEnvFile(text)) fileEnv.set(k, { value: v, file });
  }
  const user = new UserEnv(hasEnvMap ? (env as Record<string, unknown>) : {}, fileEnv, input.processEnv);
  const out: Record<string, string> = {};
  const kept: string[] = [];
  const keep = (key: string) => {
    const u = user.get(key);
    if (u) kept.push(`${key} (${u.from})`);
    return u;
  };

  // Where to send: the user's endpoint (general or for traces) stays; its protocol decides our port.
  const endpointSet = [keep('OTEL_EXPORTER_OTLP_ENDPOINT'), keep('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')].some(Boolean);
  const userProtocol = user.get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')?.value ?? user.get('OTEL_EXPORTER_OTLP_PROTOCOL')?.value ?? undefined;
  let injectedEndpoint = false;
  if (!endpointSet) {
    if (userProtocol === 'grpc') {
      if (receiver.grpc) {
        out.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.grpc;
        injectedEndpoint = true;
      } else lines.push(`${label}: its OTLP protocol is grpc but the receiver's gRPC port is off (meshlens.receiver.grpcPort); no endpoint injected.`);
    } else if (userProtocol !== undefined && userProtocol !== null) {
      if (receiver.http) {
        out.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.http;
        injectedEndpoint = true;
      }
    } else if (receiver.http) {
      out.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.http;
      out.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';
      injectedEndpoint = true;
    } else if (receiver.grpc) {
      out.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.grpc;
      out.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
      injectedEndpoint = true;
    }
  }
  keep('OTEL_EXPORTER_OTLP_PROTOCOL');
  keep('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL');
  // MeshLens takes traces and logs; metrics sent to the endpoint would fail with 404 in the app's log.
  if (injectedEndpoint && !keep('OTEL_METRICS_EXPORTER') && !user.has('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT')) out.OTEL_METRICS_EXPORTER = 'none';

  // Who: the configuration's name, unless the user named the service (OTEL_SERVICE_NAME wins over
  // a service.name in OTEL_RESOURCE_ATTRIBUTES, so setting it would replace theirs).
  const attrs = user.get('OTEL_RESOURCE_ATTRIBUTES');
  const theirAttrs = attrs?.value ? parseResourceAttributes(attrs.value) : new Map<string, string>();
  if (!keep('OTEL_SERVICE_NAME')) {
    if (theirAttrs.has('service.name')) kept.push(`service.name in OTEL_RESOURCE_ATTRIBUTES (${attrs!.from})`);
    else out.OTEL_SERVICE_NAME = name;
  }

  // Which session: our attribute appended to theirs; one they set themselves is theirs to keep.
  let sessionId: string | undefined = input.sessionId;
  const theirSession = theirAttrs.get(DEBUG_SESSION_ATTRIBUTE);
  if (theirSession !== undefined) {
    sessionId = theirSession;
    kept.push(`${DEBUG_SESSION_ATTRIBUTE} in OTEL_RESOURCE_ATTRIBUTES (${attrs!.from})`);
  } else if (attrs && attrs.value === null) {
    sessionId = undefined;
    kept.push(`OTEL_RESOURCE_ATTRIBUTES (unset in ${attrs.from})`);
  } else {
    const ours = `${DEBUG_SESSION_ATTRIBUTE}=${encodeResourceValue(input.sessionId)}`;
    const theirs = attrs?.value?.trim().replace(/,+$/, '');
    out.OTEL_RESOURCE_ATTRIBUTES = theirs ? `${theirs},${ours}` : ours;
  }

  if (mode === 'exporterAndAutoInstrumentation') {
    const ctx: AgentContext = { input, user, out, lines, advice, label };
    if (family === 'node') await nodeAgent(ctx);
    else if (family === 'java') await javaAgent(ctx);
    else if (family === 'python') await pythonAgent(ctx);
    else if (family === 'dotnet') await dotnetAgent(ctx);
    else if (family === 'go') lines.push(`${label}: Go has no agent to load; the SDK's OTLP exporters (otlptracehttp, otlptracegrpc) read the variables above.`);
    else lines.push(`${label}: no auto-instrumentation is known for the ${String(config.type)} debugger; only the exporter variables are set.`);
  }

  const injected = Object.entries(out).map(([k, v]) => `${k}=${v}`);
  lines.unshift(
    `${label}: ` +
      (injected.length ? `injected ${injected.join(', ')}` : 'injected nothing') +
      (kept.length ? `; kept yours: ${kept.join(', ')}` : '') +
      '.',
  );
  return { env: out, sessionId: out.OTEL_RESOURCE_ATTRIBUTES !== undefined || theirSession !== undefined ? sessionId : undefined, lines, advice };
}

interface AgentContext {
  readonly input: InjectInput;
  readonly user: UserEnv;
  readonly out: Record<string, string>;
  readonly lines: string[];
  readonly advice: string[];
  readonly label: string;
}

/** A list variable with our entry added to the user's value (theirs first unless `first`). */
function appendTo(ctx: AgentContext, key: string, entry: string, sep: string, first = false): void {
  const theirs = ctx.user.get(key)?.value ?? '';
  ctx.out[key] = !theirs ? entry : first ? `${entry}${sep}${theirs}` : `${theirs}${sep}${entry}`;
}

function cwdOf(ctx: AgentContext): string | undefined {
  const cwd = ctx.input.config.cwd;
  return typeof cwd === 'string' && cwd.trim() ? cwd : ctx.input.folder;
}

/** The folders from `from` up to (and including) `to`, when `from` is inside `to`; else just both. */
function upTo(from: string | undefined, to: string | undefined): string[] {
  const out: string[] = [];
  if (from) {
    for (let d = path.resolve(from); ; d = path.dirname(d)) {
      out.push(d);
      if ((to && d === path.resolve(to)) || path.dirname(d) === d) break;
    }
  }
  if (to && !out.includes(path.resolve(to))) out.push(path.resolve(to));
  return out;
}

async function nodeAgent(ctx: AgentContext): Promise<void> {
  const options = ctx.user.get('NODE_OPTIONS')?.value ?? '';
  if (options.includes(NODE_AGENT)) {
    ctx.lines.push(`${ctx.label}: NODE_OPTIONS already loads ${NODE_AGENT}; left as it is.`);
    return;
  }
  // `--require` resolves from the program's working directory, so that is where it must be installed.
  const dirs = upTo(cwdOf(ctx), ctx.input.folder);
  for (const dir of dirs) {
    if (await ctx.input.files.exists(path.join(dir, 'node_modules', ...NODE_AGENT.split('/'), 'package.json'))) {
      appendTo(ctx, 'NODE_OPTIONS', `--require ${NODE_AGENT}/register`, ' ');
      return;
    }
  }
  const msg = `Node auto-instrumentation not added: ${NODE_AGENT} is not installed in ${dirs[0] ?? 'the workspace'}. Install it there (npm install --save-dev ${NODE_AGENT}) or set meshlens.debug.injectEnvironment to "exporter".`;
  ctx.lines.push(`${ctx.label}: ${msg}`);
  ctx.advice.push(msg);
}

/** Folders searched for opentelemetry-javaagent*.jar, relative to the workspace folder. */
export const JAVA_AGENT_DIRS = ['.', 'lib', 'libs', 'agent', 'agents', '.otel', 'otel', 'opentelemetry'];

async function javaAgent(ctx: AgentContext): Promise<void> {
  const current = `${ctx.user.get('JAVA_TOOL_OPTIONS')?.value ?? ''} ${JSON.stringify(ctx.input.config.vmArgs ?? '')}`;
  if (current.includes('opentelemetry-javaagent')) {
    ctx.lines.push(`${ctx.label}: JAVA_TOOL_OPTIONS or vmArgs already load the OpenTelemetry Java agent; left as they are.`);
    return;
  }
  const folder = ctx.input.folder;
  const searched = JAVA_AGENT_DIRS.map((d) => (folder ? path.join(folder, d) : d));
  if (folder) {
    for (const dir of searched) {
      const jar = (await ctx.input.files.list(dir)).filter((n) => /^opentelemetry-javaagent.*\.jar$/i.test(n)).sort()[0];
      if (jar) {
        const file = path.join(dir, jar);
        appendTo(ctx, 'JAVA_TOOL_OPTIONS', `-javaagent:${/\s/.test(file) ? `"${file}"` : file}`, ' ');
        return;
      }
    }
  }
  const msg = `Java agent not added: no opentelemetry-javaagent*.jar in ${searched.join(', ')}. Put the agent's jar in one of them, or set meshlens.debug.injectEnvironment to "exporter".`;
  ctx.lines.push(`${ctx.label}: ${msg}`);
  ctx.advice.push(msg);
}

/** The site-packages folders of a virtual environment (lib/pythonX.Y/site-packages, or Lib/site-packages on Windows). */
async function sitePackages(files: FileProbe, venv: string): Promise<string[]> {
  const out: string[] = [];
  for (const lib of ['lib', 'Lib']) {
    const names = await files.list(path.join(venv, lib));
    if (names.includes('site-packages')) out.push(path.join(venv, lib, 'site-packages'));
    for (const n of names.filter((x) => /^python\d/.test(x)).sort().reverse()) out.push(path.join(venv, lib, n, 'site-packages'));
  }
  return out;
}

async function pythonAgent(ctx: AgentContext): Promise<void> {
  const { config, folder, files } = ctx.input;
  const venvs: string[] = [];
  // The interpreter the configuration names (`.venv/bin/python`) says which environment runs it.
  const python = typeof config.python === 'string' ? config.python : undefined;
  if (python && /^(bin|Scripts)$/.test(path.basename(path.dirname(python)))) venvs.push(path.dirname(path.dirname(python)));
  if (folder) for (const v of ['.venv', 'venv', 'env']) venvs.push(path.join(folder, v));
  for (const venv of venvs) {
    for (const site of await sitePackages(files, venv)) {
      const dir = path.join(site, 'opentelemetry', 'instrumentation', 'auto_instrumentation');
      if (!(await files.exists(path.join(dir, 'sitecustomize.py')))) continue;
      // What opentelemetry-instrument does: its sitecustomize first, then the working directory,
      // then the user's own path.
      const theirs = ctx.user.get('PYTHONPATH')?.value ?? '';
      const sep = ctx.input.platform === 'win32' ? ';' : ':';
      const cwd = cwdOf(ctx);
      ctx.out.PYTHONPATH = [dir, ...(cwd ? [cwd] : []), ...(theirs ? [theirs] : [])].join(sep);
      if (!(await files.exists(path.join(site, 'opentelemetry', 'distro')))) {
        const msg = `Python auto-instrumentation loaded from ${venv}, but opentelemetry-distro is not installed there, so nothing configures the SDK: pip install opentelemetry-distro opentelemetry-exporter-otlp.`;
        ctx.lines.push(`${ctx.label}: ${msg}`);
        ctx.advice.push(msg);
      }
      return;
    }
  }
  const msg = `Python auto-instrumentation not added: opentelemetry-instrumentation is not installed in ${venvs.join(', ') || 'a virtual environment of the workspace'}. Install it there (pip install opentelemetry-distro opentelemetry-exporter-otlp), or set meshlens.debug.injectEnvironment to "exporter".`;
  ctx.lines.push(`${ctx.label}: ${msg}`);
  ctx.advice.push(msg);
}

const DOTNET_RIDS: Readonly<Partial<Record<NodeJS.Platform, readonly string[]>>> = {
  linux: ['linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64'],
  darwin: ['osx-arm64', 'osx-x64', 'osx'],
  win32: ['win-x64', 'win-x86'],
};
const NATIVE_EXT: Readonly<Partial<Record<NodeJS.Platform, string>>> = { linux: 'so', darwin: 'dylib', win32: 'dll' };

async function dotnetAgent(ctx: AgentContext): Promise<void> {
  const { files, platform, homeDir } = ctx.input;
  const userHome = ctx.user.get('OTEL_DOTNET_AUTO_HOME')?.value ?? undefined;
  const home = userHome ?? (homeDir ? path.join(homeDir, '.otel-dotnet-auto') : undefined);
  const profiler = ctx.user.get('CORECLR_PROFILER')?.value;
  if (profiler && profiler.toUpperCase() !== DOTNET_PROFILER_ID) {
    ctx.lines.push(`${ctx.label}: .NET auto-instrumentation not added: CORECLR_PROFILER names another profiler (${profiler}) and a process has only one.`);
    return;
  }
  const ext = NATIVE_EXT[platform] ?? 'so';
  const candidates = home ? [...(DOTNET_RIDS[platform] ?? []).map((rid) => path.join(home, rid)), home].map((d) => path.join(d, `OpenTelemetry.AutoInstrumentation.Native.${ext}`)) : [];
  let native: string | undefined;
  for (const c of candidates) if (await files.exists(c)) { native = c; break; }
  if (!home || !native) {
    const msg = `.NET auto-instrumentation not added: ${home ? `no OpenTelemetry.AutoInstrumentation.Native.${ext} under ${home}` : 'OTEL_DOTNET_AUTO_HOME is not set'}. Install the OpenTelemetry .NET automatic instrumentation (otel-dotnet-auto-install.sh installs to ~/.otel-dotnet-auto) or set OTEL_DOTNET_AUTO_HOME, or set meshlens.debug.injectEnvironment to "exporter".`;
    ctx.lines.push(`${ctx.label}: ${msg}`);
    ctx.advice.push(msg);
    return;
  }
  const set = (key: string, value: string) => {
    if (!ctx.user.has(key)) ctx.out[key] = value;
  };
  set('OTEL_DOTNET_AUTO_HOME', home);
  set('CORECLR_ENABLE_PROFILING', '1');
  set('CORECLR_PROFILER', DOTNET_PROFILER_ID);
  set('CORECLR_PROFILER_PATH', native);
  set('DOTNET_ADDITIONAL_DEPS', path.join(home, 'AdditionalDeps'));
  set('DOTNET_SHARED_STORE', path.join(home, 'store'));
  for (const dir of ['net', 'netcoreapp3.1']) {
    const hook = path.join(home, dir, 'OpenTelemetry.AutoInstrumentation.StartupHook.dll');
    if (await files.exists(hook)) {
      if (!(ctx.user.get('DOTNET_STARTUP_HOOKS')?.value ?? '').includes('OpenTelemetry.AutoInstrumentation.StartupHook')) {
        appendTo(ctx, 'DOTNET_STARTUP_HOOKS', hook, platform === 'win32' ? ';' : ':');
      }
      break;
    }
  }
}
