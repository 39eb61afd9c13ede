import type { K8sObject } from '../../../k8s/object';
import { crdModel } from '../../../schema/models';
import { schemaIssues } from '../../../schema/validate';
import type { SchemaIssue } from '../../../schema/validate';
import { locatePath } from '../../../yaml/locate';
import { formatPath } from '../../../yaml/path';
import type { LineIndex } from '../../../yaml/positions';
import { FixSpec, ObjectRule } from '../../types';

export const unknownField: ObjectRule = {
  meta: {
    id: 'unknown-field',
    code: 'ML0010',
    severity: 'error',
    scope: 'object',
    kinds: ['*'],
    title: 'Field not in the schema',
    description:
      'The field is not part of this kind\'s schema at this place. Kubernetes prunes unknown fields of custom resources without a word (or rejects the object under strict field validation), so a misspelt `weigth: 20` or a `subset` at the wrong depth silently does nothing. The schema comes from the models of the Istio, Argo Rollouts and Kubernetes APIs.',
    remediation: 'Fix the spelling (the message suggests the closest field) or move the field to where it belongs.',
    messages: {
      unknown: 'Unknown field "{field}" in {where}; Kubernetes drops it.',
      didYouMean: 'Unknown field "{field}" in {where}: did you mean "{suggestion}"?',
      belongsUnder: 'Unknown field "{field}" in {where}: "{field}" belongs under "{under}".',
      maybeNewer:
        'Unknown field "{field}" in {where}: not in the {project} schema MeshLens knows ({source}). If your {project} is newer it may be a new field; otherwise Kubernetes drops it.',
    },
    upstream: ['kubectl --validate=strict: unknown field', 'istioctl validate: unknown field'],
    fixable: true,
    examples: {
      invalid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination:\n            host: reviews\n          weigth: 100\n',
      valid:
        'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination:\n            host: reviews\n          weight: 100\n',
    },
  },
  check({ object, lines, report }) {
    const model = crdModel(object.group, object.kind);
    for (const issue of schemaIssues(object, lines)) {
      if (issue.kind !== 'unknownField') continue;
      const where = issue.parentPath.length ? `"${formatPath(issue.parentPath)}"` : `a ${object.kind}`;
      const data = { field: issue.field, where, suggestion: issue.suggestion ?? '', under: issue.belongsUnder ?? '' };
      const key = locatePath(object.doc.node, issue.path, 'key');
      if (issue.suggestion) {
        const fix = { title: `Rename "${issue.field}" to "${issue.suggestion}"`, preferred: false, edits: [{ start: key.start, end: key.end, newText: issue.suggestion }] };
        report({ messageId: 'didYouMean', data, path: issue.path, target: 'key', fixes: [fix] });
      } else if (issue.belongsUnder) {
        report({ messageId: 'belongsUnder', data, path: issue.path, target: 'key', fixes: moveFix(object, lines, issue) });
      } else if (model) {
        // Nothing close to it exists: either a field newer than the model package (they lag the
        // CRDs by releases) or a real mistake. A warning says both without failing a CI run on the first.
        report({ messageId: 'maybeNewer', severity: 'warning', data: { ...data, project: model.project, source: model.source }, path: issue.path, target: 'key' });
      } else {
        report({ messageId: 'unknown', data, path: issue.path, target: 'key' });
      }
    }
  },
};

/**
 * Moves a field written one level too high (`subset` next to `destination`) into the mapping it
 * belongs to. Only for block style where the field fills whole lines and the target is a block
 * mapping on lines of its own: anything else is left to the user rather than guessed.
 */
function moveFix(object: K8sObject, lines: LineIndex, issue: Extract<SchemaIssue, { kind: 'unknownField' }>): FixSpec[] {
  const doc = object.doc.node;
  const key = locatePath(doc, issue.path, 'key');
  const value = locatePath(doc, issue.path, 'value');
  const target = locatePath(doc, [...issue.parentPath, issue.belongsUnder!], 'value');
  if (!key.exact || !target.exact || target.end <= target.start) return [];
  const keyAt = lines.positionAt(key.start);
  const targetAt = lines.positionAt(target.start);
  const lineStartOf = (offset: number) => offset - lines.positionAt(offset).character;
  const blankBefore = (offset: number) => lines.slice(lineStartOf(offset), offset).trim() === '';
  if (!blankBefore(key.start) || !blankBefore(target.start) || /^[{[-]/.test(lines.slice(target.start, target.start + 1))) return [];
  const shift = targetAt.character - keyAt.character;
  if (shift <= 0) return [];
  const pairEnd = value.exact ? Math.max(key.end, value.end) : key.end;
  const lastLine = lines.positionAt(Math.max(key.end, pairEnd - 1)).line;
  if (lines.slice(pairEnd, lines.lineEnd(lastLine)).replace(/#.*$/, '').trim() !== '') return [];
  const moved: string[] = [];
  for (let l = keyAt.line; l <= lastLine; l++) {
    const text = lines.lineText(l);
    moved.push(text.trim() === '' ? text : ' '.repeat(shift) + text);
  }
  const targetLastLine = lines.positionAt(Math.max(target.start, target.end - 1)).line;
  const insertAt = lines.lineEnd(targetLastLine);
  const deleteStart = lineStartOf(key.start);
  // Delete through the line break after the last line, so no blank line is left behind.
  const deleteEnd = lines.offsetAt({ line: lastLine + 1, character: 0 });
  if (insertAt >= deleteStart && insertAt <= deleteEnd) return [];
  return [
    {
      title: `Move "${issue.field}" under "${issue.belongsUnder}"`,
      preferred: false,
      edits: [
        { start: insertAt, end: insertAt, newText: '\n' + moved.join('\n') },
        { start: deleteStart, end: deleteEnd, newText: '' },
      ].sort((a, b) => a.start - b.start),
    },
  ];
}
