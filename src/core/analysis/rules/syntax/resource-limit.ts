import { FileRule } from '../../types';

export const resourceLimit: FileRule = {
  meta: {
    id: 'resource-limit',
    code: 'ML0007',
    severity: 'warning',
    scope: 'file',
    kinds: [],
    title: 'Document exceeds a safety limit',
    description:
      'A document nested deeper than the depth limit, or whose aliases expand beyond the alias limit (a "billion laughs" document), is not analysed: expanding it could exhaust memory or the stack. It is reported in any YAML file, manifest or not, since such a document is hostile wherever it is. No real manifest comes near these limits.',
    remediation: 'Flatten the structure or replace the aliases with the values they stand for.',
    messages: {
      depth: 'Nesting deeper than {limit} levels: this document is not analysed.',
      aliases: 'Aliases expand more than {limit} times (a "billion laughs" pattern): this document is not analysed.',
    },
    upstream: [],
    fixable: false,
    examples: {
      invalid:
        'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      valid: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n',
    },
  },
  check(ctx) {
    for (const doc of ctx.file?.documents ?? []) {
      const l = doc.limit;
      if (!l) continue;
      ctx.report({ messageId: l.kind, data: { limit: l.limit }, start: l.offset, end: l.offset + 1 });
    }
  },
};
