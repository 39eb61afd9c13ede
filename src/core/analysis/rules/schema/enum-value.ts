import { locatePath } from '../../../yaml/locate';
import { crdModel, mayBeNewerValue } from '../../../schema/models';
import { schemaIssues } from '../../../schema/validate';
import { ObjectRule } from '../../types';

export const enumValue: ObjectRule = {
  meta: {
    id: 'enum-value',
    code: 'ML0012',
    severity: 'error',
    scope: 'object',
    kinds: ['*'],
    title: 'Value not allowed',
    description:
      'The field accepts only a fixed set of values (an enum in the schema), and this is not one of them. Values are case-sensitive: `strict` is not `STRICT`. In custom resources (Istio, Argo Rollouts, Gateway API) the schema comes from model packages that follow the CRDs by some releases, and new releases add enum values (a ServiceEntry\'s `resolution` gained `DYNAMIC_DNS` between Istio 1.18 and 1.29, an EnvoyFilter patch\'s `operation` gained `MERGE_AND_REPLACE_LIST` after 1.29). A value written like the allowed ones and built from their words, with none of them close to it, is therefore a warning that names the model version; anything else stays an error.',
    remediation: 'Use one of the allowed values listed in the message. For a value your newer release documents, ignore the warning or turn it off for that object.',
    messages: {
      notAllowed: '"{value}" is not allowed here; use one of: {allowed}.',
      didYouMean: '"{value}" is not allowed here: did you mean "{suggestion}"? (allowed: {allowed})',
      maybeNewer:
        '"{value}" is not one of the values the {project} schema MeshLens knows ({source}): {allowed}. If your {project} is newer it may be a new value; otherwise the API server rejects it.',
    },
    upstream: ['kubectl: Unsupported value', 'istioctl validate: unknown value for enum'],
    fixable: true,
    examples: {
      invalid: 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: strict\n',
      valid: 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: STRICT\n',
    },
  },
  check({ object, lines, report }) {
    const model = crdModel(object.group, object.kind);
    for (const issue of schemaIssues(object, lines)) {
      if (issue.kind !== 'enum') continue;
      const allowed = issue.allowed.join(', ');
      if (model && !issue.suggestion && mayBeNewerValue(issue.value, issue.allowed)) {
        // Only a warning: failing a CI run for a value the cluster accepts would be wrong, and
        // the message still says it is rejected if the release is not newer.
        report({ messageId: 'maybeNewer', severity: 'warning', data: { value: issue.value, allowed, project: model.project, source: model.source }, path: issue.path });
        continue;
      }
      const at = locatePath(object.doc.node, issue.path);
      report({
        messageId: issue.suggestion ? 'didYouMean' : 'notAllowed',
        data: { value: issue.value, allowed, suggestion: issue.suggestion ?? '' },
        path: issue.path,
        fixes: issue.suggestion
          ? [{ title: `Change to "${issue.suggestion}"`, preferred: false, edits: [{ start: at.start, end: at.end, newText: issue.suggestion }] }]
          : [],
      });
    }
  },
};
