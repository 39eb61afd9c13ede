// Bundles the extension, the CLI and the viewer with esbuild. `--watch` rebuilds on change;
// `--metafile` also writes dist/<bundle>.meta.json (what each bundle holds and who imports it:
// https://esbuild.github.io/analyze/ reads it), e.g. to see what activation loads.
import * as esbuild from 'esbuild';
import { mkdir, copyFile, writeFile } from 'node:fs/promises';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const metafile = process.argv.includes('--metafile');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  metafile,
};

const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    // The receivers and the trace store run in a worker thread of the extension host (see
    // src/receiver/trace-service.ts), so they are a bundle of their own.
    ...common,
    entryPoints: { 'trace-worker': 'src/receiver/trace-worker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // Demo traffic for the editor's "MeshLens: Start Demo Traffic" (src/vscode/demo.ts): the
    // OpenTelemetry SDK is loaded from here on first use, not with the extension.
    ...common,
    entryPoints: { demo: 'src/demo/index.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/index.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { viewer: 'webview/main.ts' },
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

await mkdir('dist/webview', { recursive: true });
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  if (metafile) {
    for (const [i, r] of results.entries()) {
      const name = Object.keys(builds[i].entryPoints)[0];
      await writeFile(`${builds[i].outdir}/${name}.meta.json`, JSON.stringify(r.metafile));
    }
  }
  await copyFile('webview/index.html', 'dist/webview/index.html');
  await copyFile('webview/viewer.css', 'dist/webview/viewer.css');
  await copyFile('webview/details.css', 'dist/webview/details.css');
  await copyFile('webview/list.css', 'dist/webview/list.css');
  await copyFile('webview/map.css', 'dist/webview/map.css');
}
