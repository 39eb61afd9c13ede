// Whole-workspace analysis and per-edit re-analysis, against yaml-language-server in the same run.
//
//   npm run bench:lint                  (seed 1; BENCH_SEED=<n> for another workspace)
//
// Workspace: bench/generate-workspace.ts writes 1,000 files with 5,000 objects (about 10% with a
// deliberate mistake) into bench/.work/ws-<seed>/, including one 2,000-line file.
//
// Each tool runs in its own child process (own heap and JIT; neither pays for the other's garbage or
// retained state), and the parent drives them in alternation -- MeshLens cold run, peer cold run,
// MeshLens, peer, ...; then edit by edit -- so that a busy neighbour on this shared machine slows
// both alike. Garbage is collected before every timed cold run; GC pauses inside the timed windows
// are reported (they are part of the figures).
//
// MeshLens runs as it ships: the parent bundles src/core with esbuild the way `npm run package`
// builds the extension and the CLI (bundled, minified; not timed) and the child loads that bundle.
// Running the TypeScript sources through tsx instead costs about a third more (every imported
// binding is read through a getter, every function wrapped for its name) and is not what users run.
//
// MeshLens cold: read every file's bytes (timed apart), then new ManifestEngine(RULES), setFile for
// each, analyze(), findings() for every affected file. The first run in the fresh process has a cold
// JIT and is reported alone; the figure is the median of the other COLD_RUNS - 1.
// MeshLens edit: on the warm engine of the last cold run, EDITS edits of the 2,000-line file (change
// a weight, insert a field, remove it, break a line, fix it), each setFile({text}) + analyze() +
// findings() of the affected files; the EDIT_WARMUP edits before them are not counted.
//
// Peer: yaml-language-server's language service in-process (in its child), set up as its VS Code
// users do for multi-kind Kubernetes files: `yaml.schemas: {kubernetes: "*.yaml"}` with the
// Kubernetes CRD store on (the default). Per document the service reads apiVersion/kind; a built-in
// kind gets its schema from the Kubernetes all.json, any other kind the CRD catalog's
// `<group>/<kind>_<version>.json`. Nothing is fetched: the bench's schema request service answers
// those URLs with JSON Schemas built from the corpus CRDs the way the catalog builds them
// (kubeconform's openapi2jsonschema: openAPIV3Schema per served version, `additionalProperties:
// false` on every object with properties below the root, apiVersion/kind/metadata accepted), and
// with a minimal all.json for the built-in kinds (Deployment, Service: apiVersion, kind and metadata
// checked, spec not) -- which makes the peer faster than with the real Kubernetes schema. Cold: a
// fresh service (document cache cleared) validates every file; edit: doValidation of the 2,000-line
// file after the same edits. Without ../shared/corpus the peer is skipped (its figures are null).
//
// The last line of output is one JSON object for machines.
import { ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type * as Core from '../src/core';
import type * as YlsService from 'yaml-language-server/lib/umd/languageservice/yamlLanguageService';
import type * as YlsSettings from 'yaml-language-server/lib/umd/yamlSettings';
import type * as YlsDocuments from 'yaml-language-server/lib/umd/languageservice/parser/yaml-documents';
import type * as TextDocs from 'vscode-languageserver-textdocument';
import { BIG_FILE, BIG_FILE_LINES, FILE_COUNT, generateWorkspace, makeEdits, Workspace } from './generate-workspace';
import { buildPeerSchemas, corpusCrds, newYamlService } from './peer';

const ROOT = path.resolve(__dirname, '..');
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus');
const SEED = Number(process.env.BENCH_SEED ?? 1);
/**
 * Another yaml-language-server package directory to measure instead of the installed one, e.g. a
 * 2.x (ESM, `out/src/`) installed elsewhere; 1.x has CommonJS builds in `lib/umd/`.
 */
const YLS_DIR = ((): string | undefined => {
  if (process.env.BENCH_YLS_DIR) return path.resolve(process.env.BENCH_YLS_DIR);
  try {
    return path.dirname(require.resolve('yaml-language-server/package.json'));
  } catch {
    return undefined;
  }
})();

/** The engine as it ships, built by the parent before the children start. */
const CORE_BUNDLE = path.join(ROOT, 'bench', '.work', 'dist', 'meshlens-core.js');
const COLD_RUNS = 6;
const EDIT_WARMUP = 5;
const EDITS = 60;
const TARGET_FULL_MS = 2000;
const TARGET_EDIT_P95_MS = 20;
const TARGET_RATIO = 2;
const WATCHDOG_MS = 10 * 60_000;


// ---------------------------------------------------------------------------------------------
// Small helpers

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const round = (ms: number) => Math.round(ms * 100) / 100;
const fmtMs = (ms: number | undefined) => (ms === undefined ? '-' : ms < 10 ? ms.toFixed(2) : ms < 1000 ? ms.toFixed(1) : ms.toFixed(0));
const fmtRatio = (peer: number | undefined, ours: number) => (peer === undefined ? '-' : `${(peer / ours).toFixed(1)}x`);
const countBy = <T>(xs: Iterable<T>, key: (x: T) => string) => {
  const m: Record<string, number> = {};
  for (const x of xs) m[key(x)] = (m[key(x)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(m).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
};
const settle = (ms = 200) => new Promise<void>((resolve) => setTimeout(resolve, ms));
let gcFn: (() => void) | undefined;
/** A full collection (children run with --expose-gc; this also works without it). */
const collect = () => {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
};

/** What MeshLens calls a file: its real path. */
const uriOf = (wsDir: string, rel: string) => 'file://' + path.join(wsDir, ...rel.split('/'));
/**
 * What the peer calls a file. It never reads the disk, but its file associations are picomatch globs
 * without `dot`, and the real path goes through `bench/.work/`: `**\/*.yaml` would match nothing there.
 */
const peerUriOf = (seed: number, rel: string) => `file:///workspace/ws-${seed}/${rel}`;

interface Window {
  from: number;
  to: number;
}

interface Phases {
  setFileMs: number;
  analyzeMs: number;
  findingsMs: number;
}

// ---------------------------------------------------------------------------------------------
// The protocol between the parent and a tool's child process

type Request =
  | { cmd: 'init'; wsDir: string; seed: number }
  | { cmd: 'cold' }
  | { cmd: 'edit'; text: string; version: number }
  | { cmd: 'report' };

interface InitReply {
  version: string;
  loadMs: number;
  schemas?: { crd: number; buildMs: number };
}
interface ColdReply {
  ms: number;
  diskMs?: number;
  phases?: Phases;
}
interface EditReply {
  ms: number;
  phases?: Phases;
  affected?: number;
}
interface Report {
  /** Median GC pause time inside the timed cold runs (after the first) and edits (after the warm-up). */
  gcColdMs: number;
  gcEditMs: number;
  /** Per file (relative path): the 0-based lines where a finding or diagnostic starts (last cold run). */
  problemLines: Record<string, number[]>;
  problems: number;
  byKind: Record<string, number>;
  objects?: number;
  schemaRequests?: number;
  ruleErrors?: number;
}

// ---------------------------------------------------------------------------------------------
// Child side: shared

interface Input {
  rel: string;
  bytes: Uint8Array;
}

function listYaml(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listYaml(dir, r));
    else if (/\.ya?ml$/.test(e.name)) out.push(r);
  }
  return out;
}

function readWorkspace(wsDir: string): { inputs: Input[]; ms: number } {
  const t0 = performance.now();
  const inputs = listYaml(wsDir).map((rel) => ({ rel, bytes: fs.readFileSync(path.join(wsDir, ...rel.split('/'))) }));
  return { inputs, ms: performance.now() - t0 };
}

interface Tool {
  init(wsDir: string, seed: number): Promise<InitReply>;
  /** Drops the previous run's state, reads the files, collects garbage, then times one cold run. */
  cold(): Promise<ColdReply & Window>;
  edit(text: string, version: number): Promise<EditReply & Window>;
  report(): Promise<Omit<Report, 'gcColdMs' | 'gcEditMs'>>;
}

async function child(tool: Tool): Promise<void> {
  const pauses: Array<{ start: number; ms: number }> = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push({ start: e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const gcWithin = (w: Window) => pauses.filter((p) => p.start >= w.from && p.start < w.to).reduce((n, p) => n + p.ms, 0);
  const coldWindows: Window[] = [];
  const editWindows: Window[] = [];
  const send = (msg: unknown) => new Promise<void>((resolve, reject) => process.send!(msg, undefined, {}, (e) => (e ? reject(e) : resolve())));
  process.on('disconnect', () => process.exit(0));
  process.on('message', (req: Request) => {
    void (async () => {
      try {
        let reply: unknown;
        if (req.cmd === 'init') reply = await tool.init(req.wsDir, req.seed);
        else if (req.cmd === 'cold') {
          const r = await tool.cold();
          coldWindows.push(r);
          reply = r;
        } else if (req.cmd === 'edit') {
          const r = await tool.edit(req.text, req.version);
          editWindows.push(r);
          reply = r;
        } else {
          await settle(); // the GC observer reports its entries a little later
          const rep: Report = {
            ...(await tool.report()),
            gcColdMs: median(coldWindows.slice(1).map(gcWithin)),
            gcEditMs: median(editWindows.slice(EDIT_WARMUP).map(gcWithin)),
          };
          reply = rep;
        }
        await send({ ok: true, reply });
      } catch (e) {
        await send({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    })();
  });
  await send({ ok: true, reply: 'ready' });
}

// ---------------------------------------------------------------------------------------------
// Child side: MeshLens

function meshlensTool(): Tool {
  let core: typeof Core;
  let wsDir = '';
  let engine: Core.ManifestEngine | undefined;
  let findings = new Map<string, Core.Finding[]>();
  const relOf = new Map<string, string>();
  return {
    async init(dir) {
      wsDir = dir;
      const t0 = performance.now();
      core = createRequire(__filename)(CORE_BUNDLE) as typeof Core;
      const loadMs = performance.now() - t0;
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
      return { version: pkg.version, loadMs };
    },
    async cold() {
      engine = undefined; // the previous run's engine is garbage before this run starts
      findings = new Map();
      const { inputs, ms: diskMs } = readWorkspace(wsDir);
      collect();
      const uris = inputs.map((f) => uriOf(wsDir, f.rel));
      inputs.forEach((f, i) => relOf.set(uris[i], f.rel));
      const t0 = performance.now();
      const e = new core.ManifestEngine(core.RULES);
      inputs.forEach((f, i) => e.setFile(uris[i], { bytes: f.bytes }));
      const t1 = performance.now();
      const affected = e.analyze();
      const t2 = performance.now();
      for (const uri of affected) findings.set(uri, e.findings(uri));
      const t3 = performance.now();
      engine = e;
      return { ms: t3 - t0, diskMs, phases: { setFileMs: t1 - t0, analyzeMs: t2 - t1, findingsMs: t3 - t2 }, from: t0, to: t3 };
    },
    async edit(text) {
      const uri = uriOf(wsDir, BIG_FILE);
      const t0 = performance.now();
      engine!.setFile(uri, { text });
      const t1 = performance.now();
      const affected = engine!.analyze();
      const t2 = performance.now();
      for (const u of affected) engine!.findings(u);
      const t3 = performance.now();
      return { ms: t3 - t0, phases: { setFileMs: t1 - t0, analyzeMs: t2 - t1, findingsMs: t3 - t2 }, affected: affected.size, from: t0, to: t3 };
    },
    async report() {
      const problemLines: Record<string, number[]> = {};
      const all: Core.Finding[] = [];
      for (const [uri, list] of findings) {
        problemLines[relOf.get(uri) ?? uri] = list.map((f) => f.range.start.line);
        all.push(...list);
      }
      return {
        problemLines,
        problems: all.length,
        byKind: countBy(all, (f) => f.code),
        objects: [...engine!.index.allObjects()].length,
        ruleErrors: engine!.ruleErrors.length,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Child side: the peer. JSON Schemas from the corpus CRDs, served as the CRD catalog and Kubernetes
// schema URLs.

type Diagnostic = Awaited<ReturnType<YlsService.LanguageService['doValidation']>>[number];

function peerTool(): Tool {
  let service: typeof YlsService;
  let settingsModule: typeof YlsSettings;
  let documents: typeof YlsDocuments;
  let textDocument: typeof TextDocs;
  let byUrl = new Map<string, string>();
  let wsDir = '';
  let seed = 0;
  let ls: YlsService.LanguageService | undefined;
  let requests = 0;
  const unknown = new Set<string>();
  let diagnostics = new Map<string, Diagnostic[]>();

  const newService = (): YlsService.LanguageService => {
    documents.yamlDocumentsCache.clear();
    return newYamlService({ service, settings: settingsModule }, (uri) => {
      requests++;
      const text = byUrl.get(uri.split('#')[0]);
      if (text === undefined) unknown.add(uri);
      return text;
    });
  };

  return {
    async init(dir, s) {
      wsDir = dir;
      seed = s;
      const sources = corpusCrds(CORPUS);
      if (!sources) throw new Error(`no corpus at ${CORPUS}`);
      const b0 = performance.now();
      const built = buildPeerSchemas(sources);
      byUrl = built.byUrl;
      const buildMs = performance.now() - b0;
      const t0 = performance.now();
      const pkgDir = YLS_DIR!;
      const load = createRequire(path.join(pkgDir, 'package.json'));
      const umd = path.join(pkgDir, 'lib', 'umd');
      const esm = path.join(pkgDir, 'out', 'src');
      const module = async <T>(p: string): Promise<T> =>
        fs.existsSync(umd) ? (load(path.join(umd, ...p.split('/'))) as T) : ((await import(pathToFileURL(path.join(esm, ...p.split('/')) + '.js').href)) as T);
      service = await module<typeof YlsService>('languageservice/yamlLanguageService');
      settingsModule = await module<typeof YlsSettings>('yamlSettings');
      documents = await module<typeof YlsDocuments>('languageservice/parser/yaml-documents');
      textDocument = load('vscode-languageserver-textdocument') as typeof TextDocs;
      const loadMs = performance.now() - t0;
      return { version: (load('./package.json') as { version: string }).version, loadMs, schemas: { crd: built.crd, buildMs } };
    },
    async cold() {
      ls = undefined;
      diagnostics = new Map();
      const { inputs } = readWorkspace(wsDir); // not timed: MeshLens's child reports the disk time
      collect();
      requests = 0;
      const decoder = new TextDecoder();
      const t0 = performance.now();
      const s = newService();
      for (const f of inputs) {
        const doc = textDocument.TextDocument.create(peerUriOf(seed, f.rel), 'yaml', 1, decoder.decode(f.bytes));
        diagnostics.set(f.rel, await s.doValidation(doc, true));
      }
      const t1 = performance.now();
      documents.yamlDocumentsCache.clear(); // its parsed files must not weigh on the next runs
      if (requests === 0) throw new Error('the peer asked for no schema: its file association matched nothing');
      if (unknown.size > 0) throw new Error(`the peer asked for schemas the bench does not have: ${[...unknown].slice(0, 5).join(', ')}`);
      ls = s;
      return { ms: t1 - t0, from: t0, to: t1 };
    },
    async edit(text, version) {
      const t0 = performance.now();
      const doc = textDocument.TextDocument.create(peerUriOf(seed, BIG_FILE), 'yaml', version, text);
      await ls!.doValidation(doc, true);
      const t1 = performance.now();
      return { ms: t1 - t0, from: t0, to: t1 };
    },
    async report() {
      const problemLines: Record<string, number[]> = {};
      const all: Diagnostic[] = [];
      for (const [rel, ds] of diagnostics) {
        problemLines[rel] = ds.map((d) => d.range.start.line);
        all.push(...ds);
      }
      return {
        problemLines,
        problems: all.length,
        byKind: countBy(all, (d) => (/^yaml-schema/.test(String(d.source)) ? 'schema' : 'yaml (syntax)')),
        schemaRequests: requests,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parent side

class Worker {
  private readonly proc: ChildProcess;
  private pending: { resolve: (v: unknown) => void; reject: (e: Error) => void } | undefined;
  private readonly ready: Promise<unknown>;
  exited = false;

  constructor(readonly role: 'meshlens' | 'peer') {
    // The same node flags as this process (tsx's loader), so the child runs this very file.
    this.proc = fork(__filename, ['--role', role], { execArgv: [...process.execArgv, '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => (this.pending = { resolve, reject }));
    this.proc.on('message', (m: { ok: boolean; reply?: unknown; error?: string }) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.ok) p?.resolve(m.reply);
      else p?.reject(new Error(`${role}: ${m.error}`));
    });
    this.proc.on('exit', (code, signal) => {
      this.exited = true;
      this.pending?.reject(new Error(`${role} child exited (${code ?? signal})`));
      this.pending = undefined;
    });
  }

  async call<T>(req: Request): Promise<T> {
    await this.ready;
    return new Promise<T>((resolve, reject) => {
      this.pending = { resolve: resolve as (v: unknown) => void, reject };
      this.proc.send(req);
    });
  }

  /** Ends the child and waits for it (it also exits by itself when this process goes away). */
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    if (this.proc.connected) this.proc.disconnect();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }
}

interface Coverage {
  caught: number;
  mistakes: number;
  byCategory: Record<string, { caught: number; mistakes: number }>;
  /** Objects without an injected mistake that got a finding. */
  noisy: number;
}

/** Which injected mistakes a tool reports (something starts on a line of the object), and its noise. */
function coverage(ws: Workspace, problemLines: Record<string, number[]>): Coverage {
  const c: Coverage = { caught: 0, mistakes: 0, noisy: 0, byCategory: {} };
  for (const f of ws.files) {
    const lines = new Set(problemLines[f.path] ?? []);
    for (const o of f.objects) {
      let hit = false;
      for (let l = o.startLine; l <= o.endLine && !hit; l++) hit = lines.has(l);
      if (o.mistake) {
        const cat = (c.byCategory[o.mistake.category] ??= { caught: 0, mistakes: 0 });
        c.mistakes++;
        cat.mistakes++;
        if (hit) {
          c.caught++;
          cat.caught++;
        }
      } else if (!o.duplicated && hit) c.noisy++;
    }
  }
  return c;
}

async function main(): Promise<void> {
  const started = performance.now();
  const load0 = os.loadavg()[0];
  const ws = generateWorkspace(SEED);
  if (ws.files.length !== FILE_COUNT) throw new Error('generator drift');
  process.stderr.write(`workspace ${path.relative(ROOT, ws.dir)} sha256 ${ws.hash}\n`);
  let withPeer = true;
  if (!corpusCrds(CORPUS)) {
    withPeer = false;
    console.log(`peer skipped: the shared corpus is not at ${CORPUS} (its CRDs are needed to build yaml-language-server's schemas)`);
  } else if (!YLS_DIR || !fs.existsSync(path.join(YLS_DIR, 'package.json'))) {
    withPeer = false;
    console.log('peer skipped: yaml-language-server is not installed (npm install --save-dev yaml-language-server)');
  }

  // The production build's settings (scripts/build.mjs with --production), for src/core alone.
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'src', 'core', 'index.ts')],
    outfile: CORE_BUNDLE,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
  });
  const ml = new Worker('meshlens');
  const peer = withPeer ? new Worker('peer') : undefined;
  try {
    const mlInit = await ml.call<InitReply>({ cmd: 'init', wsDir: ws.dir, seed: SEED });
    const peerInit = peer ? await peer.call<InitReply>({ cmd: 'init', wsDir: ws.dir, seed: SEED }) : undefined;

    // Cold runs, alternating.
    const mlCold: ColdReply[] = [];
    const peerCold: ColdReply[] = [];
    for (let run = 0; run < COLD_RUNS; run++) {
      mlCold.push(await ml.call<ColdReply>({ cmd: 'cold' }));
      process.stderr.write(`. MeshLens cold ${run + 1}/${COLD_RUNS}: ${fmtMs(mlCold[run].ms)} ms\n`);
      if (peer) {
        peerCold.push(await peer.call<ColdReply>({ cmd: 'cold' }));
        process.stderr.write(`. yaml-language-server cold ${run + 1}/${COLD_RUNS}: ${fmtMs(peerCold[run].ms)} ms\n`);
      }
    }

    // Edits, alternating edit by edit; the same texts for both.
    const bigText = ws.files.find((f) => f.path === BIG_FILE)!.text;
    const edits = makeEdits(bigText, EDIT_WARMUP + EDITS, SEED);
    const mlEdits: EditReply[] = [];
    const peerEdits: EditReply[] = [];
    for (const [i, e] of edits.entries()) {
      mlEdits.push(await ml.call<EditReply>({ cmd: 'edit', text: e.text, version: i + 2 }));
      if (peer) peerEdits.push(await peer.call<EditReply>({ cmd: 'edit', text: e.text, version: i + 2 }));
    }
    process.stderr.write(`. ${edits.length} edits each\n`);
    const mlRep = await ml.call<Report>({ cmd: 'report' });
    const peerRep = peer ? await peer.call<Report>({ cmd: 'report' }) : undefined;

    // Figures
    const mlWarm = mlCold.slice(1);
    const fullFirst = mlCold[0].ms;
    const fullMs = median(mlWarm.map((r) => r.ms));
    const mlEditMs = mlEdits.slice(EDIT_WARMUP).map((e) => e.ms);
    const editP50 = median(mlEditMs);
    const editP95 = pct(mlEditMs, 0.95);
    const editMax = Math.max(...mlEditMs);
    const peerFirst = peerCold[0]?.ms;
    const peerFullMs = peerCold.length > 1 ? median(peerCold.slice(1).map((r) => r.ms)) : undefined;
    const pEditMs = peerEdits.slice(EDIT_WARMUP).map((e) => e.ms);
    const peerEditP50 = pEditMs.length ? median(pEditMs) : undefined;
    const peerEditP95 = pEditMs.length ? pct(pEditMs, 0.95) : undefined;
    const peerEditMax = pEditMs.length ? Math.max(...pEditMs) : undefined;
    const pairedRatios = peer ? mlWarm.map((r, i) => peerCold[i + 1].ms / r.ms) : [];

    const mlCov = coverage(ws, mlRep.problemLines);
    const peerCov = peerRep ? coverage(ws, peerRep.problemLines) : undefined;
    const phase = (xs: Array<{ phases?: Phases }>, k: keyof Phases) => median(xs.map((x) => x.phases![k]));
    const mib = ws.bytes / 1024 / 1024;
    const diskMs = median(mlCold.map((r) => r.diskMs!));

    const fullOk = fullMs < TARGET_FULL_MS;
    const editOk = editP95 < TARGET_EDIT_P95_MS;
    const ratioFull = peerFullMs !== undefined ? peerFullMs / fullMs : undefined;
    const ratioEdit = peerEditP95 !== undefined ? peerEditP95 / editP95 : undefined;
    const ratioOk = ratioFull !== undefined && ratioEdit !== undefined ? ratioFull >= TARGET_RATIO && ratioEdit >= TARGET_RATIO : undefined;
    const yn = (b: boolean | undefined) => (b === undefined ? 'n/a' : b ? 'yes' : 'NO');

    // Table
    const bigObjects = ws.files.find((f) => f.path === BIG_FILE)!.objects.length;
    console.log(
      `lint: ${path.relative(ROOT, ws.dir)} (seed ${SEED}, sha256 ${ws.hash.slice(0, 12)}): ${ws.files.length} files, ${ws.objectCount} objects, ` +
        `${ws.lines.toLocaleString('en')} lines, ${mib.toFixed(2)} MiB; edit target ${BIG_FILE} (${BIG_FILE_LINES.toLocaleString('en')} lines, ${bigObjects} objects)`,
    );
    console.log(
      `node ${process.version}, ${os.cpus().length} CPUs, load average ${load0.toFixed(2)} at start; ` +
        `MeshLens ${mlInit.version} as shipped (${path.relative(ROOT, CORE_BUNDLE)}: src/core bundled and minified by esbuild, not timed); ` +
        (peerInit
          ? `peer yaml-language-server ${peerInit.version} (${path.relative(ROOT, YLS_DIR!)}), ${peerInit.schemas!.crd} CRD schemas built in ${fmtMs(peerInit.schemas!.buildMs)} ms (not timed)`
          : 'peer skipped'),
    );
    console.log(
      `one child process per tool, driven in alternation; cold: ${COLD_RUNS} runs each, the first alone, then the median of the other ${COLD_RUNS - 1}; ` +
        `edits: ${EDITS} after ${EDIT_WARMUP} warm-up (${Object.entries(countBy(edits.slice(EDIT_WARMUP), (e) => e.kind)).map(([k, n]) => `${n} ${k}`).join(', ')})`,
    );
    const header = ['measure', 'MeshLens', 'yaml-language-server', 'peer / MeshLens', 'target', 'holds'];
    const rows: string[][] = [
      ['cold full analysis, first run (ms)', fmtMs(fullFirst), fmtMs(peerFirst), fmtRatio(peerFirst, fullFirst), '', ''],
      [
        `cold full analysis, median (ms)`,
        fmtMs(fullMs),
        fmtMs(peerFullMs),
        fmtRatio(peerFullMs, fullMs),
        `< ${TARGET_FULL_MS} ms, >= ${TARGET_RATIO}x`,
        `${yn(fullOk)}, ${yn(ratioFull === undefined ? undefined : ratioFull >= TARGET_RATIO)}`,
      ],
      ['edit p50 (ms)', fmtMs(editP50), fmtMs(peerEditP50), fmtRatio(peerEditP50, editP50), '', ''],
      [
        'edit p95 (ms)',
        fmtMs(editP95),
        fmtMs(peerEditP95),
        fmtRatio(peerEditP95, editP95),
        `< ${TARGET_EDIT_P95_MS} ms, >= ${TARGET_RATIO}x`,
        `${yn(editOk)}, ${yn(ratioEdit === undefined ? undefined : ratioEdit >= TARGET_RATIO)}`,
      ],
      ['edit max (ms)', fmtMs(editMax), fmtMs(peerEditMax), fmtRatio(peerEditMax, editMax), '', ''],
      ['GC pauses in cold run / edit, median (ms)', `${fmtMs(mlRep.gcColdMs)} / ${fmtMs(mlRep.gcEditMs)}`, peerRep ? `${fmtMs(peerRep.gcColdMs)} / ${fmtMs(peerRep.gcEditMs)}` : '-', '', '', ''],
      ['disk read, all files, median (ms, not in the above)', fmtMs(diskMs), '(same bytes)', '', '', ''],
      ['module load, once (ms, not in the above)', fmtMs(mlInit.loadMs), fmtMs(peerInit?.loadMs), '', '', ''],
      ['objects / files', `${mlRep.objects} / ${ws.files.length}`, peerRep ? `- / ${Object.keys(peerRep.problemLines).length}` : '-', '', '', ''],
      ['findings / diagnostics', String(mlRep.problems), peerRep ? String(peerRep.problems) : '-', '', '', ''],
      ['injected mistakes reported', `${mlCov.caught} / ${mlCov.mistakes}`, peerCov ? `${peerCov.caught} / ${peerCov.mistakes}` : '-', '', '', ''],
      ['clean objects with a problem reported', String(mlCov.noisy), peerCov ? String(peerCov.noisy) : '-', '', '', ''],
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
    console.log(line(header));
    console.log('|' + widths.map((w, i) => (i === 0 || i >= 4 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
    for (const r of rows) console.log(line(r));

    console.log(
      `MeshLens cold phases (median of warm runs): setFile (decode, parse, index) ${fmtMs(phase(mlWarm, 'setFileMs'))} ms = ` +
        `${(mib / (phase(mlWarm, 'setFileMs') / 1000)).toFixed(1)} MiB/s, analyze (rules) ${fmtMs(phase(mlWarm, 'analyzeMs'))} ms, ` +
        `findings ${fmtMs(phase(mlWarm, 'findingsMs'))} ms; first run ${fmtMs(mlCold[0].phases!.setFileMs)} / ${fmtMs(mlCold[0].phases!.analyzeMs)} / ${fmtMs(mlCold[0].phases!.findingsMs)} ms`,
    );
    const measuredMl = mlEdits.slice(EDIT_WARMUP);
    console.log(
      `MeshLens edit phases (median): setFile ${fmtMs(phase(measuredMl, 'setFileMs'))} ms, analyze ${fmtMs(phase(measuredMl, 'analyzeMs'))} ms, ` +
        `findings ${fmtMs(phase(measuredMl, 'findingsMs'))} ms; files re-assembled per edit: median ${median(measuredMl.map((e) => e.affected!))}`,
    );
    if (pairedRatios.length) {
      console.log(`peer / MeshLens per cold round: ${pairedRatios.map((r) => r.toFixed(2)).join(', ')} (median ${median(pairedRatios).toFixed(2)})`);
    }
    console.log(`MeshLens findings by code: ${Object.entries(mlRep.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}; rule errors ${mlRep.ruleErrors}`);
    if (peerRep) {
      console.log(
        `peer diagnostics: ${Object.entries(peerRep.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}; schema requests in its last cold run ${peerRep.schemaRequests}`,
      );
    }
    console.log(
      `injected mistakes reported by category, MeshLens${peerCov ? ' / peer' : ''} / injected: ` +
        Object.entries(mlCov.byCategory)
          .map(([k, v]) => `${k} ${v.caught}/${peerCov ? `${peerCov.byCategory[k]?.caught ?? 0}/` : ''}${v.mistakes}`)
          .join(', '),
    );
    console.log(
      `targets: full < ${TARGET_FULL_MS} ms: ${yn(fullOk)}; edit p95 < ${TARGET_EDIT_P95_MS} ms: ${yn(editOk)}; ` +
        `>= ${TARGET_RATIO}x faster than the peer (cold and edit p95): ${yn(ratioOk)} ` +
        `(bench took ${((performance.now() - started) / 1000).toFixed(0)} s, load average ${os.loadavg()[0].toFixed(2)} at the end)`,
    );

    const orNull = (x: number | undefined) => (x === undefined ? null : round(x));
    const out = {
      bench: 'lint',
      fullMs: round(fullMs),
      editP50Ms: round(editP50),
      editP95Ms: round(editP95),
      peerFullMs: orNull(peerFullMs),
      fullFirstMs: round(fullFirst),
      editMaxMs: round(editMax),
      peerFullFirstMs: orNull(peerFirst),
      peerEditP50Ms: orNull(peerEditP50),
      peerEditP95Ms: orNull(peerEditP95),
      ratioFull: orNull(ratioFull),
      ratioEditP95: orNull(ratioEdit),
      targets: { full: fullOk, editP95: editOk, ratio: ratioOk ?? null },
      phasesMs: {
        setFile: round(phase(mlWarm, 'setFileMs')),
        analyze: round(phase(mlWarm, 'analyzeMs')),
        findings: round(phase(mlWarm, 'findingsMs')),
        editSetFile: round(phase(measuredMl, 'setFileMs')),
        editAnalyze: round(phase(measuredMl, 'analyzeMs')),
        editFindings: round(phase(measuredMl, 'findingsMs')),
      },
      gcMs: { cold: round(mlRep.gcColdMs), edit: round(mlRep.gcEditMs), peerCold: orNull(peerRep?.gcColdMs), peerEdit: orNull(peerRep?.gcEditMs) },
      diskMs: round(diskMs),
      files: ws.files.length,
      objects: mlRep.objects,
      bytes: ws.bytes,
      findings: mlRep.problems,
      peerDiagnostics: peerRep ? peerRep.problems : null,
      mistakes: mlCov.mistakes,
      caught: mlCov.caught,
      peerCaught: peerCov ? peerCov.caught : null,
      coldRuns: COLD_RUNS,
      edits: EDITS,
      seed: SEED,
      hash: ws.hash,
      cpus: os.cpus().length,
      node: process.version,
      peer: peerInit ? `yaml-language-server@${peerInit.version}` : null,
    };
    console.log(JSON.stringify(out));
  } finally {
    await Promise.all([ml.stop(), peer?.stop()]);
  }
}

const role = process.argv[2] === '--role' ? process.argv[3] : undefined;
if (role === 'meshlens' || role === 'peer') {
  void child(role === 'meshlens' ? meshlensTool() : peerTool());
} else {
  const watchdog = setTimeout(() => {
    console.error(`bench:lint did not finish in ${WATCHDOG_MS / 60000} minutes`);
    process.exit(2); // the children exit when their channel closes
  }, WATCHDOG_MS);
  watchdog.unref();
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  });
}
