// The demo mesh in examples/: bookinfo/ must lint clean, and bookinfo-broken/ must give exactly the
// mistakes it was written with, each marked by a `# deliberate: … (MLnnnn)` comment on its line or
// the line above. Linted through the CLI's own entry point (`main`), as `meshlens lint` runs.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { RULES } from '../../src/core';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const GOOD = path.join(EXAMPLES, 'bookinfo');
const BROKEN = path.join(EXAMPLES, 'bookinfo-broken');

interface Found {
  code: string;
  /** Relative to examples/, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
}

/** The deliberate mistakes of bookinfo-broken/, sorted by file and line. */
const EXPECTED: Found[] = [
  { code: 'ML1015', file: 'bookinfo-broken/details.yaml', line: 101 },
  { code: 'ML0010', file: 'bookinfo-broken/notifications.yaml', line: 32 },
  { code: 'ML4020', file: 'bookinfo-broken/reviews.yaml', line: 75 },
  { code: 'ML1003', file: 'bookinfo-broken/reviews.yaml', line: 136 },
  { code: 'ML4024', file: 'bookinfo-broken/rollout.yaml', line: 33 },
  { code: 'ML3006', file: 'bookinfo-broken/rollout.yaml', line: 78 },
  { code: 'ML2007', file: 'bookinfo-broken/security.yaml', line: 44 },
];

interface JsonFinding {
  file: string;
  code: string;
  range: { start: { line: number } };
}

async function lint(...paths: string[]): Promise<Found[]> {
  let out = '';
  let err = '';
  const status = await main(['lint', ...paths, '--format', 'json', '--exit-zero'], {
    out: (s) => (out += s),
    err: (s) => (err += s),
  });
  assert.equal(status, 0, `meshlens lint exited with ${status}: ${err}`);
  const report = JSON.parse(out) as { findings: JsonFinding[] };
  return report.findings
    .map((f) => ({
      code: f.code,
      file: path.relative(EXAMPLES, path.resolve(process.cwd(), f.file)).split(path.sep).join('/'),
      line: f.range.start.line,
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.code.localeCompare(b.code));
}

describe('examples/bookinfo', function () {
  it('lints without a single finding, hints included', async () => {
    // The CLI leaves hints out; raising the hint rules to info makes them count.
    const hints = RULES.filter((r) => r.meta.severity === 'hint').flatMap((r) => ['--rule', `${r.meta.code}=info`]);
    assert.ok(hints.length > 0, 'no rule is a hint any more: drop this part of the test');
    let out = '';
    await main(['lint', GOOD, '--format', 'json', '--exit-zero', ...hints], { out: (s) => (out += s), err: () => {} });
    const report = JSON.parse(out) as { summary: Record<string, number>; findings: unknown[] };
    assert.deepEqual(report.findings, []);
    assert.ok(report.summary.objects > 30, `only ${report.summary.objects} objects were read`);
  });

  it('bookinfo-broken gives exactly its deliberate mistakes', async () => {
    assert.deepEqual(await lint(BROKEN), EXPECTED);
  });

  it('the two copies do not see each other when linted together', async () => {
    const found = await lint(GOOD, BROKEN);
    assert.deepEqual(found, EXPECTED);
  });

  it('every deliberate mistake is marked with its code on its line or the line above', () => {
    const marks: Found[] = [];
    for (const name of fs.readdirSync(BROKEN).filter((n) => n.endsWith('.yaml')).sort()) {
      const lines = fs.readFileSync(path.join(BROKEN, name), 'utf8').split('\n');
      lines.forEach((text, i) => {
        const m = /#\s*deliberate:.*\((ML\d{4})\)\s*$/.exec(text);
        if (!m) return;
        // A comment alone on its line marks the next line; a trailing comment marks its own.
        const own = text.trim().startsWith('#') ? i + 2 : i + 1;
        marks.push({ code: m[1], file: `bookinfo-broken/${name}`, line: own });
      });
    }
    assert.deepEqual(marks, EXPECTED);
  });
});
