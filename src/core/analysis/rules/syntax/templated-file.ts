import { FileRule } from '../../types';

export const templatedFile: FileRule = {
  meta: {
    id: 'templated-file',
    code: 'ML0004',
    severity: 'info',
    scope: 'file',
    kinds: [],
    title: 'Template file skipped',
    description:
      'The file contains Helm, Go-template or Jinja syntax, so it is not a manifest until it is rendered. MeshLens does not guess what it renders to and skips it. Argo Rollouts placeholders such as {{args.service-name}} are ordinary strings and do not count.',
    remediation: 'Render the chart (helm template ./chart > rendered.yaml) and lint the output: meshlens lint rendered.yaml.',
    messages: {
      template: 'Template syntax found: this file is not checked until it is rendered (e.g. helm template).',
    },
    upstream: [],
    fixable: false,
    examples: {
      invalid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-reviews\n',
      valid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n',
    },
  },
  check(ctx) {
    const offset = ctx.file?.templateOffset;
    if (offset === undefined || !ctx.file?.isManifest) return;
    const close = ctx.file.text.indexOf('}}', offset);
    const lineEnd = ctx.file.lines.lineEnd(ctx.file.lines.positionAt(offset).line);
    const end = close >= 0 && close < lineEnd ? close + 2 : lineEnd;
    ctx.report({ messageId: 'template', start: offset, end });
  },
};
