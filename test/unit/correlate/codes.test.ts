// The ML5xxx codes: in their range, unique, apart from the analyzer rules' codes, documented.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CORRELATION_CODES } from '../../../src/core/correlate';
import { RETIRED_CODES, RULES } from '../../../src/core/analysis/registry';

describe('correlation codes', () => {
  it('are ML5xxx, sorted, unique, and never an analyzer rule\'s or a retired code', () => {
    const codes = CORRELATION_CODES.map((m) => m.code);
    for (const c of codes) assert.match(c, /^ML5\d{3}$/);
    assert.deepEqual(codes, [...codes].sort());
    assert.equal(new Set(codes).size, codes.length);
    const taken = new Set([...RULES.map((r) => r.meta.code), ...RETIRED_CODES.map((r) => r.code)]);
    for (const c of codes) assert.ok(!taken.has(c), c);
    assert.equal(new Set(CORRELATION_CODES.map((m) => m.id)).size, codes.length);
  });

  it('have written meta and a generated docs page', () => {
    for (const m of CORRELATION_CODES) {
      for (const field of ['title', 'description', 'remediation'] as const) assert.ok(m[field].length > 10, `${m.code} ${field}`);
      const page = path.join(__dirname, '..', '..', '..', 'docs', 'rules', `${m.code}.md`);
      assert.ok(existsSync(page), `${m.code}: run npm run docs`);
      assert.match(readFileSync(page, 'utf8'), new RegExp(`^# ${m.code}: `));
    }
  });
});
