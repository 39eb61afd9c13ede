// Istio's own samples (read from ../shared/corpus/istio/valid-samples, never copied) are meant to be
// valid. Each file is checked alone with its context: the sample files INDEX.json names for it and
// the app's Deployments and Services from valid-samples-context/<app>/. No error may remain;
// warnings must be ones INDEX.json predicts for upstream, or be listed here with the reason they are right.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ManifestEngine } from '../../../src/core/analysis/engine';
import { RULES } from '../../../src/core/analysis/registry';
import type { Finding } from '../../../src/core/analysis/types';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');
const ISTIO = path.join(CORPUS, 'istio');

interface Entry {
  file: string;
  contextFiles?: string[];
  predictedIstioctlFileOnly_isolated?: Array<{ code: string; resource: string }>;
  predictedIstioctlFileOnly_withContext?: Array<{ code: string; resource: string }>;
}

/**
 * Warnings (and information) MeshLens gives on a sample that upstream is not predicted to give,
 * each with the reason it is right. Keyed `file: CODE object path`.
 */
const EXPLAINED: Record<string, string> = {
  // Unresolved references (meshlens.references.unresolved, a warning by default): the routes go to
  // Services that Istio's installation or cert-manager create, in namespaces the samples define nothing in.
  'valid-samples/bookinfo/networking/certmanager-gateway.yaml: ML1001 VirtualService istio-system/cert-manager spec.http[0].route[0].destination.host':
    'cert-manager creates the solver Service; nothing of istio-system is in the files',
  'valid-samples/multicluster/expose-istiod-https.yaml: ML1001 VirtualService default/istiod-vs spec.http[0].route[0].destination.host': 'istiod is installed by istioctl, not in the files',
  'valid-samples/multicluster/expose-istiod-https.yaml: ML1001 VirtualService default/istiod-vs spec.http[1].route[0].destination.host': 'istiod is installed by istioctl, not in the files',
  'valid-samples/multicluster/expose-istiod.yaml: ML1001 VirtualService default/istiod-vs spec.tls[0].route[0].destination.host': 'istiod is installed by istioctl, not in the files',
  'valid-samples/multicluster/expose-istiod.yaml: ML1001 VirtualService default/istiod-vs spec.tls[1].route[0].destination.host': 'istiod is installed by istioctl, not in the files',
  // The samples are alternatives to each other: the context file INDEX.json names defines the same
  // object, and applying both really does replace one with the other.
  'valid-samples/bookinfo/networking/fault-injection-details-v1.yaml: ML0002 DestinationRule default/details metadata.name':
    'destination-rule-all.yaml, its context, defines the same DestinationRule',
  'valid-samples/tcp-echo/tcp-echo-20-v2.yaml: ML0002 VirtualService default/tcp-echo metadata.name': 'tcp-echo-all-v1.yaml, its alternative, defines the same VirtualService',
  // istiod's Service is installed with Istio, not with the sample; an unresolved reference, as the setting meshlens.references.unresolved intends.
  'valid-samples/multicluster/expose-istiod-https.yaml: ML1101 DestinationRule default/istiod-dr spec.host': 'istiod.istio-system is installed by Istio, outside the sample (unresolved reference)',
};

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

function check(entry: Entry): Finding[] {
  const app = entry.file.split('/')[1];
  const files = [entry.file, ...(entry.contextFiles ?? [])].map((f) => path.join(ISTIO, f));
  const context = walk(path.join(ISTIO, 'valid-samples-context', app));
  const engine = new ManifestEngine(RULES, undefined, { strict: true });
  for (const f of [...files, ...context]) engine.setFile(`file://${f}`, { text: readFileSync(f, 'utf8') });
  engine.analyze();
  // Only findings on the sample itself: the context files are there to be referred to.
  return engine.findings(`file://${path.join(ISTIO, entry.file)}`);
}

describe('conformance: Istio samples (istio/valid-samples) with their context', function () {
  before(function () {
    if (!existsSync(path.join(ISTIO, 'valid-samples', 'INDEX.json'))) {
      console.log(`    (skipped: the shared corpus is not at ${CORPUS})`);
      this.skip();
    }
  });

  it('give no error; every warning is predicted upstream or explained', () => {
    const index = JSON.parse(readFileSync(path.join(ISTIO, 'valid-samples', 'INDEX.json'), 'utf8')) as { files: Entry[] };
    const errors: string[] = [];
    const unexplained: string[] = [];
    const seen = new Set<string>();
    console.log('\n    istio/valid-samples\n    | file | errors | warnings | info | predicted upstream |\n    |---|---|---|---|---|');
    for (const entry of index.files) {
      const findings = check(entry);
      const predicted = [...(entry.predictedIstioctlFileOnly_withContext ?? entry.predictedIstioctlFileOnly_isolated ?? [])];
      const count = (s: string) => findings.filter((f) => f.severity === s).length;
      console.log(`    | ${entry.file.replace('valid-samples/', '')} | ${count('error')} | ${count('warning')} | ${count('info')} | ${predicted.map((p) => p.code).join(', ')} |`);
      for (const f of findings) {
        const key = `${entry.file}: ${f.code} ${f.object ?? ''} ${f.path ?? ''}`.trim();
        const line = `${key} — ${f.message}`;
        if (f.severity === 'error') errors.push(line);
        else if (f.severity === 'warning') {
          const isPredicted = predicted.some((p) => f.upstream.includes(p.code) && f.object === p.resource);
          if (isPredicted) continue;
          seen.add(key);
          if (!(key in EXPLAINED)) unexplained.push(line);
        }
      }
    }
    for (const e of errors) console.log(`      error: ${e}`);
    for (const u of unexplained) console.log(`      unexplained warning: ${u}`);
    for (const [k, why] of Object.entries(EXPLAINED)) if (seen.has(k)) console.log(`      explained warning: ${k} (${why})`);
    assert.deepEqual(errors, [], 'errors on valid samples');
    assert.deepEqual(unexplained, [], 'warnings neither predicted upstream nor explained');
    assert.deepEqual(Object.keys(EXPLAINED).filter((k) => !seen.has(k)), [], 'explanations for warnings that no longer occur');
  });
});
