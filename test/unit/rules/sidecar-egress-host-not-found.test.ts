import * as assert from 'node:assert/strict';
import { sidecarEgressHostNotFound as rule } from '../../../src/core/analysis/rules/istio/sidecar/sidecar-egress-host-not-found';
import { fixesClear, lint, service } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** Host j of the egress listener is on line 10 + j, column 11. */
const sc = (...hosts: string[]) => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: bookinfo\nspec:\n  egress:\n    - hosts:\n${hosts.map((h) => `        - "${h}"\n`).join('')}`.replace('    - hosts:\n', '    - port: {number: 9080, name: http, protocol: HTTP}\n      hosts:\n');
const SVC = { 's.yaml': service('reviews', { namespace: 'bookinfo' }) };
const SE =
  'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: kiali\n  namespace: default\nspec:\n  hosts: [kiali.io]\n  ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n';

testRule(rule, {
  valid: [
    {
      name: 'a Service of the named namespace, `.`, `*`, a ServiceEntry, wildcards',
      files: { ...SVC, 'se.yaml': SE, 'sc.yaml': sc('bookinfo/reviews.bookinfo.svc.cluster.local', './reviews.bookinfo.svc.cluster.local', '*/kiali.io', 'default/kiali.io', 'bookinfo/*.bookinfo.svc.cluster.local', 'istio-system/*') },
    },
  ],
  invalid: [
    {
      name: 'a bogus Service, the right host in the wrong namespace, a namespace with nothing here',
      files: { ...SVC, 'se.yaml': SE, 'sc.yaml': sc('bookinfo/bogus.bookinfo.svc.cluster.local', 'default/reviews.bookinfo.svc.cluster.local', 'bogus-ns/reviews.bookinfo.svc.cluster.local') },
      expected: [
        ['ML1136', 'Sidecar bookinfo/default', 'spec.egress[0].hosts[0]'],
        ['ML1136', 'Sidecar bookinfo/default', 'spec.egress[0].hosts[1]'],
        ['ML1136', 'Sidecar bookinfo/default', 'spec.egress[0].hosts[2]'],
      ],
      at: ['sc.yaml:10:11', 'sc.yaml:11:11', 'sc.yaml:12:11'],
    },
  ],
});

describe('ML1136 messages and fix', () => {
  it('says where it looked', () => {
    const found = lint(rule, { ...SVC, 'se.yaml': SE, 'sc.yaml': sc('bookinfo/bogus.bookinfo.svc.cluster.local', 'default/reviews.bookinfo.svc.cluster.local', 'bogus-ns/reviews.bookinfo.svc.cluster.local', 'bookinfo/reveiws.bookinfo.svc.cluster.local') });
    assert.deepEqual(found.map((f) => `${f.severity}${f.unresolved ? ' (unresolved)' : ''}: ${f.message}`), [
      'warning: Egress host "bogus.bookinfo.svc.cluster.local" matches no Service or ServiceEntry in namespace bookinfo.',
      'warning: Egress host "reviews.bookinfo.svc.cluster.local" matches no Service or ServiceEntry in namespace default.',
      'warning (unresolved): Egress host "reviews.bookinfo.svc.cluster.local" matches nothing in the workspace (namespace bogus-ns has no Service or ServiceEntry here; it may be defined elsewhere).',
      'warning: Egress host "reveiws.bookinfo.svc.cluster.local" matches no Service or ServiceEntry in namespace bookinfo; did you mean "reviews.bookinfo.svc.cluster.local"?',
    ]);
  });

  it('changes the host, keeping the namespace', () => {
    assert.deepEqual(fixesClear(rule, { ...SVC, 'sc.yaml': sc('bookinfo/reveiws.bookinfo.svc.cluster.local') }, 'sc.yaml'), [sc('bookinfo/reviews.bookinfo.svc.cluster.local')]);
  });
});
