import { FileRule } from '../../types';

export const fileTooLarge: FileRule = {
  meta: {
    id: 'file-too-large',
    code: 'ML0005',
    severity: 'info',
    scope: 'file',
    kinds: [],
    title: 'File too large to check',
    description:
      'Files above the size limit are not parsed, so that one generated bundle cannot stall the editor. The limit is the setting meshlens.limits.maxFileSizeMB (CLI: --max-file-size-mb).',
    remediation: 'Split the file, exclude it (files.exclude), or raise meshlens.limits.maxFileSizeMB.',
    messages: {
      tooLarge: 'File is {sizeMB} MB, above the {limitMB} MB limit (meshlens.limits.maxFileSizeMB): not checked.',
    },
    upstream: [],
    fixable: false,
    examples: { invalid: '# a manifest bundle larger than the limit', valid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n' },
  },
  check(ctx) {
    const p = ctx.input;
    if (p?.kind !== 'tooLarge' || !ctx.looksLikeManifest) return;
    const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
    ctx.report({ messageId: 'tooLarge', data: { sizeMB: mb(p.bytes), limitMB: mb(p.limit) }, start: 0, end: 0 });
  },
};
