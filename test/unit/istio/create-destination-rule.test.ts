import * as assert from 'node:assert/strict';
import { destinationruleHostNotFound } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-host-not-found';
import { destinationruleSubsetNoWorkload } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-subset-no-workload';
import type { ObjectRule } from '../../../src/core/analysis/types';
import { groupKindOf } from '../../../src/core/analysis/types';
import { REGISTRY_KINDS, toFqdn, VIRTUAL_SERVICE, WORKLOAD_GROUP_KINDS } from '../../../src/core/istio/mesh';
import { createDestinationRuleFix } from '../../../src/core/istio/policy';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { deployment, pod, service } from '../helpers/istio-objects';

/** Stands for a VirtualService rule that finds subsets routed to while no DestinationRule exists. */
const probe: ObjectRule = {
  meta: {
    id: 'probe',
    code: 'ML9999',
    severity: 'info',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE, ...REGISTRY_KINDS, ...WORKLOAD_GROUP_KINDS],
    title: 'probe',
    description: 'test only',
    remediation: 'test only',
    messages: { m: 'offers the new DestinationRule' },
    upstream: [],
    fixable: true,
    examples: { invalid: '', valid: '' },
  },
  check({ object, workspace, lines, report }) {
    if (groupKindOf(object) !== VIRTUAL_SERVICE) return;
    report({ messageId: 'm', fixes: createDestinationRuleFix(workspace, toFqdn('reviews', object.namespace), object.namespace, lines) });
  },
};

const VS = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination: {host: reviews, subset: v2}\n';
const WORKLOADS = {
  's.yaml': service('reviews', { selector: { app: 'reviews' } }),
  'v1.yaml': deployment('reviews-v1', { app: 'reviews', version: 'v1' }),
  'v10.yaml': deployment('reviews-v10', { app: 'reviews', version: 'v10' }),
  'v2.yaml': pod('reviews-v2', { app: 'reviews', version: 'v2' }),
  'other.yaml': deployment('ratings-v3', { app: 'ratings', version: 'v3' }),
};

describe('createDestinationRuleFix', () => {
  it('appends a DestinationRule with a subset per version behind the host, which then resolves and selects', () => {
    const files = { ...WORKLOADS, 'vs.yaml': VS };
    const [fix] = allFindings(engineWith(files, [probe])).flatMap((f) => f.fixes);
    assert.equal(fix.title, 'Create DestinationRule default/reviews with subsets v1, v2, v10');
    const text = applyFix(VS, fix);
    assert.equal(
      text,
      `${VS}---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: default\nspec:\n  host: reviews\n  subsets:\n` +
        '    - name: v1\n      labels:\n        version: v1\n    - name: v2\n      labels:\n        version: v2\n    - name: v10\n      labels:\n        version: v10\n',
    );
    assert.deepEqual(allFindings(engineWith({ ...files, 'vs.yaml': text }, [destinationruleHostNotFound, destinationruleSubsetNoWorkload])), []);
  });

  it('names the host in full from another namespace, and separates the document from text without a final newline', () => {
    const files = { ...WORKLOADS, 'vs.yaml': VS.replace('  name: reviews\n', '  name: reviews\n  namespace: web\n').replace(/\n$/, '') };
    const probeOther: ObjectRule = { ...probe, check: (ctx) => ctx.object.kind === 'VirtualService' && ctx.report({ messageId: 'm', fixes: createDestinationRuleFix(ctx.workspace, toFqdn('reviews', 'default'), 'web', ctx.lines) }) };
    const [fix] = allFindings(engineWith(files, [probeOther])).flatMap((f) => f.fixes);
    assert.ok(fix.edits[0].newText.startsWith('\n---\n') && fix.edits[0].newText.includes('  namespace: web\nspec:\n  host: reviews.default.svc.cluster.local\n'));
  });

  it('offers nothing when no workload behind the host has a version', () => {
    const files = { 's.yaml': service('reviews', { selector: { app: 'reviews' } }), 'd.yaml': deployment('reviews', { app: 'reviews' }), 'vs.yaml': VS };
    assert.deepEqual(allFindings(engineWith(files, [probe])).flatMap((f) => f.fixes), []);
  });
});
