import { promises as fs } from 'node:fs';
import * as path from 'node:path';

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
  return [...out].sort();
}

async function walk(dir: string, out: Set<string>): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await walk(full, out);
    } else if (e.isFile() && YAML.test(e.name)) out.add(full);
  }
}
