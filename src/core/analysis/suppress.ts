import { K8sObject } from '../k8s/object';
import { ParsedFile } from '../yaml/parse';
import { Finding } from './types';

export const IGNORE_ANNOTATION = 'meshlens.io/ignore';
const DISABLE_NEXT_LINE = /#\s*meshlens-disable-next-line\b([^#\n]*)/;

function codesOf(list: string): Set<string> | 'all' {
  const codes = list
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return codes.length === 0 || codes.includes('*') ? 'all' : new Set(codes);
}

function matches(codes: Set<string> | 'all', f: Finding): boolean {
  return codes === 'all' || codes.has(f.code) || codes.has(f.ruleId);
}

/**
 * The one place where suppressions apply: the object's `meshlens.io/ignore` annotation and a
 * `# meshlens-disable-next-line CODE[,CODE]` comment on the line above the finding.
 */
export function isSuppressed(f: Finding, file: ParsedFile | undefined, object: K8sObject | undefined): boolean {
  const annotation = object?.annotations[IGNORE_ANNOTATION];
  if (annotation !== undefined && matches(codesOf(annotation), f)) return true;
  if (file && f.range.start.line > 0) {
    const above = file.lines.lineText(f.range.start.line - 1);
    const m = DISABLE_NEXT_LINE.exec(above);
    if (m && matches(codesOf(m[1]), f)) return true;
  }
  return false;
}
