// The CLI as users run it: `main(argv, io)` in-process for most cases (the process's working
// directory is a fresh temp dir per test, since paths are reported relative to it), and the built
// bin `node dist/cli.js` in a subprocess to prove that exit codes reach the shell.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { version as packageVersion } from '../../package.json';
import { main } from '../../src/cli/main';
import { RULES } from '../../src/core';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'dist', 'cli.js');

// ---------------------------------------------------------------------------------------------
// Fixtures: small manifests written into the temp dir of each test.

/** Service shop/reviews; metadata.name's value `reviews` is at 4:9-4:16. */
const SVC_A = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
spec:
  ports:
    - name: http
      port: 80
`;

/** The same Service again; metadata.name's value is at 5:9-5:16. */
const SVC_B = `apiVersion: v1
kind: Service
metadata:
  namespace: shop
  name: reviews
`;

/** No metadata.name: ML0003 on the `metadata` key at 3:1. */
const NO_NAME = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  namespace: default
spec:
  host: "*.shop.svc.cluster.local"
`;

/** A compact nested mapping: ML0001 at 5:11. */
const BAD_YAML = `apiVersion: v1
kind: Service
metadata:
  name: broken
  labels: app: broken
`;
const BAD_YAML_LINE = 'YAML syntax error: Nested mappings are not allowed in compact mappings';

/** A Helm template: ML0004 (info) at the first `{{`, 4:9. */
const HELM = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-reviews
`;

const OK_CM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
`;

const WORKFLOW = `name: ci
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm test
`;

const COMPOSE = `services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
`;

const DUP_MSG_A = 'Service shop/reviews is also defined in dup.yml (document 1); whichever is applied last replaces the other.';
const DUP_MSG_B = 'Service shop/reviews is also defined in svc.yaml (document 1); whichever is applied last replaces the other.';
const NO_NAME_MSG = 'DestinationRule has no metadata.name; the API server rejects it ("name or generateName is required").';

// ---------------------------------------------------------------------------------------------
// Harness

let tmp = '';
let previousCwd = '';

