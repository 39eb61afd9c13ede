// The viewer's files (dist/webview) for `meshlens serve`: index.html at `/`, assets by path, a
// content type per extension, nothing outside the folder (no `..`, no symlink out of it).
import { promises as fs } from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file for a URL path (still percent-encoded), or undefined when there is none or the path
 * tries to leave `root`.
 */
export async function resolveStatic(root: string, urlPath: string): Promise<string | undefined> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  if (rel === '/' || rel === '') rel = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + rel);
  if (!inside(base, file)) return undefined;
  try {
    // Both real paths: a symlink inside the folder must not lead out of it.
    const [realBase, realFile] = await Promise.all([fs.realpath(base), fs.realpath(file)]);
    if (!inside(realBase, realFile) || !(await fs.stat(realFile)).isFile()) return undefined;
    return realFile;
  } catch {
    return undefined;
  }
}

/** Answers with the file; false (nothing written) when there is no such file. */
export async function serveStatic(root: string, urlPath: string, res: http.ServerResponse): Promise<boolean> {
  const file = await resolveStatic(root, urlPath);
  if (!file) return false;
  const body = await fs.readFile(file);
  res.writeHead(200, {
    'Content-Type': contentType(file),
    'Content-Length': body.byteLength,
    'X-Content-Type-Options': 'nosniff',
    // The bundle's names do not change per build: always revalidate rather than show a stale viewer.
    'Cache-Control': 'no-cache',
  });
  res.end(body);
  return true;
}

function inside(base: string, file: string): boolean {
  const r = path.relative(base, file);
  return r !== '' && !r.startsWith('..') && !path.isAbsolute(r);
}
