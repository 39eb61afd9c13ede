// The probe rules (ML4xxx) against what kube-linter, Polaris and the API server say about the
// fixtures in ../shared/corpus/probes (read there, never copied), plus the probe cases of the Argo
// Rollouts corpus. Each file is analysed alone with the ML4xxx rules only, so that other families'
// findings on these deliberately minimal fixtures (no names, no selectors) do not blur the count.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { RULES } from '../../../src/core/analysis/registry';
import type { Finding, Rule } from '../../../src/core/analysis/types';

const ROOT = path.join(__dirname, '..', '..', '..');
const CORPUS = path.join(ROOT, '..', 'shared', 'corpus');
const PROBES = path.join(CORPUS, 'probes');
const PROBE_RULES = RULES.filter((r) => r.meta.code.startsWith('ML4'));

/** Upstream check -> our code, and the probe the check is about (port checks are per probe). */
const CHECKS: Record<string, { code: string; probe?: string }> = {
  'liveness-port': { code: 'ML4010', probe: 'livenessProbe' },
  'readiness-port': { code: 'ML4010', probe: 'readinessProbe' },
  'startup-port': { code: 'ML4010', probe: 'startupProbe' },
  'no-liveness-probe': { code: 'ML4012' },
  'no-readiness-probe': { code: 'ML4011' },
  livenessProbeMissing: { code: 'ML4012' },
  readinessProbeMissing: { code: 'ML4011' },
};

/** Expectations we knowingly miss, keyed `fixture: Kind|container|port|handler`, with the reason. */
const KNOWN_MISSES: Record<string, string> = {};

/** Findings beyond the expectations that are right, keyed like KNOWN_MISSES plus the code. */
const EXPLAINED_EXTRAS: Record<string, string> = {
  'k8s-docs/tcp-liveness-readiness.yaml: ML4021 Pod|goproxy||':
    'identical liveness and readiness tcpSocket probes: the issue names this hint, and expected.json notes the docs example does it',
};

/** What this test reached; it may only go up. */
const RATCHET = { matched: 35, total: 35 };

interface Expected {
  check?: string;
  messages?: string[];
  field?: string;
  expected?: string;
  derived?: boolean;
  apiserver?: string;
}

function analyse(file: string, rules: readonly Rule[] = PROBE_RULES): Finding[] {
  const engine = new ManifestEngine(rules, undefined, { strict: true });
  const uri = `file://${file}`;
  engine.setFile(uri, { text: readFileSync(file, 'utf8') });
  engine.analyze();
  return engine.findings(uri);
}

function keyOf(f: Finding): string {
  const kind = (f.object ?? '').split(' ')[0];
  return `${kind}|${String(f.data.container ?? '')}|${f.code === 'ML4010' ? `${String(f.data.port)}|${String(f.data.handler)}` : '|'}`;
}

/** `Deployment: container "x" does not expose port http for the HTTPGet` -> `Deployment|x|http|HTTPGet`. */
function kubeLinterKey(message: string): string {
  const m = /^(\w+): container "([^"]+)" (?:does not expose port (\S+) for the (\w+)|does not specify)/.exec(message);
  if (!m) throw new Error(`unparsed kube-linter message: ${message}`);
  return `${m[1]}|${m[2]}|${m[3] ?? ''}|${m[4] ?? ''}`;
}

/** Polaris names no container: its fixtures have one, so each message is about each container. */
function polarisKeys(file: string): string[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d) => {
    const v = d.toJS() as { kind?: string; spec?: { containers?: Array<{ name?: string }> } } | null;
    return (v?.spec?.containers ?? []).map((c) => `${v?.kind}|${c.name}||`);
  });
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}

function multisetMinus(a: string[], b: string[]): string[] {
  const rest = [...b];
  return a.filter((x) => {
    const i = rest.indexOf(x);
    if (i < 0) return true;
    rest.splice(i, 1);
    return false;
  });
}

