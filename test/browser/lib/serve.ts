// `meshlens serve` as users run it: the bundled CLI (dist/cli.js, which ships the viewer next to it)
// in a subprocess on free ports; the printed listener lines give the real addresses.
import { spawn, type ChildProcess } from 'node:child_process';
import { DIST_CLI, REPO } from './build';

export interface Serve {
  /** The viewer page, e.g. http://127.0.0.1:41234/ */
  readonly viewer: string;
  /** The API server's origin (GET /api/traces, ...). */
  readonly api: string;
  /** The OTLP/HTTP receiver's origin (POST /v1/traces, /v1/logs). */
  readonly otlpHttp: string;
  readonly child: ChildProcess;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  /** SIGINT, then waits for the exit (SIGKILL after 10 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

const READY_TIMEOUT_MS = 30_000;

/** `extraArgs` go after the port options (e.g. `--demo --count 400`). */
export async function startServe(extraArgs: readonly string[] = []): Promise<Serve> {
  const args = [DIST_CLI, 'serve', '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0', '--zipkin-port', 'off', ...extraArgs];
  const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const lines = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`meshlens serve printed no Viewer line within ${READY_TIMEOUT_MS / 1000} s; stdout:\n${stdout}\nstderr:\n${stderr}`)), READY_TIMEOUT_MS);
    const check = () => {
      // The Viewer line is the last one, printed only when dist/webview/index.html exists.
      if (!/^Viewer +\S+\n/m.test(stdout)) return;
      clearTimeout(timer);
      const out: Record<string, string> = {};
      for (const line of stdout.trim().split('\n')) {
        const m = /^(\S+) +(\S+)$/.exec(line);
        if (m) out[m[1]] = m[2];
      }
      resolve(out);
    };
    child.stdout!.on('data', (c: string) => {
      stdout += c;
      check();
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`meshlens serve exited with ${code} before it was ready; stdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
  for (const k of ['API', 'OTLP/HTTP', 'Viewer']) if (!lines[k]) throw new Error(`meshlens serve printed no ${k} line:\n${stdout}`);
  return {
    viewer: lines.Viewer,
    api: new URL(lines.API).origin,
    otlpHttp: new URL(lines['OTLP/HTTP']).origin,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** GET a JSON document from the API server. */
export async function getJson<T>(serve: Serve, pathAndQuery: string): Promise<T> {
  const res = await fetch(`${serve.api}${pathAndQuery}`);
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
