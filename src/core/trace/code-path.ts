// Where a file named by a span (code.file.path) or a stack frame is on this machine. The app that
// recorded it may have run in a container (/app/services/cart/src/handlers.ts), on another OS
// (C:\src\cart\Handlers.cs), or from a bundle (file:///srv/app/dist/x.js), so the path is rarely
// usable as given. The editor tries, in order: the path itself, the path relative to each workspace
// folder, and the workspace file sharing the longest run of trailing segments with it. This module
// is the pure part: text in, candidates and scores out; the editor does the file system.

/** The path as a plain path: file:// URLs decoded, backslashes as slashes, no trailing slash. */
export function normalizeCodePath(file: string): string {
  let p = file.trim();
  if (/^file:\/\//i.test(p)) {
    // file:///abs/path and file://host/share: the host part is dropped (it is never this machine's name).
    p = p.replace(/^file:\/\/[^/]*/i, '');
    try {
      p = decodeURIComponent(p);
    } catch {
      // A stray % in a path: keep the text as it is.
    }
    // file:///C:/x is C:/x, not /C:/x.
    if (/^\/[A-Za-z]:\//.test(p)) p = p.slice(1);
  }
  // webpack:///./src/x.ts and similar source-map schemes name a path inside the project.
  p = p.replace(/^webpack:\/\/[^/]*\//i, '');
  p = p.replace(/\\/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** `/x`, `C:/x`, `//server/share`: absolute on some machine. */
export function isAbsoluteCodePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

/** The meaningful segments: no empty ones, no `.`; `..` is kept (it cannot be matched away). */
export function pathSegments(p: string): string[] {
  return normalizeCodePath(p)
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

export function codeBasename(p: string): string {
  const s = pathSegments(p);
  return s[s.length - 1] ?? '';
}

/**
 * How many trailing segments two paths share: `/app/services/cart/src/handlers.ts` and
 * `/home/me/shop/services/cart/src/handlers.ts` share 4. 0 when even the file names differ.
 */
export function sharedSuffixLength(a: string, b: string): number {
  const x = pathSegments(a);
  const y = pathSegments(b);
  let n = 0;
  while (n < x.length && n < y.length && x[x.length - 1 - n] === y[y.length - 1 - n]) n++;
  return n;
}

/**
 * The candidate that shares the most trailing segments with `wanted` (at least the file name); on a
 * tie the one with the fewest segments (nearest the workspace root), then the first in alphabetical
 * order, so the answer does not depend on the order the file search returned them in. Undefined
 * when none has the file name.
 */
export function bestSuffixMatch(wanted: string, candidates: readonly string[]): { readonly path: string; readonly shared: number } | undefined {
  let best: { path: string; shared: number; depth: number } | undefined;
  for (const c of candidates) {
    const shared = sharedSuffixLength(wanted, c);
    if (shared === 0) continue;
    const depth = pathSegments(c).length;
    if (!best || shared > best.shared || (shared === best.shared && (depth < best.depth || (depth === best.depth && c < best.path)))) best = { path: c, shared, depth };
  }
  return best && { path: best.path, shared: best.shared };
}

/**
 * Relative forms worth trying under a workspace folder, most specific first: the path as given
 * (`src/x.ts`, `./src/x.ts`), then without each leading segment in turn (`/app/src/x.ts` tried as
 * `app/src/x.ts`, `src/x.ts`, ... but never the bare file name: that is the suffix search's job,
 * which can tell several `index.ts` apart).
 */
export function relativeCandidates(file: string): string[] {
  const segs = pathSegments(file);
  if (segs.includes('..') || segs.length === 0) return segs.length ? [segs.join('/')] : [];
  // A drive letter is not a folder to look for.
  const start = /^[A-Za-z]:$/.test(segs[0]) ? 1 : 0;
  const out: string[] = [];
  for (let i = start; i < segs.length - 1; i++) out.push(segs.slice(i).join('/'));
  if (out.length === 0 && start < segs.length) out.push(segs.slice(start).join('/'));
  return out;
}

/** Whether `p` is `folder` or below it (both normalised, compared by segments). */
export function isInsideFolder(p: string, folder: string): boolean {
  const a = pathSegments(p);
  const f = pathSegments(folder);
  if (f.length > a.length) return false;
  return f.every((s, i) => s === a[i]);
}

/** A line number within a file of `lineCount` lines (1-based in, 1-based out). */
export function clampLine(line: number, lineCount: number): number {
  if (!Number.isFinite(line) || line < 1) return 1;
  return Math.min(Math.floor(line), Math.max(1, lineCount));
}

/**
 * A glob for a file search by name: `[id].tsx` is a Next.js page, not a character class. Escaping
 * differs between glob engines (VS Code's search did not match `[[]id].tsx`), so each character a
 * glob could read specially becomes `?`; bestSuffixMatch then compares the names exactly.
 */
export function fileNameGlob(name: string): string {
  return `**/${name.replace(/[[\]{}*?!,]/g, '?')}`;
}
