import * as path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * Bundles the CLI from the current sources to `outfile`, as scripts/build.mjs does for dist/:
 * never stale, and no race with other runs that rebuild dist/.
 */
export async function bundleCli(outfile: string): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [path.join(ROOT, 'src/cli/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'silent',
  });
}