/** Each test of the calling suite runs in a fresh temp dir as the working directory. */
function useTempCwd(): void {
  beforeEach(() => {
    previousCwd = process.cwd();
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-cli-')));
    process.chdir(tmp);
  });
  afterEach(() => {
    process.chdir(previousCwd);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
}

function write(rel: string, text: string | Uint8Array): void {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

/** The report's lines without the summary line. */
function findingLines(out: string): string[] {
  const lines = out.split('\n');
  assert.equal(lines.pop(), '', 'output ends with a newline');
  lines.pop();
  return lines;
}

function summaryLine(out: string): string {
  const lines = out.trimEnd().split('\n');
  return lines[lines.length - 1];
}

function writeDuplicates(): void {
  write('a/svc.yaml', SVC_A);
  write('a/nested/dup.yml', SVC_B);
}

function assertUsageError(r: Run, message: RegExp): void {
  assert.equal(r.code, 2, `exit code; stderr: ${r.err}`);
  assert.equal(r.out, '', 'nothing on stdout');
  assert.match(r.err, message);
  assert.match(r.err, /^Usage:\n {2}meshlens lint \[paths\.\.\.\] \[options\]/m, 'usage text on stderr');
}

// ---------------------------------------------------------------------------------------------

describe('meshlens lint: text format', () => {
  useTempCwd();

  it('prints file:line:col: severity CODE message [Kind ns/name] for each finding, then a summary', async () => {
    write('a/bad.yaml', BAD_YAML);
    writeDuplicates();
    write('a/nested/noname.yaml', NO_NAME);
    const r = await run('lint', '.');
    assert.equal(r.err, '');
    assert.deepEqual(findingLines(r.out), [
      `a/bad.yaml:5:11: error ML0001 ${BAD_YAML_LINE}`,
      `a/nested/dup.yml:5:9: warning ML0002 ${DUP_MSG_B} [Service shop/reviews]`,
      `a/nested/noname.yaml:3:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`,
      `a/svc.yaml:4:9: warning ML0002 ${DUP_MSG_A} [Service shop/reviews]`,
    ]);
    assert.equal(summaryLine(r.out), '2 errors, 2 warnings, 0 infos in 4 files (4 objects)');
    assert.equal(r.code, 1);
  });

  it('lints the current directory when no path is given', async () => {
    write('svc.yaml', SVC_A);
    write('deploy/dup.yml', SVC_B);
    const r = await run('lint');
    assert.deepEqual(findingLines(r.out), [
      `deploy/dup.yml:5:9: warning ML0002 ${DUP_MSG_B} [Service shop/reviews]`,
      `svc.yaml:4:9: warning ML0002 ${DUP_MSG_A} [Service shop/reviews]`,
    ]);
    assert.equal(summaryLine(r.out), '0 errors, 2 warnings, 0 infos in 2 files (2 objects)');
  });

  it('walks directories recursively, skips node_modules and .git, and ignores non-YAML files', async () => {
    write('k8s/one/two/three/deep.yaml', NO_NAME);
    write('k8s/UPPER.YML', OK_CM);
    write('k8s/node_modules/chart/bad.yaml', BAD_YAML);
    write('node_modules/pkg/bad.yaml', BAD_YAML);
    write('.git/bad.yaml', BAD_YAML);
    write('k8s/.git/bad.yml', BAD_YAML);
    write('k8s/notes.txt', BAD_YAML);
    write('k8s/service.json', BAD_YAML);
    write('k8s/README.md', BAD_YAML);
    const r = await run('lint', '.');
    assert.deepEqual(findingLines(r.out), [
      `k8s/one/two/three/deep.yaml:3:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`,
    ]);
    assert.equal(summaryLine(r.out), '1 error, 0 warnings, 0 infos in 2 files (2 objects)');
    assert.equal(r.code, 1);
  });

  it('lints a file named explicitly whatever its extension, even inside a skipped folder', async () => {
    write('k8s/notes.txt', BAD_YAML);
    write('node_modules/pkg/manifest.yaml', NO_NAME);
    const r = await run('lint', 'k8s/notes.txt', 'node_modules/pkg/manifest.yaml');
    assert.deepEqual(findingLines(r.out), [
      `k8s/notes.txt:5:11: error ML0001 ${BAD_YAML_LINE}`,
      `node_modules/pkg/manifest.yaml:3:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`,
    ]);
    assert.equal(summaryLine(r.out), '2 errors, 0 warnings, 0 infos in 2 files (2 objects)');
  });

  it('lists a file once when it is named twice (directly and through its folder)', async () => {
    write('k8s/noname.yaml', NO_NAME);
    const r = await run('lint', 'k8s', 'k8s/noname.yaml', './k8s/');
    assert.equal(findingLines(r.out).length, 1);
    assert.equal(summaryLine(r.out), '1 error, 0 warnings, 0 infos in 1 file (1 object)');
  });

  it('follows a symlinked file, and counts a link and its target as one file (no false duplicate)', async () => {
    write('shared/noname.yaml', NO_NAME);
    fs.mkdirSync(path.join(tmp, 'app'));
    fs.symlinkSync(path.join(tmp, 'shared/noname.yaml'), path.join(tmp, 'app/linked.yaml'));
    const alone = await run('lint', 'app');
    assert.equal(summaryLine(alone.out), '1 error, 0 warnings, 0 infos in 1 file (1 object)');
    const both = await run('lint', '.');
    assert.equal(summaryLine(both.out), '1 error, 0 warnings, 0 infos in 1 file (1 object)');
  });

  it('reads only the head of a file above the size limit and still reports it', async () => {
    write('big.yaml', OK_CM + '# padding\n'.repeat(150_000));
    const r = await run('lint', 'big.yaml', '--max-file-size-mb', '1', '--format', 'json');
    const report = JSON.parse(r.out);
    assert.deepEqual(report.findings.map((f: { code: string }) => f.code), ['ML0005']);
    assert.match(report.findings[0].message, /^File is 1\.\d MB, above the 1\.0 MB limit/);
  });

  it('says nothing about YAML that is not Kubernetes (a GitHub workflow, docker-compose), even when broken', async () => {
    write('.github/workflows/ci.yml', WORKFLOW);
    write('docker-compose.yaml', COMPOSE);
    write('config/broken.yaml', 'name: x\n  bad: indentation\n: [\n');
    const r = await run('lint', '.');
    assert.equal(r.out, '0 errors, 0 warnings, 0 infos in 3 files (0 objects)\n');
    assert.equal(r.err, '');
    assert.equal(r.code, 0);
  });
});

describe('meshlens lint: exit codes and usage errors', () => {
  useTempCwd();

  it('exits 0 when only warnings remain', async () => {
    writeDuplicates();
    const r = await run('lint', '.');
    assert.equal(summaryLine(r.out), '0 errors, 2 warnings, 0 infos in 2 files (2 objects)');
    assert.equal(r.code, 0);
  });

  it('exits 0 when only info findings remain', async () => {
    write('chart/templates/svc.yaml', HELM);
    write('ok.yaml', OK_CM);
    const r = await run('lint', '.');
    assert.deepEqual(findingLines(r.out), [
      'chart/templates/svc.yaml:4:9: info ML0004 Template syntax found: this file is not checked until it is rendered (e.g. helm template).',
    ]);
    assert.equal(summaryLine(r.out), '0 errors, 0 warnings, 1 info in 2 files (1 object)');
    assert.equal(r.code, 0);
  });

  it('exits 1 when an error remains, and 0 with --exit-zero (the report is unchanged)', async () => {
    write('noname.yaml', NO_NAME);
    const strict = await run('lint', '.');
    assert.equal(strict.code, 1);
    const lenient = await run('lint', '.', '--exit-zero');
    assert.equal(lenient.code, 0);
    assert.equal(lenient.out, strict.out);
  });

  it('exits 0 for a clean tree', async () => {
    write('ok.yaml', OK_CM);
    const r = await run('lint', 'ok.yaml');
    assert.equal(r.out, '0 errors, 0 warnings, 0 infos in 1 file (1 object)\n');
    assert.equal(r.code, 0);
  });

  it('exits 2 with the usage on stderr for an unknown option', async () => {
    write('ok.yaml', OK_CM);
    assertUsageError(await run('lint', '.', '--frobnicate'), /^meshlens: unknown option --frobnicate$/m);
  });

  it('exits 2 for a bad or missing --format value', async () => {
    assertUsageError(await run('lint', '.', '--format', 'xml'), /--format must be text, json or sarif, not "xml"/);
    assertUsageError(await run('lint', '.', '--format=yaml'), /--format must be text, json or sarif, not "yaml"/);
    assertUsageError(await run('lint', '.', '--format'), /--format needs a value/);
  });

  it('exits 2 for a bad --severity or --max-file-size-mb value', async () => {
    assertUsageError(await run('lint', '.', '--severity', 'hint'), /--severity must be error, warning or info, not "hint"/);
    assertUsageError(await run('lint', '.', '--max-file-size-mb', '-1'), /--max-file-size-mb must be a positive number/);
  });

  it('exits 2 for a bad --unresolved-references value', async () => {
    assertUsageError(await run('lint', '.', '--unresolved-references', 'loud'), /--unresolved-references must be error, warning or off, not "loud"/);
  });

  it('exits 2 for a path that does not exist', async () => {
    write('ok.yaml', OK_CM);
    assertUsageError(await run('lint', 'ok.yaml', 'missing/dir'), /^meshlens: no such file or directory: missing\/dir$/m);
  });

  it('exits 2 for --rule with an unknown code, an unknown setting, or no =', async () => {
    write('ok.yaml', OK_CM);
    assertUsageError(await run('lint', '.', '--rule', 'ML9999=off'), /--rule ML9999: no rule has this code or id/);
    assertUsageError(await run('lint', '.', '--rule', 'ML0002=loud'), /--rule ML0002: "loud" is not one of off, error, warning, info, hint/);
    assertUsageError(await run('lint', '.', '--rule', 'ML0002'), /--rule takes CODE=SETTING/);
  });

  it('exits 2 for an unknown command, and with no command at all', async () => {
    assertUsageError(await run('check', '.'), /unknown command "check"/);
    const r = await run();
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, /^Usage:/);
  });
});

describe('meshlens lint: --severity, --rule, --output', () => {
  useTempCwd();

  // One error (ML0003), two warnings (ML0002), one info (ML0004).
  function writeMixed(): void {
    writeDuplicates();
    write('noname.yaml', NO_NAME);
    write('chart/svc.yaml', HELM);
  }
  const codes = (out: string) => findingLines(out).map((l) => l.split(' ')[2]);

  it('--severity info (the default) reports everything', async () => {
    writeMixed();
    const r = await run('lint', '.', '--severity', 'info');
    assert.deepEqual(codes(r.out), ['ML0002', 'ML0002', 'ML0004', 'ML0003']);
    assert.equal(summaryLine(r.out), '1 error, 2 warnings, 1 info in 4 files (3 objects)');
    assert.equal(r.out, (await run('lint', '.')).out);
  });

  it('--severity warning drops info findings; --severity error keeps only errors', async () => {
    writeMixed();
    const warning = await run('lint', '.', '--severity', 'warning');
    assert.deepEqual(codes(warning.out), ['ML0002', 'ML0002', 'ML0003']);
    assert.equal(summaryLine(warning.out), '1 error, 2 warnings, 0 infos in 4 files (3 objects)');
    assert.equal(warning.code, 1);
    const error = await run('lint', '.', '--severity=error');
    assert.deepEqual(findingLines(error.out), [`noname.yaml:3:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`]);
    assert.equal(error.code, 1);
  });

  it('--severity error exits 0 when only warnings exist', async () => {
    writeDuplicates();
    const r = await run('lint', '.', '--severity', 'error');
    assert.equal(r.out, '0 errors, 0 warnings, 0 infos in 2 files (2 objects)\n');
    assert.equal(r.code, 0);
  });

  it('--rule ML0002=off turns the rule off (by code)', async () => {
    writeDuplicates();
    const r = await run('lint', '.', '--rule', 'ML0002=off');
    assert.equal(r.out, '0 errors, 0 warnings, 0 infos in 2 files (2 objects)\n');
    assert.equal(r.code, 0);
  });

  it('--rule duplicate-object=error raises the rule to error (by id) and the exit code follows', async () => {
    writeDuplicates();
    const r = await run('lint', '.', '--rule', 'duplicate-object=error');
    assert.deepEqual(findingLines(r.out), [
      `a/nested/dup.yml:5:9: error ML0002 ${DUP_MSG_B} [Service shop/reviews]`,
      `a/svc.yaml:4:9: error ML0002 ${DUP_MSG_A} [Service shop/reviews]`,
    ]);
    assert.equal(summaryLine(r.out), '2 errors, 0 warnings, 0 infos in 2 files (2 objects)');
    assert.equal(r.code, 1);
  });

  it('--rule can lower an error so that the run passes, and is repeatable', async () => {
    writeMixed();
    const r = await run('lint', '.', '--rule=missing-name=warning', '--rule', 'ML0002=off', '--rule', 'ML0004=off');
    assert.deepEqual(findingLines(r.out), [`noname.yaml:3:1: warning ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`]);
    assert.equal(r.code, 0);
  });

  it('--max-file-size-mb skips larger manifests with an info finding', async () => {
    write('big.yaml', OK_CM + '  padding: "' + 'x'.repeat(2000) + '"\n');
    const r = await run('lint', '.', '--max-file-size-mb', '0.001');
    assert.deepEqual(findingLines(r.out), [
      'big.yaml:1:1: info ML0005 File is 0.0 MB, above the 0.0 MB limit (meshlens.limits.maxFileSizeMB): not checked.',
    ]);
    assert.equal(r.code, 0);
  });

  it('--output FILE writes the report there and nothing to stdout; the exit code is unchanged', async () => {
    write('k8s/noname.yaml', NO_NAME);
    const r = await run('lint', 'k8s', '--output', 'report.txt');
    assert.equal(r.out, '');
    assert.equal(r.code, 1);
    assert.equal(
      fs.readFileSync(path.join(tmp, 'report.txt'), 'utf8'),
      `k8s/noname.yaml:3:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]\n1 error, 0 warnings, 0 infos in 1 file (1 object)\n`,
    );
    const j = await run('lint', 'k8s', '--format', 'json', '--output=report.json');
    assert.equal(j.out, '');
    const report = JSON.parse(fs.readFileSync(path.join(tmp, 'report.json'), 'utf8'));
    assert.equal(report.findings[0].code, 'ML0003');
  });
});

describe('meshlens lint --format json', () => {
  useTempCwd();

  interface JsonPos {
    line: number;
    column: number;
  }
  interface JsonFinding {
    file: string;
    code: string;
    rule: string;
    severity: string;
    message: string;
    upstream: string[];
    ruleUpstream: string[];
    object: string | null;
    path: string | null;
    range: { start: JsonPos; end: JsonPos };
    related: Array<{ file: string; message: string; range: { start: JsonPos; end: JsonPos } }>;
    fixes: Array<{ title: string; preferred: boolean }>;
  }
  const meta = (code: string) => RULES.find((r) => r.meta.code === code)!.meta;
  const rng = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, column: c1 }, end: { line: l2, column: c2 } });

  it('has each finding with code, rule, severity, upstream, object, path, 1-based range, related locations and a summary', async () => {
    writeDuplicates();
    write('a/nested/noname.yaml', NO_NAME);
    write('a/bad.yaml', BAD_YAML);
    const r = await run('lint', '.', '--format', 'json');
    assert.equal(r.code, 1);
    assert.equal(r.err, '');
    const report = JSON.parse(r.out) as { tool: string; version: string; summary: Record<string, number>; findings: JsonFinding[] };
    assert.equal(report.tool, 'meshlens');
    assert.equal(report.version, packageVersion);
    assert.deepEqual(report.summary, { files: 4, objects: 4, error: 2, warning: 2, info: 0, hint: 0 });
    assert.deepEqual(
      report.findings.map((f) => [f.file, f.code]),
      [
        ['a/bad.yaml', 'ML0001'],
        ['a/nested/dup.yml', 'ML0002'],
        ['a/nested/noname.yaml', 'ML0003'],
        ['a/svc.yaml', 'ML0002'],
      ],
    );
    const [syntax, dupB, noName, dupA] = report.findings;

    // A syntax error belongs to the file, not to an object.
    assert.equal(syntax.rule, 'yaml-syntax');
    assert.equal(syntax.severity, 'error');
    assert.equal(syntax.message, BAD_YAML_LINE);
    assert.deepEqual(syntax.ruleUpstream, meta('ML0001').upstream);
    assert.deepEqual(syntax.upstream, ['IST0001'], 'the codes among the rule\'s upstream entries');
    assert.equal(syntax.object, null);
    assert.equal(syntax.path, null);
    assert.deepEqual(syntax.range.start, { line: 5, column: 11 });
    assert.equal(syntax.range.end.line, 5);
    assert.ok(syntax.range.end.column > 11, 'a non-empty range');
    assert.deepEqual(syntax.related, []);

    // Each duplicate is at its own metadata.name value and points at the other one.
    for (const [f, range, other, otherRange, message] of [
      [dupA, rng(4, 9, 4, 16), 'a/nested/dup.yml', rng(5, 9, 5, 16), DUP_MSG_A],
      [dupB, rng(5, 9, 5, 16), 'a/svc.yaml', rng(4, 9, 4, 16), DUP_MSG_B],
    ] as const) {
      assert.equal(f.rule, 'duplicate-object');
      assert.equal(f.severity, 'warning');
      assert.equal(f.message, message);
      assert.deepEqual(f.ruleUpstream, ['kubectl apply: the later document overwrites the earlier one']);
      assert.deepEqual(f.ruleUpstream, meta('ML0002').upstream);
      assert.equal(f.object, 'Service shop/reviews');
      assert.equal(f.path, 'metadata.name');
      assert.deepEqual(f.range, range);
      assert.deepEqual(f.related, [{ file: other, message: 'Service shop/reviews is also defined here', range: otherRange }]);
      assert.deepEqual(f.fixes, []);
    }

    assert.equal(noName.rule, 'missing-name');
    assert.equal(noName.severity, 'error');
    assert.deepEqual(noName.ruleUpstream, meta('ML0003').upstream);
    assert.equal(noName.object, 'DestinationRule default/<unnamed>');
    assert.equal(noName.path, 'metadata.name');
    assert.deepEqual(noName.range.start, { line: 3, column: 1 });
    assert.deepEqual(noName.fixes, [{ title: 'Add metadata.name: destinationrule', preferred: false }]);
  });

  it('lists the IST/KIA codes each finding is equivalent to', async () => {
    write('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  serviceAccount: web\n  containers: [{name: web, image: nginx}]\n');
    const r = await run('lint', '.', '--format', 'json');
    const [f] = (JSON.parse(r.out) as { findings: JsonFinding[] }).findings;
    assert.equal(f.code, 'ML0015');
    assert.deepEqual(f.upstream, ['IST0002']);
  });

  it('reports the changed severity and the summary after --rule and --severity', async () => {
    writeDuplicates();
    write('chart/svc.yaml', HELM);
    const r = await run('lint', '.', '--format=json', '--rule', 'ML0002=error', '--severity', 'warning');
    const report = JSON.parse(r.out) as { summary: Record<string, number>; findings: JsonFinding[] };
    assert.deepEqual(report.summary, { files: 3, objects: 2, error: 2, warning: 0, info: 0, hint: 0 });
    assert.deepEqual(
      report.findings.map((f) => [f.code, f.severity]),
      [
        ['ML0002', 'error'],
        ['ML0002', 'error'],
      ],
    );
    assert.equal(r.code, 1);
  });
});

