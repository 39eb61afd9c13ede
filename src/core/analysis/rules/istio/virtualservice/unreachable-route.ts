import { isRecord } from '../../../../k8s/object';
import { VIRTUAL_SERVICE } from '../../../../istio/mesh';
import { firstKeyPath, matchKey, ROUTE_PROTOCOLS, rulesOf, specOf } from '../../../../istio/routes';
import { locatePath } from '../../../../yaml/locate';
import type { LineIndex } from '../../../../yaml/positions';
import type { K8sObject } from '../../../../k8s/object';
import { FixSpec, ObjectRule } from '../../../types';

const example = (order: 'bad' | 'good') => {
  const catchAll = '    - route:\n        - destination:\n            host: reviews\n            subset: v1\n';
  const canary = '    - match:\n        - headers:\n            end-user: {exact: jason}\n      route:\n        - destination:\n            host: reviews\n            subset: v2\n';
  return `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n${order === 'bad' ? catchAll + canary : canary + catchAll}`;
};

export const unreachableRoute: ObjectRule = {
  meta: {
    id: 'unreachable-route',
    code: 'ML1009',
    severity: 'warning',
    scope: 'object',
    kinds: [VIRTUAL_SERVICE],
    title: 'Route rule that can never match',
    description:
      'Rules of a VirtualService are tried in order and the first that matches wins. A rule after a rule without `match` (a catch-all) never sees a request, and neither does a rule whose every match repeats a match of an earlier rule. Applies to `http`, `tcp` and `tls` rules.',
    remediation: 'Put the catch-all rule last (the quick fix moves it), or remove or change the repeated matches.',
    messages: {
      afterCatchAll: '{protocol} rule {rule} is never used: rule {catchAll} before it has no match and takes every request.',
      allUsed: '{protocol} rule {rule} is never used: all its matches are used by earlier rules.',
    },
    upstream: ['IST0130 (VirtualServiceUnreachableRule; istioctl schema.ValidationAnalyzer.VirtualService)'],
    fixable: true,
    examples: { invalid: example('bad'), valid: example('good') },
  },
  check({ object, lines, report }) {
    for (const protocol of ROUTE_PROTOCOLS) {
      const rules = rulesOf(object, protocol);
      const name = (i: number) => {
        const n = rules.find((r) => r.index === i)?.rule.name;
        return typeof n === 'string' && n && protocol === 'http' ? `"${n}"` : `#${i}`;
      };
      const seen = new Set<string>();
      const catchAlls = rules.filter((r) => !Array.isArray(r.rule.match) || r.rule.match.length === 0).map((r) => r.index);
      for (const { rule, index } of rules) {
        const matches = Array.isArray(rule.match) ? rule.match : [];
        const path = firstKeyPath(rule, ['spec', protocol, index], ['name', 'match', 'route']);
        const data = { protocol, rule: name(index), catchAll: catchAlls.length ? name(catchAlls[0]) : '' };
        if (catchAlls.length && catchAlls[0] < index) {
          const fixes = catchAlls.length === 1 ? moveLastFix(object, lines, protocol, catchAlls[0], name(catchAlls[0])) : [];
          report({ messageId: 'afterCatchAll', data, path, target: 'key', fixes });
          continue;
        }
        if (!matches.length) continue;
        let repeated = 0;
        for (const m of matches) {
          const key = matchKey(m, protocol === 'http');
          if (seen.has(key)) repeated++;
          else seen.add(key);
        }
        if (repeated === matches.length) report({ messageId: 'allUsed', data, path, target: 'key' });
      }
    }
  },
};

/** Moves a block-sequence rule to the end of its list, lines and comments inside it included. */
function moveLastFix(object: K8sObject, lines: LineIndex, protocol: string, index: number, label: string): FixSpec[] {
  const list = specOf(object)[protocol];
  if (!Array.isArray(list) || index >= list.length - 1 || !isRecord(list[index])) return [];
  const doc = object.doc.node;
  const item = locatePath(doc, ['spec', protocol, index], 'value');
  const last = locatePath(doc, ['spec', protocol, list.length - 1], 'value');
  if (!item.exact || !last.exact) return [];
  const startLine = lines.positionAt(item.start).line;
  const lineStart = lines.offsetAt({ line: startLine, character: 0 });
  // Only a `- key: ...` item that owns its lines can be moved as text.
  if (!/^\s*-\s+$/.test(lines.slice(lineStart, item.start)) || lines.slice(item.start, item.start + 1) === '{') return [];
  const endLine = lines.positionAt(Math.max(item.start, item.end - 1)).line;
  const nextLine = lines.positionAt(locatePath(doc, ['spec', protocol, index + 1], 'value').start).line;
  const blockEnd = lines.offsetAt({ line: Math.min(nextLine, endLine + 1), character: 0 });
  const block = lines.slice(lineStart, blockEnd).replace(/\r?\n$/, '');
  const insertAt = lines.lineEnd(lines.positionAt(Math.max(last.start, last.end - 1)).line);
  return [
    {
      title: `Move the catch-all ${protocol} rule ${label} last`,
      preferred: false,
      edits: [
        { start: lineStart, end: blockEnd, newText: '' },
        { start: insertAt, end: insertAt, newText: `\n${block}` },
      ],
    },
  ];
}
