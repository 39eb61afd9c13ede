// Conformance of the Istio analyzers against istioctl's own analyzer test cases (read from
// ../shared/corpus/istio/analyzers, never copied). Each case runs the way upstream runs it: the
// case's files plus implicit-default-resources.yaml, objects without a namespace in namespace "".
// Upstream runs one analyzer per case, so only the IST codes that analyzer can give are compared:
// the multiset of (IST code, "Kind ns/name") from our findings' upstream equivalents must equal the
// expected one.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { RULES } from '../../../src/core/analysis/registry';
import { isRecord } from '../../../src/core/k8s/object';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const DIR = path.join(CORPUS, 'istio', 'analyzers');

interface Case {
  case: string;
  analyzer: string;
  files: string[];
  staticClass: 'static' | 'static-k8s' | 'runtime-pods';
  implicitDefaults: string | null;
  expected: Array<{ code: string; kind: string; namespace: string; resourceName: string }>;
}

/**
 * Cases that do not match yet, each with its reason. The test fails when a case listed here
 * matches (take it off) or a case not listed does not (fix it or list it with a reason).
 */
const KNOWN_MISMATCHES: Record<string, string> = {
  virtualServiceDestinationHosts:
    'upstream also gives IST0101 for the empty route entry `- {}` (a destination with host ""); MeshLens reports a route without destination as a missing required field (ML0013), not as a host lookup',
};

/** The share of `static` and `static-k8s` cases that must match; a ratchet toward the 90% goal. */
const MIN_STATIC_MATCH = 0;

const label = (code: string, kind: string, namespace: string, name: string) => `${code} ${kind} ${namespace ? `${namespace}/` : ''}${name}`;

function run(c: Case): { expected: string[]; actual: string[] } {
  const engine = new ManifestEngine(RULES, undefined, { strict: true });
  const files = [...c.files, ...(c.implicitDefaults ? [c.implicitDefaults] : [])];
  for (const f of files) engine.setFile(`file:///case/${f}`, { text: readFileSync(path.join(DIR, f), 'utf8') });
  engine.analyze();
  // An analyzer gives only its own codes; other analyzers' findings on the same files do not count.
  const codes = new Set(ANALYZER_CODES.get(c.analyzer));
  // Several analyzers share a code (IST0101); rules that name the analyzer in meta.upstream stand for it alone.
  const owners = new Set(RULES.filter((r) => r.meta.upstream.some((u) => u.includes(c.analyzer))).map((r) => r.meta.id));
  const actual: string[] = [];
  for (const uri of engine.index.uris()) {
    const entry = engine.index.get(uri)!;
    for (const f of engine.findings(uri)) {
      const o = entry.objects.find((x) => x.ref === f.object);
      if (!o || (owners.size && !owners.has(f.ruleId))) continue;
      const meta = isRecord(o.body.metadata) ? o.body.metadata : {};
      const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
      for (const code of f.upstream) if (codes.has(code)) actual.push(label(code, o.kind, ns, o.name ?? ''));
    }
  }
  const expected = c.expected.map((e) => label(e.code, e.kind, e.namespace, e.resourceName));
  return { expected: expected.sort(), actual: actual.sort() };
}

const CASES: Case[] = existsSync(DIR) ? Object.values(JSON.parse(readFileSync(path.join(DIR, 'cases.json'), 'utf8')) as Record<string, Case>) : [];

/** The codes each upstream analyzer gives, from every case's expectations. */
const ANALYZER_CODES = new Map<string, Set<string>>();
for (const c of CASES) {
  const set = ANALYZER_CODES.get(c.analyzer) ?? new Set<string>();
  for (const e of c.expected) set.add(e.code);
  ANALYZER_CODES.set(c.analyzer, set);
}

describe('conformance: istioctl analyzer cases (istio/analyzers)', function () {
  before(function () {
    if (!CASES.length) {
      console.log(`    (skipped: the shared corpus is not at ${CORPUS})`);
      this.skip();
    }
  });

  it('gives the same (IST code, object) multiset as upstream (table per analyzer; mismatches listed with reasons)', () => {
    const perAnalyzer = new Map<string, { cases: number; matched: number; cls: string }>();
    const mismatches: Array<{ name: string; detail: string }> = [];
    let staticTotal = 0;
    let staticMatched = 0;
    for (const c of CASES) {
      const { expected, actual } = run(c);
      const ok = JSON.stringify(expected) === JSON.stringify(actual);
      const row = perAnalyzer.get(c.analyzer) ?? { cases: 0, matched: 0, cls: c.staticClass };
      row.cases++;
      if (ok) row.matched++;
      perAnalyzer.set(c.analyzer, row);
      if (c.staticClass !== 'runtime-pods') {
        staticTotal++;
        if (ok) staticMatched++;
      }
      if (!ok) {
        const missing = expected.filter((e, i) => expected.indexOf(e) === i).flatMap((e) => Array(Math.max(0, count(expected, e) - count(actual, e))).fill(e));
        const extra = actual.filter((e, i) => actual.indexOf(e) === i).flatMap((e) => Array(Math.max(0, count(actual, e) - count(expected, e))).fill(e));
        mismatches.push({ name: c.case, detail: `${missing.length ? `missing ${missing.join('; ')}` : ''}${missing.length && extra.length ? ' / ' : ''}${extra.length ? `extra ${extra.join('; ')}` : ''}` });
      }
    }
    console.log('\n    istioctl analyzer cases\n    | analyzer | class | cases | matched |\n    |---|---|---|---|');
    for (const [a, r] of [...perAnalyzer].sort()) console.log(`    | ${a} | ${r.cls} | ${r.cases} | ${r.matched} |`);
    const share = staticTotal ? staticMatched / staticTotal : 1;
    console.log(`    static + static-k8s: ${staticMatched} of ${staticTotal} match (${(100 * share).toFixed(0)}%); all: ${[...perAnalyzer.values()].reduce((a, r) => a + r.matched, 0)} of ${CASES.length}`);
    for (const m of mismatches) console.log(`      - ${m.name}: ${m.detail}${KNOWN_MISMATCHES[m.name] ? ` (${KNOWN_MISMATCHES[m.name]})` : ''}`);
    const unexplained = mismatches.filter((m) => !(m.name in KNOWN_MISMATCHES)).map((m) => m.name);
    const stale = Object.keys(KNOWN_MISMATCHES).filter((k) => !mismatches.some((m) => m.name === k));
    assert.ok(share >= MIN_STATIC_MATCH, `static cases matched: ${(100 * share).toFixed(0)}%`);
    if (MIN_STATIC_MATCH > 0) {
      assert.deepEqual(unexplained, [], 'mismatches without a reason in KNOWN_MISMATCHES');
      assert.deepEqual(stale, [], 'cases in KNOWN_MISMATCHES that now match');
    }
  });
});

function count(list: string[], x: string): number {
  return list.filter((y) => y === x).length;
}
