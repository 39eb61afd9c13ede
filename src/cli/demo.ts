// `meshlens demo` and the demo half of `meshlens serve --demo`: options in, a running demo out.
// The simulator itself (src/demo) is loaded only when asked for: it brings the OpenTelemetry SDK,
// which `meshlens lint` has no use for.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { DemoOptions, DemoProtocol, DemoRun } from '../demo';
import { UsageError } from './files';

export interface DemoArgs {
  endpoint?: string;
  protocol: DemoProtocol;
  rate: number;
  count?: number;
  durationMs?: number;
  split?: [number, number];
  seed?: number;
}

/** The demo's own flags; returns false for a flag that is not one of them (the caller decides). */
export function demoFlag(o: DemoArgs, flag: string, value: () => string): boolean {
  switch (flag) {
    case '--endpoint':
      o.endpoint = value();
      return true;
    case '--protocol': {
      const v = value();
      if (v !== 'http/protobuf' && v !== 'grpc') throw new UsageError(`--protocol must be http/protobuf or grpc, not "${v}"`);
      o.protocol = v;
      return true;
    }
    case '--rate': {
      const v = value();
      const n = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || n <= 0 || n > 10_000) throw new UsageError(`--rate must be a number of requests per second above 0 and at most 10000, not "${v}"`);
      o.rate = n;
      return true;
    }
    case '--count': {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--count must be a whole number of requests (1 or more), not "${v}"`);
      o.count = Number(v);
      return true;
    }
    case '--duration': {
      const v = value();
      const n = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v) || n <= 0) throw new UsageError(`--duration must be a number of seconds above 0, not "${v}"`);
      o.durationMs = n * 1000;
      return true;
    }
    case '--split': {
      const v = value();
      const m = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(v);
      if (!m || Number(m[1]) + Number(m[2]) !== 100) throw new UsageError(`--split takes the percent to reviews v1 and v2 adding up to 100 (e.g. 80/20), not "${v}"`);
      o.split = [Number(m[1]), Number(m[2])];
      return true;
    }
    case '--seed': {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, not "${v}"`);
      o.seed = Number(v);
      return true;
    }
    default:
      return false;
  }
}

export function defaultDemoArgs(): DemoArgs {
  return { protocol: 'http/protobuf', rate: 5 };
}

/**
 * examples/bookinfo/app as an absolute path when it is on this machine (from the repository:
 * `npm start`, or the current folder), so the viewer's vscode:// links open the handlers even in a
 * browser; else the relative path, which VS Code resolves against the workspace.
 */
function codeRoot(): string | undefined {
  for (const base of [process.cwd(), path.resolve(__dirname, '..'), path.resolve(__dirname, '../..')]) {
    const dir = path.join(base, 'examples', 'bookinfo', 'app');
    if (existsSync(path.join(dir, 'productpage.ts'))) return dir.split(path.sep).join('/');
  }
  return undefined;
}

export async function startDemoFromArgs(o: DemoArgs): Promise<DemoRun> {
  // require, not import(): esbuild bundles it as a module evaluated on first use, and from sources
  // (tsx's CommonJS hook, as the tests run the CLI) a dynamic import() would go to Node's ESM loader.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startDemo } = require('../demo') as typeof import('../demo');
  const root = codeRoot();
  const options: DemoOptions = {
    protocol: o.protocol,
    rate: o.rate,
    ...(o.endpoint !== undefined && { endpoint: o.endpoint }),
    ...(o.count !== undefined && { count: o.count }),
    ...(o.durationMs !== undefined && { durationMs: o.durationMs }),
    ...(o.split !== undefined && { split: o.split }),
    ...(o.seed !== undefined && { seed: o.seed }),
    ...(root !== undefined && { codeRoot: root }),
  };
  return startDemo(options);
}

/** One line for people: what was sent, and how reviews was split. */
export function describeCounts(c: DemoRun['counts']): string {
  const r = c.reviews;
  return `${c.requests.toLocaleString('en-US')} requests, ${c.exportedSpans.toLocaleString('en-US')} of ${c.spans.toLocaleString('en-US')} spans taken by the receiver; reviews v1 ${r.v1}, v2 ${r.v2}, v3 ${r.v3}`;
}

export function isDemoError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'DemoError';
}
