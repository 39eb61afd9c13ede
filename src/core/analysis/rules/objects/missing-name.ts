import { LineIndex } from '../../../yaml/positions';
import { DocTree } from '../../../yaml/tree';
import { FixSpec, ObjectRule } from '../../types';
import { isRecord } from '../../../k8s/object';

export const missingName: ObjectRule = {
  meta: {
    id: 'missing-name',
    code: 'ML0003',
    severity: 'error',
    scope: 'object',
    kinds: ['*'],
    title: 'metadata.name is missing',
    description:
      'Every object needs metadata.name (or metadata.generateName for objects that are created, not applied); the API server rejects it otherwise, and no other object can refer to it.',
    remediation: 'Add metadata.name with a DNS-1123 name such as "reviews".',
    messages: {
      missing: '{kind} has no metadata.name; the API server rejects it ("name or generateName is required").',
    },
    upstream: ['kubectl: resource name may not be empty', 'API server: name or generateName is required'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  namespace: default\nspec:\n  host: ratings\n',
      valid: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ratings\n  namespace: default\nspec:\n  host: ratings\n',
    },
  },
  check({ object, lines, report }) {
    if (object.name) return;
    const metadata = object.body.metadata;
    if (isRecord(metadata) && typeof metadata.generateName === 'string' && metadata.generateName) return;
    report({
      messageId: 'missing',
      data: { kind: object.kind },
      path: ['metadata', 'name'],
      target: 'key',
      fixes: insertNameFix(object.doc.node, lines, object.kind.toLowerCase()),
    });
  },
};

/** A suggestion, not a safe fix: the name we propose is a placeholder the user must confirm. */
function insertNameFix(doc: DocTree, lines: LineIndex, placeholder: string): FixSpec[] {
  const root = doc.root;
  if (root?.kind !== 'map') return [];
  const i = root.keys.indexOf('metadata');
  const value = i >= 0 ? root.nodes?.[2 * i + 1] : undefined;
  if (value?.kind !== 'map' || value.flow || value.keys.length === 0) return [];
  // The first field of `metadata` must be a scalar key with a range.
  if (value.keys[0] === undefined || value.pos[0] < 0) return [];
  // Insert before it, at its indentation, so the block stays valid.
  const at = doc.base + value.pos[0];
  const indent = ' '.repeat(lines.positionAt(at).character);
  return [
    {
      title: `Add metadata.name: ${placeholder}`,
      preferred: false,
      edits: [{ start: at, end: at, newText: `name: ${placeholder}\n${indent}` }],
    },
  ];
}