describe('meshlens lint --format sarif', () => {
  useTempCwd();

  // A hand-written subset of the SARIF 2.1.0 schema: the parts code-scanning tools read.
  const region = {
    type: 'object',
    required: ['startLine', 'startColumn', 'endLine', 'endColumn'],
    properties: {
      startLine: { type: 'integer', minimum: 1 },
      startColumn: { type: 'integer', minimum: 1 },
      endLine: { type: 'integer', minimum: 1 },
      endColumn: { type: 'integer', minimum: 1 },
    },
  };
  const location = {
    type: 'object',
    required: ['physicalLocation'],
    properties: {
      physicalLocation: {
        type: 'object',
        required: ['artifactLocation', 'region'],
        properties: {
          artifactLocation: {
            type: 'object',
            required: ['uri'],
            properties: {
              // A relative URI reference made of RFC 3986 path characters (no spaces, no `#`, no `?`).
              uri: { type: 'string', pattern: "^[A-Za-z0-9\\-._~!$&'()*+,;=:@/%]+$", not: { pattern: '^(/|[a-z]+:)' } },
              uriBaseId: { type: 'string' },
            },
          },
          region,
        },
      },
    },
  };
  const message = { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } };
  const SARIF_SUBSET = {
    type: 'object',
    required: ['version', 'runs'],
    properties: {
      $schema: { type: 'string' },
      version: { const: '2.1.0' },
      runs: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['tool', 'results'],
          properties: {
            tool: {
              type: 'object',
              required: ['driver'],
              properties: {
                driver: {
                  type: 'object',
                  required: ['name', 'version', 'rules'],
                  properties: {
                    name: { type: 'string', minLength: 1 },
                    version: { type: 'string' },
                    rules: {
                      type: 'array',
                      items: {
                        type: 'object',
                        required: ['id', 'shortDescription', 'fullDescription', 'help', 'defaultConfiguration'],
                        properties: {
                          id: { type: 'string', pattern: '^ML\\d{4}$' },
                          shortDescription: message,
                          fullDescription: message,
                          help: message,
                          defaultConfiguration: {
                            type: 'object',
                            required: ['level'],
                            properties: { level: { enum: ['none', 'note', 'warning', 'error'] } },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            originalUriBaseIds: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                required: ['uri'],
                properties: { uri: { type: 'string', pattern: '^file:///.*/$' } },
              },
            },
            results: {
              type: 'array',
              items: {
                type: 'object',
                required: ['ruleId', 'ruleIndex', 'level', 'message', 'locations'],
                properties: {
                  ruleId: { type: 'string' },
                  ruleIndex: { type: 'integer', minimum: 0 },
                  level: { enum: ['none', 'note', 'warning', 'error'] },
                  message,
                  locations: { type: 'array', minItems: 1, maxItems: 1, items: location },
                  relatedLocations: {
                    type: 'array',
                    items: {
                      allOf: [location, { type: 'object', required: ['id', 'message'], properties: { id: { type: 'integer', minimum: 0 }, message } }],
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
  const validate = new Ajv({ allErrors: true, strict: false }).compile(SARIF_SUBSET);

  interface SarifRegion {
    startLine: number;
    startColumn: number;
    endLine: number;
    endColumn: number;
  }
  interface SarifLocation {
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: SarifRegion };
  }
  interface SarifLog {
    version: string;
    runs: Array<{
      tool: {
        driver: {
          name: string;
          version: string;
          rules: Array<{
            id: string;
            name: string;
            shortDescription: { text: string };
            fullDescription: { text: string };
            help: { text: string; markdown?: string };
            defaultConfiguration: { level: string };
          }>;
        };
      };
      originalUriBaseIds: Record<string, { uri: string }>;
      results: Array<{
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: SarifLocation[];
        relatedLocations: Array<SarifLocation & { id: number; message: { text: string } }>;
      }>;
    }>;
  }
  const reg = (startLine: number, startColumn: number, endLine: number, endColumn: number) => ({ startLine, startColumn, endLine, endColumn });

  async function sarif(...args: string[]): Promise<{ log: SarifLog; code: number }> {
    const r = await run('lint', ...args, '--format', 'sarif');
    assert.equal(r.err, '');
    const log = JSON.parse(r.out) as SarifLog;
    assert.ok(validate(log), `SARIF subset schema: ${JSON.stringify(validate.errors, null, 2)}`);
    return { log, code: r.code };
  }

  it('describes the tool and every rule of the registry', async () => {
    write('ok.yaml', OK_CM);
    const { log, code } = await sarif('.');
    assert.equal(code, 0);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const driver = log.runs[0].tool.driver;
    assert.equal(driver.name, 'MeshLens');
    assert.equal(driver.version, packageVersion);
    assert.deepEqual(
      driver.rules.map((r) => r.id),
      RULES.map((r) => r.meta.code),
    );
    const level = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;
    for (const { meta } of RULES) {
      const rule = driver.rules.find((r) => r.id === meta.code)!;
      assert.equal(rule.name, meta.id);
      assert.equal(rule.shortDescription.text, meta.title);
      assert.equal(rule.fullDescription.text, meta.description);
      assert.equal(rule.help.text, meta.remediation);
      assert.equal(rule.defaultConfiguration.level, level[meta.severity]);
    }
    assert.deepEqual(log.runs[0].results, []);
  });

  it('maps each finding to a result with ruleId, ruleIndex, level, message, a relative location and related locations', async () => {
    writeDuplicates();
    write('a/nested/noname.yaml', NO_NAME);
    write('chart/svc.yaml', HELM);
    const { log, code } = await sarif('.');
    assert.equal(code, 1);
    const run0 = log.runs[0];
    const rules = run0.tool.driver.rules;
    assert.deepEqual(run0.originalUriBaseIds, { SRCROOT: { uri: `file://${tmp}/` } });

    const results = run0.results;
    assert.deepEqual(
      results.map((r) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri]),
      [
        ['ML0002', 'warning', 'a/nested/dup.yml'],
        ['ML0003', 'error', 'a/nested/noname.yaml'],
        ['ML0002', 'warning', 'a/svc.yaml'],
        ['ML0004', 'note', 'chart/svc.yaml'],
      ],
    );
    for (const r of results) {
      assert.equal(rules[r.ruleIndex].id, r.ruleId, 'ruleIndex points at the rule of ruleId');
      const art = r.locations[0].physicalLocation.artifactLocation;
      assert.ok(art.uriBaseId && art.uriBaseId in run0.originalUriBaseIds, 'uriBaseId is defined in originalUriBaseIds');
      for (const rel of r.relatedLocations) assert.ok(rel.physicalLocation.artifactLocation.uriBaseId! in run0.originalUriBaseIds);
    }
    const [dupB, noName, dupA, helm] = results;

    assert.equal(dupA.message.text, DUP_MSG_A);
    assert.deepEqual(dupA.locations[0].physicalLocation.region, reg(4, 9, 4, 16));
    assert.deepEqual(dupA.relatedLocations, [
      {
        id: 1,
        message: { text: 'Service shop/reviews is also defined here' },
        physicalLocation: { artifactLocation: { uri: 'a/nested/dup.yml', uriBaseId: 'SRCROOT' }, region: reg(5, 9, 5, 16) },
      },
    ]);
    assert.equal(dupB.message.text, DUP_MSG_B);
    assert.deepEqual(dupB.locations[0].physicalLocation.region, reg(5, 9, 5, 16));
    assert.deepEqual(dupB.relatedLocations.map((l) => [l.physicalLocation.artifactLocation.uri, l.physicalLocation.region]), [
      ['a/svc.yaml', reg(4, 9, 4, 16)],
    ]);

    assert.equal(noName.message.text, NO_NAME_MSG);
    assert.deepEqual(noName.relatedLocations, []);
    assert.equal(noName.locations[0].physicalLocation.region.startLine, 3);
    assert.equal(noName.locations[0].physicalLocation.region.startColumn, 1);

    assert.equal(helm.level, 'note');
    assert.deepEqual(helm.locations[0].physicalLocation.region, reg(4, 9, 4, 28));
  });

  it('writes artifact URIs as URI references (spaces and # percent-encoded)', async () => {
    write('my app/svc #1.yaml', NO_NAME);
    const { log } = await sarif('.');
    const loc = log.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    assert.equal(loc.uri, 'my%20app/svc%20%231.yaml');
    const resolved = new URL(loc.uri, log.runs[0].originalUriBaseIds[loc.uriBaseId!].uri);
    assert.equal(decodeURIComponent(resolved.pathname), path.join(tmp, 'my app/svc #1.yaml'));
  });

  it('follows --rule: an error raised from a warning is level error', async () => {
    writeDuplicates();
    const { log, code } = await sarif('.', '--rule', 'ML0002=error');
    assert.deepEqual(
      log.runs[0].results.map((r) => r.level),
      ['error', 'error'],
    );
    assert.equal(log.runs[0].tool.driver.rules.find((r) => r.id === 'ML0002')!.defaultConfiguration.level, 'warning');
    assert.equal(code, 1);
  });
});

describe('meshlens lint: suppressions', () => {
  useTempCwd();

  it('the annotation meshlens.io/ignore: ML0002 on one duplicate removes only that one’s finding', async () => {
    write('a/svc.yaml', SVC_A.replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    meshlens.io/ignore: ML0002\n'));
    write('a/nested/dup.yml', SVC_B);
    const r = await run('lint', '.');
    assert.deepEqual(findingLines(r.out), [`a/nested/dup.yml:5:9: warning ML0002 ${DUP_MSG_B} [Service shop/reviews]`]);
    assert.equal(r.code, 0);
  });

  it('# meshlens-disable-next-line ML0003 above the line of the finding removes it', async () => {
    write('suppressed.yaml', NO_NAME.replace('metadata:\n', '# meshlens-disable-next-line ML0003\nmetadata:\n'));
    write('kept.yaml', NO_NAME);
    const r = await run('lint', '.');
    assert.deepEqual(findingLines(r.out), [`kept.yaml:3:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`]);
    assert.equal(r.code, 1);
  });

  it('a comment naming another code, or two lines above, does not suppress', async () => {
    write('other-code.yaml', NO_NAME.replace('metadata:\n', '# meshlens-disable-next-line ML0002\nmetadata:\n'));
    write('too-far.yaml', NO_NAME.replace('kind:', '# meshlens-disable-next-line ML0003\nkind:'));
    const r = await run('lint', '.');
    assert.deepEqual(findingLines(r.out), [
      `other-code.yaml:4:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`,
      `too-far.yaml:4:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`,
    ]);
  });
});

describe('meshlens rules, --version, --help', () => {
  useTempCwd();

  it('meshlens rules lists every code', async () => {
    const r = await run('rules');
    assert.equal(r.code, 0);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, RULES.length);
    RULES.forEach(({ meta }, i) => {
      assert.ok(lines[i].startsWith(`${meta.code}  ${meta.severity}`), lines[i]);
      assert.ok(lines[i].includes(` ${meta.id} `), lines[i]);
      assert.ok(lines[i].endsWith(meta.title), lines[i]);
    });
  });

  it('meshlens rules --format json gives id, code and severity for each rule', async () => {
    for (const argv of [
      ['rules', '--format', 'json'],
      ['rules', '--format=json'],
    ]) {
      const r = await run(...argv);
      assert.equal(r.code, 0);
      const rules = JSON.parse(r.out) as Array<{ id: string; code: string; severity: string; upstream: string[] }>;
      assert.deepEqual(
        rules.map(({ id, code, severity }) => ({ id, code, severity })),
        RULES.map(({ meta }) => ({ id: meta.id, code: meta.code, severity: meta.severity })),
      );
      for (const rule of rules) assert.ok(Array.isArray(rule.upstream));
    }
  });

  it('meshlens rules rejects a bad format with exit 2', async () => {
    assertUsageError(await run('rules', '--format', 'sarif'), /meshlens rules takes only --format text\|json/);
  });

  it('--version prints package.json’s version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await run(flag);
      assert.deepEqual(r, { code: 0, out: `${pkg.version}\n`, err: '' });
    }
  });

  it('--help prints the usage on stdout and exits 0, also after a command', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['lint', '--help'], ['rules', '-h']]) {
      const r = await run(...argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.equal(r.err, '');
      assert.match(r.out, /^Usage:\n {2}meshlens lint \[paths\.\.\.\] \[options\]/);
      assert.match(r.out, /Exit status \(lint\): 0 no error remains, 1 an error remains, 2 usage error or a file that cannot be read\./);
      assert.match(r.out, /meshlens serve \[options\]/);
    }
  });
});

describe('the built bin (node dist/cli.js) in a subprocess', function () {
  useTempCwd();

  this.timeout(120_000);

  /** Newest modification time under a folder (the bundle is stale when a source is newer). */
  function newest(dir: string): number {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
    }
    return t;
  }

  before(() => {
    const stale = !fs.existsSync(BIN) || fs.statSync(BIN).mtimeMs < Math.max(newest(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'package.json')).mtimeMs);
    if (!stale) return;
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(b.status, 0, `build failed:\n${b.stdout}\n${b.stderr}`);
    assert.ok(fs.existsSync(BIN));
  });

  function bin(...argv: string[]) {
    const r = spawnSync(process.execPath, [BIN, ...argv], { cwd: tmp, encoding: 'utf8' });
    assert.equal(r.error, undefined);
    return r;
  }

  it('exits 1 with the report on stdout when an error remains, 0 with --exit-zero', () => {
    writeDuplicates();
    write('a/nested/noname.yaml', NO_NAME);
    const r = bin('lint', '.');
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        `a/nested/dup.yml:5:9: warning ML0002 ${DUP_MSG_B} [Service shop/reviews]`,
        `a/nested/noname.yaml:3:1: error ML0003 ${NO_NAME_MSG} [DestinationRule default/<unnamed>]`,
        `a/svc.yaml:4:9: warning ML0002 ${DUP_MSG_A} [Service shop/reviews]`,
        '1 error, 2 warnings, 0 infos in 3 files (3 objects)',
        '',
      ].join('\n'),
    );
    assert.equal(bin('lint', '.', '--exit-zero').status, 0);
    assert.equal(bin('lint', '.', '--rule', 'ML0003=warning').status, 0);
  });

  it('exits 2 with the usage on stderr for a usage error', () => {
    const r = bin('lint', '--format', 'xml');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^meshlens: --format must be text, json or sarif, not "xml"\n\nUsage:/);
  });

  it('prints the version, and writes parseable SARIF', () => {
    const v = bin('--version');
    assert.equal(v.status, 0);
    assert.equal(v.stdout, `${packageVersion}\n`);
    writeDuplicates();
    const s = bin('lint', '--format', 'sarif');
    assert.equal(s.status, 0);
    const log = JSON.parse(s.stdout) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
    assert.equal(log.version, '2.1.0');
    assert.deepEqual(
      log.runs[0].results.map((r) => r.ruleId),
      ['ML0002', 'ML0002'],
    );
  });
});
