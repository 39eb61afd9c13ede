// The layer table of DESIGN.md is enforced by ESLint: snippets linted as if they lived in each
// layer's folder must (or must not) get a `no-restricted-imports` error, and the tree itself obeys.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ESLint, Linter } from 'eslint';

const ROOT = path.resolve(__dirname, '../..');
const RULE = '@typescript-eslint/no-restricted-imports';

describe('layers (DESIGN.md table, enforced by eslint.config.mjs)', function () {
  this.timeout(120_000);
  const eslint = new ESLint({ cwd: ROOT });

  async function lint(file: string, code: string): Promise<Linter.LintMessage[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
    return result.messages;
  }

  /** A module importing `specifier` and using it, so that only the import itself can be wrong. */
  const valueImport = (specifier: string) => `import * as m from '${specifier}';\nexport const used = m;\n`;

  const forbidden: Array<[file: string, code: string]> = [
    // common core: no vscode, no Node built-ins (prefixed or bare), no layer above it
    ['src/core/x.ts', valueImport('vscode')],
    ['src/core/x.ts', valueImport('node:fs')],
    ['src/core/x.ts', valueImport('fs')],
    ['src/core/x.ts', valueImport('path')],
    ['src/core/x.ts', valueImport('fs/promises')],
    ['src/core/x.ts', valueImport('string_decoder')],
    ['src/core/analysis/x.ts', valueImport('node:path')],
    ['src/core/x.ts', valueImport('../vscode/diagnostics')],
    ['src/core/x.ts', valueImport('../cli/main')],
    ['src/core/x.ts', valueImport('../extension')],
    // node layer: no vscode, no viewer
    ['src/cli/x.ts', valueImport('vscode')],
    ['src/cli/x.ts', valueImport('../../webview/main')],
    ['src/receiver/x.ts', valueImport('../vscode/diagnostics')],
    ['src/server/x.ts', valueImport('vscode')],
    ['src/server/x.ts', valueImport('../../webview/main')],
    // browser: no vscode, no Node, no core at runtime, no host layers
    ['webview/x.ts', valueImport('vscode')],
    ['webview/x.ts', valueImport('node:path')],
    ['webview/x.ts', valueImport('path')],
    ['webview/x.ts', "import { ManifestEngine } from '../src/core/analysis/engine';\nexport const used = ManifestEngine;\n"],
    ['webview/x.ts', "import { RULES } from '../src/core';\nexport const used = RULES;\n"],
    ['webview/x.ts', valueImport('../src/cli/main')],
    // protocol: only type imports from the core
    ['src/shared/protocol.ts', "import { RULES } from '../core';\nexport const used = RULES;\n"],
    ['src/shared/protocol.ts', "import { ManifestEngine } from '../core/analysis/engine';\nexport const used = ManifestEngine;\n"],
    ['src/shared/protocol.ts', valueImport('node:events')],
    ['src/shared/protocol.ts', valueImport('../cli/main')],
    // editor: never the viewer's code
    ['src/vscode/x.ts', valueImport('../../webview/main')],
    ['src/extension.ts', valueImport('../webview/main')],
  ];

  for (const [file, code] of forbidden) {
    it(`${file}: ${code.split('\n')[0]} is an error`, async () => {
      const messages = await lint(file, code);
      const hits = messages.filter((m) => m.ruleId === RULE);
      assert.ok(
        hits.length > 0 && hits.every((m) => m.severity === 2),
        `expected a ${RULE} error, got ${JSON.stringify(messages, null, 2)}`,
      );
    });
  }

  const allowed: Array<[file: string, code: string]> = [
    ['src/core/x.ts', "import { parseAllDocuments } from 'yaml';\nexport const used = parseAllDocuments;\n"],
    ['src/core/analysis/x.ts', "import { RULES } from './registry';\nexport const used = RULES;\n"],
    ['src/cli/x.ts', "import { promises } from 'node:fs';\nexport const used = promises;\n"],
    ['src/cli/x.ts', "import { RULES } from '../core';\nexport const used = RULES;\n"],
    ['src/server/x.ts', "import * as http from 'node:http';\nimport { TraceStore } from '../core/trace';\nexport const used = [http, TraceStore];\n"],
    ['webview/x.ts', "import type { Finding } from '../src/core';\nexport type Used = Finding;\n"],
    ['webview/x.ts', "import { type Finding } from '../src/core';\nexport type Used = Finding;\n"],
    ['src/shared/protocol.ts', "import type { Finding } from '../core';\nexport type Used = Finding;\n"],
    ['src/shared/protocol.ts', "import type { Range } from '../core/yaml/positions';\nexport type Used = Range;\n"],
    ['src/vscode/x.ts', "import * as vscode from 'vscode';\nimport { RULES } from '../core';\nexport const used = [vscode, RULES];\n"],
  ];

  for (const [file, code] of allowed) {
    it(`${file}: ${code.split('\n')[0]} is fine`, async () => {
      const messages = await lint(file, code);
      assert.deepEqual(messages, [], JSON.stringify(messages, null, 2));
    });
  }

  it('the tree itself obeys its layers: `src` and `webview` lint without errors', async () => {
    const results = await eslint.lintFiles(['src', 'webview']);
    assert.ok(results.length > 0, 'some files were linted');
    assert.ok(
      results.some((r) => r.filePath.startsWith(path.join(ROOT, 'src', 'core'))),
      'the core is among the linted files',
    );
    const errors = results.flatMap((r) =>
      r.messages.filter((m) => m.severity === 2 || m.fatal).map((m) => `${path.relative(ROOT, r.filePath)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`),
    );
    assert.deepEqual(errors, []);
  });
});
