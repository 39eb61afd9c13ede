import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KNOWN_KINDS } from '../../../src/core/k8s/kinds';

const CORPUS = path.join(__dirname, '..', '..', '..', '..', 'shared', 'corpus');

interface Crd {
  group: string;
  kind: string;
  namespaced: boolean;
  served: string[];
}

function readCrds(file: string): Crd[] {
  const out: Crd[] = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const o = doc.toJS() as { kind?: string; spec?: { group: string; scope: string; names: { kind: string }; versions: { name: string; served: boolean }[] } };
    if (o?.kind !== 'CustomResourceDefinition' || !o.spec) continue;
    out.push({
      group: o.spec.group,
      kind: o.spec.names.kind,
      namespaced: o.spec.scope === 'Namespaced',
      served: o.spec.versions.filter((v) => v.served).map((v) => v.name).sort(),
    });
  }
  return out;
}

describe('conformance: every Istio and Argo Rollouts kind in the upstream CRDs is recognised', function () {
  const istio = path.join(CORPUS, 'istio', 'crds', 'crd-all.gen.yaml');
  const rollouts = path.join(CORPUS, 'rollouts', 'crds');
  before(function () {
    if (!existsSync(istio) || !existsSync(rollouts)) {
      console.log(`    (skipped: the shared corpus is not at ${CORPUS})`);
      this.skip();
    }
  });

  it('with the same served versions and scope', () => {
    const crds = [...readCrds(istio), ...readdirSync(rollouts).flatMap((f) => readCrds(path.join(rollouts, f)))];
    assert.ok(crds.length >= 20, `read ${crds.length} CRDs`);
    const problems: string[] = [];
    for (const crd of crds) {
      const known = KNOWN_KINDS.find((k) => k.group === crd.group && k.kind === crd.kind);
      if (!known) problems.push(`${crd.group}/${crd.kind} is not in src/core/k8s/kinds.ts`);
      else {
        if ([...known.versions].sort().join() !== crd.served.join()) problems.push(`${crd.group}/${crd.kind}: versions ${known.versions} vs served ${crd.served}`);
        if (known.namespaced !== crd.namespaced) problems.push(`${crd.group}/${crd.kind}: scope differs`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
