import type { K8sObject } from '../../../../k8s/object';
import { DESTINATION_RULE, REGISTRY_KINDS, selects, toFqdn, VIRTUAL_SERVICE, WORKLOAD_GROUP_KINDS, workloadsIn } from '../../../../istio/mesh';
import { closestName, clusterLocalNamespace, destinationRulesFor, destinationsOf, DrSubsets, hasDestinationRulesIn, lookupDestination } from '../../../../istio/routes';
import { isRecord } from '../../../../k8s/object';
import { locatePath } from '../../../../yaml/locate';
import type { LineIndex } from '../../../../yaml/positions';
import { FixSpec, ObjectRule, WorkspaceView, groupKindOf } from '../../../types';

const example = (subset: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination:
            host: reviews
            subset: ${subset}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
    - name: v1
      labels:
        version: v1
`;

export const destinationSubsetNotFound: ObjectRule = {
  meta: {
    id: 'destination-subset-not-found',
    code: 'ML1003',
    severity: 'error',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE, DESTINATION_RULE, ...REGISTRY_KINDS, ...WORKLOAD_GROUP_KINDS],
    title: 'Route destination subset not defined',
    description:
      'A route destination or mirror names a subset that no DestinationRule for its host defines. Envoy has no cluster for the subset and the route answers 503 (NR / no healthy upstream) until the subset exists. Hosts are compared as FQDNs, so `reviews` in namespace `default` and `reviews.default.svc.cluster.local` are the same host; a DestinationRule with a wildcard host covers the hosts under it.',
    remediation:
      'Fix the subset name (the message names the subsets that exist), or add the subset to the host\'s DestinationRule with the labels of the pods it stands for (the quick fix takes them from the workloads\' `version` label).',
    messages: {
      notFound: '{where} subset "{subset}" of host "{host}" is not defined by {rule} (subsets: {subsets}).',
      didYouMean: '{where} subset "{subset}" of host "{host}" is not defined by {rule}: did you mean "{suggestion}"?',
      noRule: '{where} subset "{subset}": no DestinationRule defines subsets for host "{host}".',
      unresolved: '{where} subset "{subset}" of host "{host}": the workspace has no DestinationRule for it ({scope}); it may be defined elsewhere.',
    },
    upstream: ['IST0101 (ReferencedResourceNotFound host+subset; istioctl virtualservice.DestinationRuleAnalyzer)', 'KIA1107 (Subset not found)'],
    fixable: true,
    examples: { invalid: example('v2'), valid: example('v1') },
  },
  check({ object, workspace, lines, linesOf, report }) {
    if (groupKindOf(object) !== VIRTUAL_SERVICE) return;
    for (const d of destinationsOf(object)) {
      if (!d.host || !d.subset) continue;
      const fqdn = toFqdn(d.host, object.namespace);
      const rules = destinationRulesFor(workspace, fqdn);
      if (rules.some((r) => r.subsets.some((s) => s.name === d.subset))) continue;
      const where = d.via === 'route' ? 'Route destination' : 'Mirror';
      const path = [...d.path, 'subset'];
      const base = { where, subset: d.subset, host: d.host };
      if (!rules.length) {
        const hostNs = clusterLocalNamespace(fqdn);
        if (!hasDestinationRulesIn(workspace, object.namespace) && (hostNs === undefined || !hasDestinationRulesIn(workspace, hostNs))) {
          const scope = `no DestinationRule in namespace ${[...new Set([object.namespace, hostNs ?? object.namespace])].join(' or ')}`;
          report({ messageId: 'unresolved', unresolved: true, data: { ...base, scope }, path });
        } else report({ messageId: 'noRule', data: base, path });
        continue;
      }
      // The rule people edit is the one next to the VirtualService, when there is one.
      const rule = rules.find((r) => r.dr.namespace === object.namespace) ?? rules[0];
      const names = rules.flatMap((r) => r.subsets.map((s) => s.name));
      const suggestion = closestName(d.subset, names);
      const related = [{ object: rule.dr, path: rule.subsets.length ? ['spec', 'subsets'] : ['spec', 'host'], message: `the subsets of ${rule.dr.ref}` }];
      const fixes: FixSpec[] = [];
      if (suggestion) {
        const loc = locatePath(object.doc.node, path, 'value');
        fixes.push({ title: `Change the subset to "${suggestion}"`, preferred: false, edits: [{ start: loc.start, end: loc.end, newText: suggestion }] });
      }
      const drLines = rule.dr.uri === object.uri ? lines : linesOf(rule.dr.uri);
      if (drLines) fixes.push(...addSubsetFix(rule, d.subset, versionLabel(workspace, object, d.host, d.subset), drLines));
      const data = { ...base, rule: rule.dr.ref, subsets: names.join(', ') || 'none', suggestion: suggestion ?? '' };
      report({ messageId: suggestion ? 'didYouMean' : 'notFound', data, path, related, fixes });
    }
  },
};

/**
 * The `version` label value the new subset should select: the subset's own name when a workload
 * behind the host's Service carries it (the common `version: v2` convention), else the name anyway.
 */
function versionLabel(ws: WorkspaceView, vs: K8sObject, host: string, subset: string): { value: string; seen: boolean } {
  const services = lookupDestination(ws, host, vs).filter((e) => e.object.kind === 'Service');
  for (const s of services) {
    const spec = isRecord(s.object.body.spec) ? s.object.body.spec : {};
    if (!isRecord(spec.selector)) continue;
    const selector = Object.fromEntries(Object.entries(spec.selector).map(([k, v]) => [k, String(v)]));
    if (workloadsIn(ws, s.namespace).some((w) => w.labels.version === subset && selects(selector, w.labels))) return { value: subset, seen: true };
  }
  return { value: subset, seen: false };
}

/** Appends `- name: X / labels: {version: X}` to the DestinationRule's block `subsets` list (or starts one). */
function addSubsetFix(rule: DrSubsets, subset: string, version: { value: string; seen: boolean }, lines: LineIndex): FixSpec[] {
  const doc = rule.dr.doc.node;
  const item = (indent: string) => `\n${indent}- name: ${subset}\n${indent}  labels:\n${indent}    version: ${version.value}`;
  const title = `Add subset "${subset}" (version: ${version.value}) to ${rule.dr.ref}${version.seen ? '' : ' (no workload in the workspace has this version yet)'}`;
  const subsets = locatePath(doc, ['spec', 'subsets'], 'value');
  let insertAt: number;
  let text: string;
  if (subsets.exact && rule.subsets.length) {
    if (lines.slice(subsets.start, subsets.start + 1) !== '-') return [];
    const last = locatePath(doc, ['spec', 'subsets', rule.subsets[rule.subsets.length - 1].index], 'value');
    insertAt = lines.lineEnd(lines.positionAt(Math.max(last.start, last.end - 1)).line);
    text = item(' '.repeat(lines.positionAt(subsets.start).character));
  } else if (!subsets.exact) {
    const host = locatePath(doc, ['spec', 'host'], 'key');
    const spec = locatePath(doc, ['spec'], 'value');
    const col = lines.positionAt(host.start).character;
    if (!host.exact || lines.slice(spec.start, spec.start + 1) === '{' || lines.slice(host.start - col, host.start).trim() !== '') return [];
    insertAt = lines.lineEnd(lines.positionAt(Math.max(spec.start, spec.end - 1)).line);
    const indent = ' '.repeat(col);
    text = `\n${indent}subsets:${item(`${indent}  `)}`;
  } else return [];
  return [{ title, preferred: false, edits: [{ uri: rule.dr.uri, start: insertAt, end: insertAt, newText: text }] }];
}
