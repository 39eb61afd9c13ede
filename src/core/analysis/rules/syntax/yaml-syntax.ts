import { FileRule } from '../../types';

export const yamlSyntax: FileRule = {
  meta: {
    id: 'yaml-syntax',
    code: 'ML0001',
    severity: 'error',
    scope: 'file',
    kinds: [],
    title: 'YAML syntax error',
    description:
      'The file is not valid YAML, so kubectl, Argo CD and Flux reject it as a whole. Only files that hold Kubernetes manifests (documents with apiVersion and kind) are checked; other YAML is left alone.',
    remediation: 'Fix the YAML at the marked position: indentation, a missing colon or quote, a duplicate key, a tab used for indentation.',
    messages: {
      syntax: 'YAML syntax error: {detail}',
    },
    upstream: ['IST0001 (InternalError on unparsable input)', 'kubectl: error converting YAML to JSON'],
    fixable: false,
    examples: {
      invalid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  labels: app: reviews\n',
      valid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  labels:\n    app: reviews\n',
    },
  },
  check(ctx) {
    if (!ctx.file?.isManifest) return;
    for (const p of ctx.file.syntax) {
      ctx.report({ messageId: 'syntax', data: { detail: p.message, yamlCode: p.code }, start: p.start, end: p.end });
    }
  },
};
