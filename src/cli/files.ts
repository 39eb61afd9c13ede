import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { HEAD_BYTES } from '../core';
import type { FileInput } from '../core';

const SKIP_DIRS = new Set(['node_modules', '.git']);
const YAML = /\.ya?ml$/i;

export class UsageError extends Error {}

/**
 * Expands the command line's paths: directories are walked for *.yaml / *.yml (skipping
 * node_modules and .git), files named explicitly are taken whatever their extension.
 */
export async function collectFiles(inputs: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const input of inputs) {
    const abs = path.resolve(input);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      throw new UsageError(`no such file or directory: ${input}`);
    }
    if (stat.isDirectory()) await walk(abs, out);
    else out.add(abs);
  }
  // A link and its target are one file: counting both would report every object as a duplicate.
  const byTarget = new Map<string, string>();
  for (const file of [...out].sort()) {
    const real = await fs.realpath(file).catch(() => file);
    if (!byTarget.has(real)) byTarget.set(real, file);
  }
  return [...byTarget.values()].sort();
}

async function walk(dir: string, out: Set<string>): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await walk(full, out);
    } else if (YAML.test(e.name)) {
      // Symlinked files are followed (a common way to share manifests); symlinked folders are
      // not, so a link cycle cannot make the walk endless.
      if (e.isFile()) out.add(full);
      else if (e.isSymbolicLink() && (await fs.stat(full).catch(() => undefined))?.isFile()) out.add(full);
    }
  }
}

/** Reads a file, or only its head when it is above the size limit (it will not be parsed anyway). */
export async function readManifest(file: string, maxBytes: number): Promise<FileInput> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size <= maxBytes) return { bytes: await handle.readFile() };
    const head = new Uint8Array(Math.min(size, HEAD_BYTES));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { head: head.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}
