import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { RETIRED_CODES, RULES } from '../../src/core/analysis/registry';
import { KNOWN_KINDS, RETIRED_GROUP_KINDS } from '../../src/core/k8s/kinds';
import { SEVERITIES } from '../../src/core/analysis/types';
import type { Rule } from '../../src/core/analysis/types';
import { allFindings, engineWith } from './helpers/engine';

const ROOT = path.join(__dirname, '..', '..');
const RULES_DIR = path.join(ROOT, 'src', 'core', 'analysis', 'rules');

/** The code range each family folder owns (DESIGN.md rule 4). */
const FAMILY_RANGE: Record<string, RegExp> = {
  syntax: /^ML0\d{3}$/,
  objects: /^ML0\d{3}$/,
  schema: /^ML0\d{3}$/,
  'istio-validation': /^ML0\d{3}$/,
  istio: /^ML[12]\d{3}$/,
  rollouts: /^ML3\d{3}$/,
  workloads: /^ML4\d{3}$/,
  correlate: /^ML5\d{3}$/,
};

function ruleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? ruleFiles(full) : f.endsWith('.ts') ? [full] : [];
  });
}

// Byte-level rules cannot be shown as text; their own tests build the bytes.
const BYTE_LEVEL = new Set(['file-too-large', 'unreadable-file']);

describe('rule registry', () => {
  const files = ruleFiles(RULES_DIR);

  it('has every rule file registered exactly once, each exporting one rule whose id is its file name', () => {
    const registered = new Set<Rule>(RULES);
    assert.equal(registered.size, RULES.length, 'no rule registered twice');
    const seen = new Set<Rule>();
    for (const file of files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.values(require(file) as Record<string, unknown>) as Rule[];
      assert.equal(exported.length, 1, `${file} exports exactly one rule`);
      const rule = exported[0];
      assert.equal(rule.meta.id, path.basename(file, '.ts'), `${file}: meta.id equals the file slug`);
      assert.ok(registered.has(rule), `${rule.meta.id} is in registry.ts`);
      // rules/istio/<kind>/x.ts belongs to the istio family: the first folder under rules/ decides.
      const family = path.relative(RULES_DIR, file).split(path.sep)[0];
      assert.ok(FAMILY_RANGE[family], `${file}: family folder ${family} has a code range`);
      assert.match(rule.meta.code, FAMILY_RANGE[family], `${rule.meta.id}: code in its family's range`);
      seen.add(rule);
    }
    assert.equal(seen.size, RULES.length, 'every registered rule lives in its own file');
  });

  it('is sorted by code, with unique ids and codes that never reuse a retired one', () => {
    const codes = RULES.map((r) => r.meta.code);
    assert.deepEqual(codes, [...codes].sort());
    assert.equal(new Set(codes).size, codes.length);
    assert.equal(new Set(RULES.map((r) => r.meta.id)).size, RULES.length);
    for (const retired of RETIRED_CODES) assert.ok(!codes.includes(retired.code), `${retired.code} is retired`);
  });

  for (const rule of RULES) {
    const m = rule.meta;
    describe(`${m.code} ${m.id}`, () => {
      it('has complete meta', () => {
        assert.match(m.code, /^ML\d{4}$/);
        assert.ok(SEVERITIES.includes(m.severity));
        for (const field of ['title', 'description', 'remediation'] as const) assert.ok(m[field].length > 10, `${field} written`);
        assert.ok(Object.keys(m.messages).length > 0);
        assert.ok(Array.isArray(m.upstream));
        const known = new Set(KNOWN_KINDS.map((k) => `${k.group}/${k.kind}`));
        for (const k of m.kinds) assert.ok(k === '*' || known.has(k) || RETIRED_GROUP_KINDS.includes(k), `kind ${k} is one MeshLens knows`);
        if (m.scope === 'file') assert.deepEqual(m.kinds, [], 'file rules read no objects');
      });

      it('has a docs page and a test file', () => {
        assert.ok(existsSync(path.join(ROOT, 'docs', 'rules', `${m.code}.md`)), 'run npm run docs');
        assert.ok(existsSync(path.join(ROOT, 'test', 'unit', 'rules', `${m.id}.test.ts`)), `test/unit/rules/${m.id}.test.ts`);
      });

      if (!BYTE_LEVEL.has(m.id)) {
        it('its docs examples behave as documented', () => {
          const bad = allFindings(engineWith({ 'example.yaml': m.examples.invalid }, [rule]));
          assert.ok(bad.some((f) => f.code === m.code), 'the invalid example triggers the rule');
          assert.deepEqual(allFindings(engineWith({ 'example.yaml': m.examples.valid }, [rule])), [], 'the valid example is clean');
        });
      }

      it('declares a fix exactly when it produces one on its example', () => {
        if (BYTE_LEVEL.has(m.id)) return;
        const fixes = allFindings(engineWith({ 'example.yaml': m.examples.invalid }, [rule])).flatMap((f) => f.fixes);
        assert.equal(fixes.length > 0, m.fixable);
      });
    });
  }
});
