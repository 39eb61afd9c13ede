// Kiali's validation docs (../shared/corpus/kiali-docs-examples, never copied): each example that
// can be decided from its files must give a finding whose upstream equivalents contain the code it
// illustrates. The examples are illustrations, not unit tests: some need cluster state, and the
// docs pair some mTLS examples (one file shows the other code's condition). Those are listed with
// their reasons; the rest count toward a ratchet.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { RULES } from '../../../src/core/analysis/registry';

const DIR = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'kiali-docs-examples');

interface IndexEntry {
  code: string;
  title: string;
  exampleFiles: string[];
}

/** `code example`: why the example cannot decide the code from its files. */
const UNDECIDABLE: Record<string, string> = {
  'KIA0105 805.yaml': "needs the mesh's mTLS state: the example has no PeerAuthentication or mesh config, Kiali reads it from the cluster",
  'KIA0205 401.yaml': "the docs pair it with KIA0401's example: this file has the STRICT PeerAuthentication but no DestinationRule (it gives KIA0401)",
  'KIA0401 004.yaml': "the docs pair it with KIA0205's example: this file has only the DestinationRule (it gives KIA0205)",
  'KIA0501 006.yaml': "the docs pair it with KIA0206's example: this file has only the DestinationRule (it gives KIA0206)",
  'KIA0701 702.yaml': 'its Deployment is extensions/v1beta1, which Kubernetes no longer serves (ML0008 says so); MeshLens does not model its pods',
  'KIA0701 703.yaml': "the docs' corrected version (targetPort 8080 reaches containerPort 8080), with an extensions/v1beta1 Deployment",
  'KIA0203 003.yaml': 'the example has only the DestinationRule: which labels the pods behind reviews carry needs its Service and workloads',
  'KIA0302 202.yaml': 'no workload in the example carries the selector keys: the gateway pods are taken to be installed elsewhere, which Kiali checks in the cluster',
  'KIA1201 1201.yaml': 'Kiali removed KIA1201 from its code (the docs lag); MeshLens does not implement it',
  'KIA1503 1503.yaml': 'the example is not valid YAML (a mis-indented listener): only the syntax error is reported',
};

/**
 * Examples whose condition holds only with auto mTLS off, as their docs say ("AutoMtls disabled");
 * under Istio's default auto mTLS the same files are fine and MeshLens says nothing.
 */
const AUTO_MTLS_OFF = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: istio\n  namespace: istio-system\ndata:\n  mesh: |\n    enableAutoMtls: false\n';
const CONTEXT: Record<string, { text: string; note: string }> = {
  'KIA0204 005.yaml': { text: AUTO_MTLS_OFF, note: 'with auto mTLS off' },
  'KIA0205 004.yaml': { text: AUTO_MTLS_OFF, note: 'with auto mTLS off' },
  'KIA0206 006.yaml': { text: AUTO_MTLS_OFF, note: 'with auto mTLS off' },
  'KIA0401 401.yaml': { text: AUTO_MTLS_OFF, note: 'with auto mTLS off' },
  'KIA0501 301.yaml': { text: AUTO_MTLS_OFF, note: 'with auto mTLS off' },
};

/** Decidable examples that trigger their code: a ratchet; raise it as rules for more codes land. */
const MIN_TRIGGERED = 34;

function upstreamOf(file: string, context: string | undefined): Set<string> {
  const engine = new ManifestEngine(RULES, undefined, { strict: true });
  engine.setFile(`file:///kiali/${file}`, { text: readFileSync(path.join(DIR, file), 'utf8') });
  if (context) engine.setFile('file:///kiali/context/mesh.yaml', { text: context });
  engine.analyze();
  const codes = new Set<string>();
  for (const uri of engine.index.uris()) for (const f of engine.findings(uri)) for (const c of f.upstream) codes.add(c);
  return codes;
}

describe('conformance: Kiali validation docs examples (kiali-docs-examples)', function () {
  before(function () {
    if (!existsSync(path.join(DIR, 'INDEX.json'))) {
      console.log(`    (skipped: the shared corpus is not at ${DIR})`);
      this.skip();
    }
  });

  it('each example decidable from its files triggers a finding with its KIA code (table; undecidable ones with reasons)', () => {
    const index = JSON.parse(readFileSync(path.join(DIR, 'INDEX.json'), 'utf8')) as { codes: IndexEntry[] };
    const rows: Array<{ code: string; file: string; decided: string; triggered: boolean }> = [];
    for (const entry of index.codes) {
      for (const example of entry.exampleFiles) {
        const file = path.basename(example);
        const key = `${entry.code} ${file}`;
        const context = CONTEXT[key];
        const triggered = upstreamOf(file, context?.text).has(entry.code);
        rows.push({ code: entry.code, file, decided: key in UNDECIDABLE ? 'no' : context ? `yes, ${context.note}` : 'yes', triggered });
      }
    }
    console.log('\n    Kiali docs examples\n    | code | example | decided from files? | triggered |\n    |---|---|---|---|');
    for (const r of rows) console.log(`    | ${r.code} | ${r.file} | ${r.decided} | ${r.triggered ? 'yes' : 'no'} |`);
    const decidable = rows.filter((r) => r.decided !== 'no');
    const hit = decidable.filter((r) => r.triggered);
    console.log(`    decidable: ${decidable.length} of ${rows.length}; triggered: ${hit.length} of ${decidable.length}`);
    console.log('    undecidable:');
    for (const [k, reason] of Object.entries(UNDECIDABLE)) console.log(`      - ${k}: ${reason}`);
    const missing = decidable.filter((r) => !r.triggered).map((r) => `${r.code} ${r.file}`);
    if (missing.length) console.log(`    decidable, not triggered yet: ${missing.join(', ')}`);
    const codesWithoutExamples = index.codes.filter((c) => c.exampleFiles.length === 0).map((c) => c.code);
    console.log(`    codes without an example in the docs: ${codesWithoutExamples.join(', ')}`);
    assert.ok(hit.length >= MIN_TRIGGERED, `triggered ${hit.length}, the ratchet is ${MIN_TRIGGERED}`);
    const stale = Object.keys(UNDECIDABLE).filter((k) => !rows.some((r) => `${r.code} ${r.file}` === k));
    assert.deepEqual(stale, [], 'UNDECIDABLE names examples the index no longer has');
  });
});
