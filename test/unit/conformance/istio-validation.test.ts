// The field tables of the Istio validation rules (ML0016 durations, ML0017 ports) against the
// upstream CRD (read from ../shared/corpus, never copied): every field the CRD guards with a
// duration or port CEL rule is in the table, every table entry that claims a CEL rule has one,
// and every entry names a field that exists. Entries that come from elsewhere are printed with
// their reason.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RULES } from '../../../src/core/analysis/registry';
import { durationFields, durationKinds } from '../../../src/core/istio/duration-fields';
import { portFields, portKinds } from '../../../src/core/istio/port-fields';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const CRDS = path.join(CORPUS, 'istio', 'crds', 'crd-all.gen.yaml');

interface CelField {
  groupKind: string;
  /** `spec.http[].timeout`, `spec.ports{}` (map values): the notation of the rules' tables. */
  field: string;
  rule: string;
  message: string;
}

interface CrdFacts {
  fields: Set<string>;
  cel: CelField[];
}

/** Every property path and CEL rule of the storage version of each Istio CRD. */
function readCrds(): CrdFacts {
  const facts: CrdFacts = { fields: new Set(), cel: [] };
  const walk = (groupKind: string, schema: Record<string, unknown>, at: string) => {
    for (const v of (schema['x-kubernetes-validations'] as Array<{ rule: string; message?: string }> | undefined) ?? []) {
      facts.cel.push({ groupKind, field: at, rule: v.rule, message: v.message ?? '' });
    }
    for (const [k, v] of Object.entries((schema.properties as Record<string, Record<string, unknown>> | undefined) ?? {})) {
      const p = at ? `${at}.${k}` : k;
      facts.fields.add(`${groupKind} ${p}`);
      walk(groupKind, v, p);
    }
    const nested = (sub: unknown, p: string) => {
      if (!sub || typeof sub !== 'object') return;
      facts.fields.add(`${groupKind} ${p}`);
      walk(groupKind, sub as Record<string, unknown>, p);
    };
    nested(schema.items, `${at}[]`);
    nested(schema.additionalProperties, `${at}{}`);
  };
  for (const doc of parseAllDocuments(readFileSync(CRDS, 'utf8'))) {
    const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: Array<{ storage?: boolean; schema?: { openAPIV3Schema: Record<string, unknown> } }> } };
    if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
    const version = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
    if (version?.schema) walk(`${crd.spec.group}/${crd.spec.names.kind}`, version.schema.openAPIV3Schema, '');
  }
  return facts;
}

function table(title: string, rows: string[][]): void {
  console.log(`\n    ${title}\n    | kind | field | reason |\n    |---|---|---|`);
  for (const r of rows) console.log(`    | ${r.join(' | ')} |`);
}

const REASONS: Record<string, string> = {
  webhook: "istiod's webhook checks it (no CEL rule in the CRD)",
  syntax: 'a duration without a bound: only the syntax is checked',
};

describe('conformance: Istio validation field tables against crd-all.gen.yaml', function () {
  let crds: CrdFacts;
  before(function () {
    if (!existsSync(CRDS)) {
      console.log(`    (skipped: the shared corpus is not at ${CORPUS})`);
      this.skip();
    }
    crds = readCrds();
  });

  it('durations: exactly the fields with a duration() CEL rule are classified as CEL durations with its minimum', () => {
    const celDurations = crds.cel.filter((c) => c.rule.includes('duration(self)'));
    assert.ok(celDurations.length > 50, 'the CRD has duration rules');
    const key = (gk: string, f: string) => `${gk} ${f}`;
    const celKeys = new Set(celDurations.map((c) => key(c.groupKind, c.field)));
    const classified = durationKinds().filter((gk) => !gk.startsWith('argoproj.io/')).flatMap((gk) => durationFields(gk).map((f) => ({ gk, ...f })));
    const missing = [...celKeys].filter((k) => !classified.some((f) => key(f.gk, f.pattern) === k));
    const notCel = classified.filter((f) => f.source === 'cel' && !celKeys.has(key(f.gk, f.pattern))).map((f) => key(f.gk, f.pattern));
    const celButNotSaid = classified.filter((f) => f.source !== 'cel' && celKeys.has(key(f.gk, f.pattern))).map((f) => key(f.gk, f.pattern));
    const unknown = classified.filter((f) => !crds.fields.has(key(f.gk, f.pattern))).map((f) => key(f.gk, f.pattern));
    for (const c of celDurations) assert.match(c.rule, /^duration\(self\) >= duration\('1ms'\)$/, `${c.groupKind} ${c.field}: a minimum the table does not model`);
    for (const f of classified.filter((x) => x.source === 'cel')) assert.equal(f.minNanos, 1_000_000n, `${f.gk} ${f.pattern}: CEL says at least 1ms`);
    table(
      'duration fields classified without a CEL rule',
      classified.filter((f) => f.source !== 'cel').map((f) => [f.gk, f.pattern, REASONS[f.source]]),
    );
    assert.deepEqual({ missing, notCel, celButNotSaid, unknown }, { missing: [], notCel: [], celButNotSaid: [], unknown: [] });
  });

  it('ports: exactly the fields with a port CEL rule are classified as CEL ports', () => {
    const classify = (rule: string): string | undefined => {
      if (/^0 < self && self <= 65535$/.test(rule)) return 'number';
      if (rule.includes('int(key)') && rule.includes('65535')) return 'numberKeys';
      if (rule.includes('key.matches(')) return 'nameKeys';
      return undefined;
    };
    const celPorts = crds.cel.flatMap((c) => {
      const what = classify(c.rule);
      return what ? [{ key: `${c.groupKind} ${c.field}`, what }] : [];
    });
    assert.ok(celPorts.length >= 12, 'the CRD has port rules');
    const classified = portKinds().flatMap((gk) => portFields(gk).map((f) => ({ gk, key: `${gk} ${f.pattern}`, ...f })));
    const missing = celPorts.filter((c) => !classified.some((f) => f.key === c.key && f.what === c.what)).map((c) => `${c.key} (${c.what})`);
    const notCel = classified.filter((f) => f.source === 'cel' && !celPorts.some((c) => c.key === f.key && c.what === f.what)).map((f) => f.key);
    const unknown = classified.filter((f) => !crds.fields.has(f.key)).map((f) => f.key);
    table(
      'port fields classified without a CEL rule',
      classified.filter((f) => f.source !== 'cel').map((f) => [f.gk, f.pattern, REASONS[f.source] + (f.zeroUnset ? '; 0 means unset' : '') + (f.zeroWithUnixBind ? '; 0 with a unix:// bind' : '')]),
    );
    assert.deepEqual({ missing, notCel, unknown }, { missing: [], notCel: [], unknown: [] });
  });

  it('every CEL rule message of the CRD is quoted by a MeshLens rule', () => {
    const quoted = RULES.flatMap((r) => [...Object.values(r.meta.messages), ...r.meta.upstream]).join('\n').toLowerCase();
    const messages = [...new Set(crds.cel.map((c) => c.message))].sort();
    const unquoted = messages.filter((m) => !quoted.includes(m.toLowerCase()));
    console.log(`    ${messages.length - unquoted.length} of ${messages.length} CEL messages quoted`);
    assert.deepEqual(unquoted, []);
  });
});
