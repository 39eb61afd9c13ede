import { K8sObject } from '../../../k8s/object';
import { ObjectRule } from '../../types';

const NAME = ['metadata', 'name'];

export const duplicateObject: ObjectRule = {
  meta: {
    id: 'duplicate-object',
    code: 'ML0002',
    severity: 'warning',
    scope: 'object',
    kinds: ['*'],
    title: 'Object defined more than once',
    description:
      'Two documents in the workspace define the same kind, namespace and name, so whichever is applied last silently replaces the other. Objects under different kustomization roots (a base and its overlay patches) are rendered apart and are not compared.',
    remediation: 'Delete the stale copy, or give one of the objects another name or namespace.',
    messages: {
      duplicate: '{ref} is also defined in {others}; whichever is applied last replaces the other.',
    },
    upstream: ['kubectl apply: the later document overwrites the earlier one'],
    fixable: false,
    examples: {
      invalid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n',
      valid:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ratings\n',
    },
  },
  check({ object, workspace, report }) {
    if (!object.key) return;
    const unit = workspace.renderUnitOf(object.uri);
    const others = workspace
      .objectsWithKey(object.key)
      .filter((o) => o.id !== object.id && workspace.renderUnitOf(o.uri) === unit);
    if (others.length === 0) return;
    report({
      messageId: 'duplicate',
      data: { ref: object.ref, count: others.length + 1, others: listOthers(others) },
      path: NAME,
      related: others.map((o) => ({ object: o, path: NAME, message: `${o.ref} is also defined here` })),
    });
  },
};

/** The related locations carry every copy; the message names a few so that it stays readable. */
function listOthers(others: readonly K8sObject[]): string {
  const shown = others.slice(0, 3).map(describe).join(', ');
  return others.length > 3 ? `${shown} and ${others.length - 3} more` : shown;
}

function describe(o: K8sObject): string {
  const file = decodeURIComponent(o.uri.slice(o.uri.lastIndexOf('/') + 1));
  return `${file} (document ${o.doc.index + 1})`;
}
