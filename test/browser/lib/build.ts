// The viewer bundle the tests run against: `npm run build` once per run, skipped when dist/ is newer
// than every source it is built from (MESHLENS_BROWSER_BUILD=always forces it, =never skips it).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const DIST_CLI = path.join(REPO, 'dist', 'cli.js');
const OUTPUTS = [DIST_CLI, path.join(REPO, 'dist', 'webview', 'index.html'), path.join(REPO, 'dist', 'webview', 'viewer.js')];
const SOURCES = ['webview', 'src', 'scripts/build.mjs', 'package.json'];

function newestMtimeMs(p: string): number {
  const abs = path.join(REPO, p);
  if (!fs.existsSync(abs)) return 0;
  const st = fs.statSync(abs);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) newest = Math.max(newest, newestMtimeMs(path.join(p, e.name)));
  return newest;
}

/** Why a build is needed, or undefined when dist/ is up to date. */
export function staleReason(): string | undefined {
  const missing = OUTPUTS.find((o) => !fs.existsSync(o));
  if (missing) return `${path.relative(REPO, missing)} is missing`;
  const oldestOut = Math.min(...OUTPUTS.map((o) => fs.statSync(o).mtimeMs));
  const stale = SOURCES.find((s) => newestMtimeMs(s) > oldestOut);
  return stale ? `${stale} is newer than dist/` : undefined;
}

let built: Promise<void> | undefined;

/** Builds dist/ (once per process) unless it is up to date. */
export function ensureBuilt(log: (s: string) => void = (s) => console.log(s)): Promise<void> {
  built ??= (async () => {
    const mode = process.env.MESHLENS_BROWSER_BUILD ?? 'auto';
    const reason = mode === 'always' ? 'MESHLENS_BROWSER_BUILD=always' : mode === 'never' ? undefined : staleReason();
    if (!reason) return;
    log(`    [browser] npm run build (${reason})`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn('npm', ['run', 'build'], { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}`))));
    });
    const still = OUTPUTS.find((o) => !fs.existsSync(o));
    if (still) throw new Error(`npm run build did not produce ${still}`);
  })();
  return built;
}
