// The extension manifest (package.json) against the code and the files it names: commands,
// settings, the walkthrough, what the .vsix ships, and what activation loads.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');
const read = (p: string): string => fs.readFileSync(path.join(ROOT, p), 'utf8');

interface Command {
  command: string;
  title?: string;
  category?: string;
}
interface Setting {
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  enum?: unknown[];
  enumDescriptions?: string[];
  markdownEnumDescriptions?: string[];
  additionalProperties?: Setting;
}
interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string; image?: unknown; svg?: string };
  completionEvents?: string[];
}

const pkg = JSON.parse(read('package.json')) as {
  activationEvents: string[];
  contributes: {
    commands: Command[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, Setting> };
    walkthroughs: { id: string; title: string; description: string; steps: Step[] }[];
  };
};
const contributed = new Set(pkg.contributes.commands.map((c) => c.command));

/** Workbench commands the walkthrough may link to besides our own. */
const WORKBENCH_COMMANDS = new Set(['workbench.actions.view.problems', 'workbench.action.openSettings']);
/** Views whose opening completes a step. */
const WORKBENCH_VIEWS = new Set(['workbench.panel.markers.view']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = path.posix.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Ids passed to registerCommand in src/, string literals or exported constants. */
function registeredCommands(): Set<string> {
  const files = sourceFiles('src').map((f) => read(f));
  const constants = new Map<string, string>();
  for (const text of files) for (const m of text.matchAll(/export const (\w+) = '([^']+)'/g)) constants.set(m[1], m[2]);
  const ids = new Set<string>();
  for (const text of files) {
    for (const m of text.matchAll(/registerCommand\(\s*(?:'([^']+)'|(\w+))/g)) {
      const id = m[1] ?? constants.get(m[2]);
      assert.ok(id, `registerCommand(${m[2]}): the constant is not an exported string constant in src/`);
      ids.add(id);
    }
  }
  return ids;
}

/** `command:` links of a markdown text, with their decoded arguments. */
function commandLinks(text: string): { id: string; args?: string }[] {
  return [...text.matchAll(/\(command:([\w.]+)(?:\?([^)\s]+))?\)/g)].map((m) => ({ id: m[1], args: m[2] }));
}

/** .vscodeignore as vsce reads it: a file ships unless a pattern matches it and no `!` pattern does (order does not matter). */
function shipped(file: string): boolean {
  const rules = read('.vscodeignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const toRegExp = (glob: string): RegExp =>
    new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\ue000')
        .replace(/\*\*/g, '\ue001')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/\ue000/g, '(?:.*/)?')
        .replace(/\ue001/g, '.*')}$`,
    );
  const ignored = rules.filter((r) => !r.startsWith('!')).some((r) => toRegExp(r).test(file));
  const allowed = rules.filter((r) => r.startsWith('!')).some((r) => toRegExp(r.slice(1)).test(file));
  return !ignored || allowed;
}

/** The bundles scripts/build.mjs writes, as `outdir/name.js`. */
function builtBundles(): string[] {
  const text = read('scripts/build.mjs');
  const found = [...text.matchAll(/entryPoints: \{ '?([\w-]+)'?: '[^']+' \},\s*outdir: '([^']+)'/g)].map((m) => `${m[2]}/${m[1]}.js`);
  assert.ok(found.length >= 4, `found only ${found.join(', ')} in scripts/build.mjs`);
  return found;
}

describe('package.json (the extension manifest)', () => {
  describe('commands', () => {
    it('every command has the MeshLens category and a title', () => {
      for (const c of pkg.contributes.commands) {
        assert.equal(c.category, 'MeshLens', `${c.command}: category`);
        assert.ok(c.title && c.title.trim().length > 3 && !c.title.startsWith('MeshLens'), `${c.command}: a title of its own (the category is shown before it)`);
      }
      assert.equal(contributed.size, pkg.contributes.commands.length, 'a command is contributed twice');
    });

    it('every command registered in src/ is contributed, and every contributed one is registered', () => {
      const registered = registeredCommands();
      assert.deepEqual([...registered].filter((id) => !contributed.has(id)).sort(), [], 'registered but not in contributes.commands');
      assert.deepEqual([...contributed].filter((id) => !registered.has(id)).sort(), [], 'contributed but never registered');
    });

    it('menus name contributed commands, at most once per menu', () => {
      for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
        for (const item of items) assert.ok(contributed.has(item.command), `${menu}: ${item.command} is not contributed`);
        assert.equal(new Set(items.map((i) => i.command)).size, items.length, `${menu}: a command is listed twice`);
      }
      for (const item of pkg.contributes.menus.commandPalette ?? []) assert.ok(item.when, `commandPalette: ${item.command} without a when clause`);
    });
  });

  describe('settings', () => {
    for (const [key, s] of Object.entries(pkg.contributes.configuration.properties)) {
      it(`${key} is described, and so are its values`, () => {
        assert.ok((s.markdownDescription ?? s.description ?? '').trim().length > 10, `${key}: no description`);
        for (const [where, schema] of [
          [key, s],
          [`${key} (values of its entries)`, s.additionalProperties],
        ] as const) {
          if (!schema?.enum) continue;
          const descriptions = schema.enumDescriptions ?? schema.markdownEnumDescriptions;
          assert.equal(descriptions?.length, schema.enum.length, `${where}: one enum description per value`);
        }
      });
    }
  });

  describe('walkthrough', () => {
    const walkthroughs = pkg.contributes.walkthroughs ?? [];

    it('there is one, with steps', () => {
      assert.equal(walkthroughs.length, 1);
      assert.ok(walkthroughs[0].steps.length >= 4);
    });

    for (const step of walkthroughs.flatMap((w) => w.steps)) {
      it(`step ${step.id}: its markdown exists and its links and completion events name real commands`, () => {
        assert.ok(step.title && step.description, `${step.id}: title and description`);
        const media = step.media.markdown;
        assert.ok(media, `${step.id}: media.markdown`);
        assert.ok(media.startsWith('media/walkthrough/') && fs.existsSync(path.join(ROOT, media)), `${step.id}: ${media} is missing`);
        assert.ok(shipped(media), `${step.id}: ${media} is left out of the .vsix by .vscodeignore`);
        for (const link of [...commandLinks(step.description), ...commandLinks(read(media))]) {
          assert.ok(contributed.has(link.id) || WORKBENCH_COMMANDS.has(link.id), `${step.id}: command:${link.id} is neither contributed nor a known workbench command`);
          if (link.args) {
            const args: unknown = JSON.parse(decodeURIComponent(link.args));
            assert.ok(Array.isArray(args), `${step.id}: command:${link.id} arguments must be a JSON array`);
          }
        }
        for (const event of step.completionEvents ?? []) {
          const [kind, id] = event.split(':');
          if (kind === 'onCommand') assert.ok(contributed.has(id), `${step.id}: ${event}: not a contributed command`);
          else if (kind === 'onView') assert.ok(WORKBENCH_VIEWS.has(id), `${step.id}: ${event}: unknown view`);
          else assert.fail(`${step.id}: ${event}: unexpected completion event`);
        }
      });
    }
  });

  describe('README', () => {
    it('names every command of the palette and every setting', () => {
      const pkg = JSON.parse(read('package.json')) as { contributes: { commands: { command: string; title: string }[]; configuration: { properties: Record<string, unknown> }; menus: { commandPalette?: { command: string; when?: string }[] } } };
      const readme = read('README.md');
      const hidden = new Set((pkg.contributes.menus.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command));
      for (const c of pkg.contributes.commands) if (!hidden.has(c.command)) assert.ok(readme.includes(`*${c.title}*`), `README does not name the command "${c.title}"`);
      // A setting is named in full, or as the last part of its key in a row that names its group (`httpPort` / `grpcPort`).
      for (const key of Object.keys(pkg.contributes.configuration.properties)) {
        const group = key.slice(0, key.lastIndexOf('.') + 1);
        const short = key.slice(group.length);
        assert.ok(readme.includes(`\`${key}\``) || readme.split('\n').some((l) => l.includes(`\`${group}`) && l.includes(short)), `README does not name the setting ${key}`);
      }
    });
  });

  describe('what ships', () => {
    it('.vscodeignore lets in every bundle scripts/build.mjs writes, the manifest and the docs', () => {
      for (const bundle of builtBundles()) assert.ok(shipped(bundle), `${bundle} is left out`);
      for (const f of ['package.json', 'CHANGELOG.md', 'LICENSE', 'dist/webview/index.html', 'dist/webview/viewer.css', 'docs/traces.md', 'docs/rules/ML0001.md', 'snippets/istio.json']) {
        assert.ok(shipped(f), `${f} is left out`);
        assert.ok(f.startsWith('dist/') || fs.existsSync(path.join(ROOT, f)), `${f} does not exist`);
      }
      for (const f of ['src/extension.ts', 'dist/extension.js.map', 'dist/extension.meta.json', 'docs/images/map.png', 'README.md', 'dist/webview/viewer.js.map', 'dist/webview/viewer.meta.json', 'dist/parse-worker.js', 'dist/meshlens-0.1.0.vsix', 'node_modules/yaml/package.json', 'test/unit/manifest.test.ts', 'examples/gateway.yaml', 'package-lock.json']) {
        assert.ok(!shipped(f), `${f} would ship`);
      }
    });

    it('the .vsix carries the README without its screenshots (vsce takes only https images), as its readme', () => {
      // README.md itself stays out: vsce would add it a second time next to the --readme-path copy.
      const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.package;
      assert.match(script, /node scripts\/vsix-readme\.mjs && vsce package .*--readme-path dist\/README\.md/);
      assert.ok(!shipped('README.md'));
    });

    it('every bundle the extension loads by path is one scripts/build.mjs writes', () => {
      const bundles = new Set(builtBundles());
      const loaded = sourceFiles('src/vscode').flatMap((f) => [...read(f).matchAll(/'dist', '([\w-]+\.js)'/g)].map((m) => `dist/${m[1]}`));
      assert.ok(loaded.length >= 2, `found ${loaded.join(', ')}`);
      for (const b of loaded) assert.ok(bundles.has(b), `${b} is loaded by src/vscode but not built`);
    });

    it('LICENSE and CHANGELOG.md exist, and the CHANGELOG has an entry for this version', () => {
      assert.match(read('LICENSE'), /MIT License/);
      const version = (JSON.parse(read('package.json')) as { version: string }).version;
      assert.match(read('CHANGELOG.md'), new RegExp(`^## ${version.replace(/\./g, '\\.')}\\b`, 'm'));
    });
  });

  describe('activation', () => {
    it('activates on YAML, the viewer panel and workspaces with YAML files', () => {
      for (const e of ['onLanguage:yaml', 'onWebviewPanel:meshlens.traceViewer', 'workspaceContains:**/*.yaml', 'workspaceContains:**/*.yml']) {
        assert.ok(pkg.activationEvents.includes(e), e);
      }
      // Contributed commands activate the extension on their own (VS Code 1.74 and later).
      assert.ok(!pkg.activationEvents.some((e) => e.startsWith('onCommand:')));
      assert.ok(!pkg.activationEvents.includes('*'));
    });

    it('loading dist/extension.js evaluates no trace codec, receiver, gRPC or demo code', async () => {
      const result = await esbuild.build({
        entryPoints: [path.join(ROOT, 'src/extension.ts')],
        absWorkingDir: ROOT,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['vscode'],
        metafile: true,
        write: false,
        logLevel: 'silent',
      });
      const inputs = result.metafile.inputs;
      // What runs when the bundle loads: everything reached by static imports (a dynamic import
      // is evaluated when it is first called).
      const from = new Map<string, string | undefined>([['src/extension.ts', undefined]]);
      const queue = ['src/extension.ts'];
      while (queue.length) {
        const file = queue.shift()!;
        for (const i of inputs[file]?.imports ?? []) {
          if (i.kind === 'dynamic-import' || i.external || from.has(i.path)) continue;
          from.set(i.path, file);
          queue.push(i.path);
        }
      }
      const chain = (file: string): string => {
        const c: string[] = [];
        for (let f: string | undefined = file; f; f = from.get(f)) c.unshift(f);
        return c.join(' -> ');
      };
      const heavy = [...from.keys()].filter((f) => /node_modules\/(protobufjs|long|@grpc|@opentelemetry)\/|^src\/(demo|server)\/|^src\/cli\/(index|main)|^src\/receiver\/(index|trace-worker|ingest|forward|grpc|http)/.test(f));
      assert.deepEqual(heavy.map(chain), []);
    });
  });
});