describe('conformance: probes (kube-linter, Polaris, API server, Kubernetes docs)', function () {
  before(function () {
    if (!existsSync(path.join(PROBES, 'expected.json'))) {
      console.log(`    (skipped: the shared corpus is not at ${CORPUS})`);
      this.skip();
    }
  });

  it('gives what upstream expects, per fixture, container and check', () => {
    const expectedJson = JSON.parse(readFileSync(path.join(PROBES, 'expected.json'), 'utf8')) as Record<string, Expected>;
    const rows: string[] = [];
    const misses: string[] = [];
    const unexplainedMisses: string[] = [];
    const extras: string[] = [];
    let matched = 0;
    let total = 0;
    const row = (source: string, fixture: string, check: string, exp: number, ok: number, extra: number) =>
      rows.push(`    | ${source} | ${fixture} | ${check} | ${exp} | ${ok} | ${extra} |`);

    for (const [fixture, e] of Object.entries(expectedJson)) {
      if (fixture.startsWith('_')) continue;
      const file = path.join(PROBES, fixture);
      const source = fixture.split('/')[0];
      if (source === 'kube-linter' || source === 'polaris') {
        const map = CHECKS[e.check!];
        const want = source === 'kube-linter' ? (e.messages ?? []).map(kubeLinterKey) : (e.messages ?? []).length ? polarisKeys(file) : [];
        const got = analyse(file)
          .filter((f) => f.code === map.code && (!map.probe || f.data.probe === map.probe))
          .map(keyOf);
        const ok = want.length - multisetMinus(want, got).length;
        for (const m of multisetMinus(want, got)) {
          const key = `${fixture}: ${m}`;
          misses.push(`${key}${KNOWN_MISSES[key] ? ` — ${KNOWN_MISSES[key]}` : ''}`);
          if (!KNOWN_MISSES[key]) unexplainedMisses.push(key);
        }
        for (const x of multisetMinus(got, want)) extras.push(`${fixture}: ${map.code} ${x}`);
        matched += ok;
        total += want.length;
        row(source, path.basename(fixture), `${e.check} → ${map.code}`, want.length, ok, multisetMinus(got, want).length);
      } else if (source === 'apiserver-invalid') {
        const found = analyse(file).filter((f) => f.severity === 'error' && f.path === e.field && f.message.includes(e.expected!));
        total++;
        if (found.length) matched++;
        else {
          misses.push(`${fixture}: ${e.field}: "${e.expected}"`);
          unexplainedMisses.push(fixture);
        }
        row(source, path.basename(fixture), `"${e.expected}" → ${found[0]?.code ?? '-'}`, 1, found.length ? 1 : 0, 0);
      } else if (source === 'k8s-docs') {
        // Derived expectations: what kube-linter and Polaris would say. Ours may say exactly that,
        // plus the hints the issue names; never an error.
        const want = (e.messages ?? []).map((m) => {
          const kl = /^kube-linter (\S+) .*container "([^"]+)" does not expose port (\S+) for the (\w+)/.exec(m);
          if (kl) return { code: CHECKS[kl[1]].code, key: `Pod|${kl[2]}|${kl[3]}|${kl[4]}` };
          const pol = /^polaris (\w+)/.exec(m);
          if (pol) return { code: CHECKS[pol[1]].code, key: polarisKeys(file)[0] };
          throw new Error(`unparsed derived expectation: ${m}`);
        });
        const got = analyse(file).map((f) => `${f.code} ${keyOf(f)}`);
        const wantKeys = want.map((w) => `${w.code} ${w.key}`);
        const ok = wantKeys.length - multisetMinus(wantKeys, got).length;
        for (const m of multisetMinus(wantKeys, got)) {
          misses.push(`${fixture}: ${m}`);
          unexplainedMisses.push(`${fixture}: ${m}`);
        }
        const extra = multisetMinus(got, wantKeys).filter((x) => !EXPLAINED_EXTRAS[`${fixture}: ${x}`]);
        for (const x of extra) extras.push(`${fixture}: ${x}`);
        matched += ok;
        total += wantKeys.length;
        row(source, path.basename(fixture), want.map((w) => w.code).join(', ') || '(none)', wantKeys.length, ok, extra.length);
        const errors = analyse(file, RULES).filter((f) => f.severity === 'error');
        assert.deepEqual(errors.map((f) => `${f.code} ${f.message}`), [], `${fixture}: a Kubernetes docs example gives no error`);
      }
    }

    // The probe cases of the Argo Rollouts corpus: the same API server rules on a Rollout template.
    const rolloutCases = path.join(CORPUS, 'rollouts', 'invalid', 'cases.json');
    if (existsSync(rolloutCases)) {
      const { cases } = JSON.parse(readFileSync(rolloutCases, 'utf8')) as { cases: Array<{ file: string; expected: string; field?: string }> };
      for (const c of cases.filter((x) => x.file.startsWith('derived__probe'))) {
        const found = analyse(path.join(CORPUS, 'rollouts', 'invalid', c.file)).filter((f) => f.severity === 'error' && f.message.includes(c.expected) && (!c.field || f.path === c.field));
        total++;
        if (found.length) matched++;
        else {
          misses.push(`rollouts/invalid/${c.file}: "${c.expected}"`);
          unexplainedMisses.push(c.file);
        }
        row('rollouts/invalid', c.file, `"${c.expected}" → ${found[0]?.code ?? '-'}`, 1, found.length ? 1 : 0, 0);
      }
    }

    console.log('\n    probes conformance\n    | source | fixture | check | expected | matched | extra |\n    |---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
    console.log(`    matched ${matched} of ${total} expectations; ${extras.length} unexplained extra findings`);
    for (const m of misses) console.log(`      miss: ${m}`);
    for (const x of extras) console.log(`      extra: ${x}`);

    assert.deepEqual(unexplainedMisses, [], 'every miss has a reason in KNOWN_MISSES');
    assert.deepEqual(extras, [], 'no finding beyond what upstream expects, unless explained');
    assert.ok(matched >= RATCHET.matched, `ratchet: ${matched} matched, at least ${RATCHET.matched} before`);
    assert.equal(total, RATCHET.total, 'the corpus changed: update RATCHET');
  });

  it('give no error on valid Argo Rollouts, Istio sample workloads and our examples', () => {
    const dirs = [
      path.join(CORPUS, 'rollouts', 'valid'),
      path.join(CORPUS, 'rollouts', 'valid-e2e'),
      path.join(CORPUS, 'istio', 'valid-samples-context'),
      path.join(ROOT, 'examples'),
    ];
    const errors: string[] = [];
    const warnings: string[] = [];
    console.log('\n    probe rules on valid manifests\n    | folder | files | findings by code and severity |\n    |---|---|---|');
    for (const dir of dirs) {
      const files = walk(dir);
      const counts = new Map<string, number>();
      for (const file of files) {
        for (const f of analyse(file)) {
          const k = `${f.code} ${f.severity}`;
          counts.set(k, (counts.get(k) ?? 0) + 1);
          const line = `${path.relative(CORPUS, file)}:${f.range.start.line + 1} ${f.code} ${f.message}`;
          if (f.severity === 'error') errors.push(line);
          // ML4024 is meant to warn on these: the Argo examples route canary traffic to pods without
          // readiness probes, which is exactly the risk it names.
          else if (f.severity === 'warning' && f.code !== 'ML4024') warnings.push(line);
        }
      }
      const summary = [...counts].sort().map(([k, n]) => `${k}: ${n}`).join(', ');
      console.log(`    | ${path.relative(ROOT, dir)} | ${files.length} | ${summary || '-'} |`);
    }
    for (const e of errors) console.log(`      error: ${e}`);
    for (const w of warnings) console.log(`      warning: ${w}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, [], 'warnings other than ML4024');
  });
});
