import * as assert from 'node:assert/strict';
import type { Rule } from '../../../src/core/analysis/types';
import { allFindings, engineWith, triple, where } from './engine';

export interface ValidCase {
  name: string;
  files: Record<string, string>;
}

export interface InvalidCase extends ValidCase {
  /** Order-free multiset of (code, "Kind ns/name" or null, path or null). */
  expected: Array<[string, string | null, string | null]>;
  /** Optional positions `file:line:col` (1-based), in the order of the findings sorted by file and position. */
  at?: string[];
}

/** Runs one rule alone on each case: valid cases give nothing, invalid ones exactly what is expected. */
export function testRule(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`${rule.meta.code} ${rule.meta.id}`, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        const found = allFindings(engineWith(c.files, [rule]));
        assert.deepEqual(found.map((f) => `${where(f)} ${f.message}`), []);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const found = allFindings(engineWith(c.files, [rule]));
        const key = (t: unknown[]) => JSON.stringify(t);
        assert.deepEqual(found.map(triple).map(key).sort(), c.expected.map(key).sort());
        if (c.at) assert.deepEqual(found.map(where), c.at);
        for (const f of found) assert.ok(f.message.length > 10 && !/\{\w+\}/.test(f.message), `message filled: ${f.message}`);
      });
    }
  });
}
