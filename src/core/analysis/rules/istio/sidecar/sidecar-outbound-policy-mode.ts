import { isRecord, K8sObject } from '../../../../k8s/object';
import { locatePath } from '../../../../yaml/locate';
import type { LineIndex } from '../../../../yaml/positions';
import { SIDECAR } from '../../../../istio/policy';
import { FixSpec, groupKindOf, ObjectRule } from '../../../types';

export const sidecarOutboundPolicyMode: ObjectRule = {
  meta: {
    id: 'sidecar-outbound-policy-mode',
    code: 'ML1135',
    severity: 'info',
    scope: 'object',
    kinds: [SIDECAR],
    title: 'Sidecar outboundTrafficPolicy without mode',
    description:
      'An `outboundTrafficPolicy` without `mode` in a Sidecar means `REGISTRY_ONLY` (the enum\'s first value), while the mesh default is `ALLOW_ANY`: writing the section to add an `egressProxy` silently blocks every destination outside the service registry.',
    remediation: 'Write the mode you mean: `mode: ALLOW_ANY` or `mode: REGISTRY_ONLY`.',
    messages: {
      noMode: 'outboundTrafficPolicy has no mode, which means REGISTRY_ONLY here (the mesh default is ALLOW_ANY); write the mode explicitly.',
    },
    upstream: ['KIA1007'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  outboundTrafficPolicy: {}\n',
      valid: 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  outboundTrafficPolicy:\n    mode: REGISTRY_ONLY\n',
    },
  },
  check({ object, lines, report }) {
    if (groupKindOf(object) !== SIDECAR) return;
    const spec = isRecord(object.body.spec) ? object.body.spec : {};
    if (!('outboundTrafficPolicy' in spec)) return;
    const p = spec.outboundTrafficPolicy;
    if (isRecord(p) && typeof p.mode === 'string' && p.mode) return;
    report({ messageId: 'noMode', path: POLICY, target: 'key', fixes: isRecord(p) || p === null ? explicitMode(object, lines, p) : [] });
  },
};

const POLICY = ['spec', 'outboundTrafficPolicy'];
const MODE = 'mode: REGISTRY_ONLY';

/** Writes the mode the Sidecar already has (REGISTRY_ONLY), so the fix never changes behaviour. */
function explicitMode(object: K8sObject, lines: LineIndex, p: Record<string, unknown> | null): FixSpec[] {
  const title = 'Write the implied mode: REGISTRY_ONLY';
  const value = locatePath(object.doc.node, POLICY, 'value');
  const text = value.exact ? lines.slice(value.start, value.end) : '';
  if (p === null || text.trim() === '{}' || (p !== null && Object.keys(p).length === 0 && !text.trim().startsWith('{'))) {
    if (value.exact && text.trim() === '{}') return [{ title, preferred: true, edits: [{ start: value.start, end: value.end, newText: `{ ${MODE} }` }] }];
    const key = locatePath(object.doc.node, POLICY, 'key');
    const colon = lines.slice(key.end, key.end + 1) === ':' ? key.end + 1 : key.end;
    return [{ title, preferred: true, edits: [{ start: colon, end: colon, newText: ` { ${MODE} }` }] }];
  }
  if (text.startsWith('{')) return [{ title, preferred: true, edits: [{ start: value.start + 1, end: value.start + 1, newText: ` ${MODE}, ` }] }];
  const first = Object.keys(p)[0];
  const key = locatePath(object.doc.node, [...POLICY, first], 'key');
  const at = lines.positionAt(key.start);
  const lineStart = key.start - at.character;
  return [{ title, preferred: true, edits: [{ start: lineStart, end: lineStart, newText: `${' '.repeat(at.character)}${MODE}\n` }] }];
}
