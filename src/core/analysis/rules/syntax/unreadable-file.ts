import { FileRule } from '../../types';

export const unreadableFile: FileRule = {
  meta: {
    id: 'unreadable-file',
    code: 'ML0006',
    severity: 'warning',
    scope: 'file',
    kinds: [],
    title: 'File is not UTF-8 text',
    description:
      'Kubernetes reads manifests as UTF-8. A binary file with a YAML name is skipped; a file with invalid UTF-8 bytes is checked as the editor shows it (with replacement characters), and the first bad byte is marked.',
    remediation: 'Re-save the file as UTF-8, or rename a binary file so that it no longer ends in .yaml or .yml.',
    messages: {
      binary: 'This file contains NUL bytes and looks binary, not YAML: not checked.',
      invalidUtf8: 'Invalid UTF-8 byte sequence here; Kubernetes rejects manifests that are not UTF-8.',
    },
    upstream: [],
    fixable: false,
    examples: { invalid: '# a file with the bytes 0xC3 0x28 (invalid UTF-8)', valid: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n' },
  },
  check(ctx) {
    const p = ctx.input;
    if (p?.kind === 'binary') ctx.report({ messageId: 'binary', start: 0, end: 0 });
    else if (p?.kind === 'invalidUtf8' && ctx.file?.isManifest) ctx.report({ messageId: 'invalidUtf8', start: p.offset, end: p.offset + 1 });
  },
};
