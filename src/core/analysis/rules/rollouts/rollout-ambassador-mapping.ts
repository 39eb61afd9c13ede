import { at, findObject, list, missingRef, ROLLOUT } from '../../../rollouts/model';
import type { FieldPath } from '../../../yaml/path';
import { ObjectRule } from '../../types';

const MAPPING = 'getambassador.io/Mapping';
const MAPPINGS: FieldPath = ['spec', 'strategy', 'canary', 'trafficRouting', 'ambassador', 'mappings'];

export const rolloutAmbassadorMapping: ObjectRule = {
  meta: {
    id: 'rollout-ambassador-mapping',
    code: 'ML3012',
    severity: 'error',
    scope: 'object',
    kinds: [ROLLOUT, MAPPING],
    title: 'Ambassador Mapping the Rollout cannot use',
    description:
      'With Ambassador traffic routing the controller creates a canary Mapping next to each Mapping in `trafficRouting.ambassador.mappings` and gives it the canary weight. The base Mapping must exist and must not set `weight` itself: the controller refuses it (`Ambassador mapping "x" can not define weight`). A Mapping in a namespace where the workspace has none is probably defined elsewhere: the `meshlens.references.unresolved` setting decides how that is reported.',
    remediation: 'Remove `weight` from the base Mapping (the controller sets the canary weight), or correct the Mapping name.',
    messages: {
      missing: 'Mapping "{name}" not found in namespace {namespace}{hint}.',
      weight: 'Ambassador mapping "{name}" can not define weight: the controller weighs the canary Mapping it creates; remove weight {weight} from the base Mapping.',
    },
    upstream: ['Argo Rollouts: Ambassador mapping "x" can not define weight'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      canaryService: shop-canary\n      stableService: shop-stable\n      trafficRouting:\n        ambassador:\n          mappings: [shop]\n---\napiVersion: getambassador.io/v2\nkind: Mapping\nmetadata:\n  name: shop\nspec:\n  prefix: /\n  service: shop-stable:80\n  weight: 20\n',
      valid:
        'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  strategy:\n    canary:\n      canaryService: shop-canary\n      stableService: shop-stable\n      trafficRouting:\n        ambassador:\n          mappings: [shop]\n---\napiVersion: getambassador.io/v2\nkind: Mapping\nmetadata:\n  name: shop\nspec:\n  prefix: /\n  service: shop-stable:80\n',
    },
  },
  check({ object, workspace, report }) {
    const names = list(at(object.body, MAPPINGS));
    if (names.length === 0) return;
    names.forEach((n, i) => {
      if (typeof n !== 'string' || !n) return;
      const path: FieldPath = [...MAPPINGS, i];
      const mapping = findObject(workspace, MAPPING, object.namespace, n);
      if (!mapping) {
        const miss = missingRef(workspace, MAPPING, object.namespace, n);
        report({
          messageId: 'missing',
          data: { name: n, namespace: object.namespace, hint: miss.hint },
          path,
          unresolved: miss.unresolved,
        });
        return;
      }
      // Upstream GetMappingWeight reads an integer; 0 is no weight.
      const weight = at(mapping.body, ['spec', 'weight']);
      if (typeof weight === 'number' && weight !== 0) {
        report({ messageId: 'weight', data: { name: n, weight }, path, related: [{ object: mapping, path: ['spec', 'weight'], message: 'the weight', target: 'key' }] });
      }
    });
  },
};
