// Lint rules, including the layer table of DESIGN.md: a wrong import fails `npm test`.
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// Every built-in Node knows (`fs`, `string_decoder`, `stream/promises`, ...), not a hand-kept subset.
const NODE_BUILTINS = builtinModules.filter((name) => !name.startsWith('_'));

const noNode = [
  { group: ['node:*'], message: 'This layer must not use Node built-ins (DESIGN.md layers).' },
];
const builtinPaths = (why) => NODE_BUILTINS.map((name) => ({ name, message: why }));
const noVscode = (why) => ({ name: 'vscode', message: why });

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'src/**/*.generated.*', 'test/vscode/**', 'bench/.work/**', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            noVscode('src/core is pure: it must not import vscode (DESIGN.md layers).'),
            ...builtinPaths('src/core is pure: it must not import Node built-ins (DESIGN.md layers).'),
          ],
          patterns: [
            ...noNode,
            { group: ['**/vscode/**', '**/receiver/**', '**/server/**', '**/cli/**', '**/demo', '**/demo/**', '**/extension'], message: 'src/core must not import the layers above it.' },
          ],
        },
      ],
    },
  },
  {
    // src/demo (the simulated mesh with the OpenTelemetry SDK) is node layer too.
    files: ['src/receiver/**/*.ts', 'src/server/**/*.ts', 'src/cli/**/*.ts', 'src/demo/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode('The node layer must not import vscode (DESIGN.md layers).')],
          patterns: [{ group: ['**/vscode/**', '**/webview/**', '**/extension'], message: 'The node layer must not import the editor or the viewer.' }],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode('The protocol is shared with the browser.'), ...builtinPaths('The protocol is shared with the browser.')],
          patterns: [
            ...noNode,
            { group: ['**/core', '**/core/**'], allowTypeImports: true, message: 'The protocol may import only types from the core.' },
            { group: ['**/vscode/**', '**/receiver/**', '**/server/**', '**/cli/**', '**/demo', '**/demo/**', '**/webview/**'], message: 'The protocol must not depend on a runtime layer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/vscode/**/*.ts', 'src/extension.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/webview/**'], message: 'The extension talks to the viewer only through the protocol.' }] },
      ],
    },
  },
  {
    // Example programs users run with plain `node` (examples/debug-node): CommonJS, Node's globals.
    files: ['examples/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', __filename: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noVscode('The viewer runs in a browser; it speaks only the protocol.'), ...builtinPaths('The viewer runs in a browser.')],
          patterns: [
            ...noNode,
            { group: ['**/src/core/**', '../src/core', '**/core/**'], allowTypeImports: true, message: 'The viewer may import only types from the core.' },
            { group: ['**/src/vscode/**', '**/src/receiver/**', '**/src/server/**', '**/src/cli/**', '**/src/demo', '**/src/demo/**', '**/extension'], message: 'The viewer must not import host layers.' },
          ],
        },
      ],
    },
  },
);
