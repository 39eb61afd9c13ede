import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Finding, RuleMeta, Severity } from '../core';

export interface LintResult {
  files: number;
  objects: number;
  findings: Finding[];
  rules: readonly RuleMeta[];
  version: string;
  cwd: string;
}

function rel(uri: string, cwd: string): string {
  const p = path.relative(cwd, fileURLToPath(uri));
  return p.split(path.sep).join('/');
}

export function summarize(findings: readonly Finding[]): Record<Severity, number> {
  const s: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const f of findings) s[f.severity]++;
  return s;
}

/** `file:line:col: severity CODE message`, the shape editors and CI logs link from. */
export function formatText(r: LintResult): string {
  const lines = r.findings.map((f) => {
    const at = `${rel(f.uri, r.cwd)}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
    const obj = f.object ? ` [${f.object}]` : '';
    return `${at}: ${f.severity} ${f.code} ${f.message}${obj}`;
  });
  const s = summarize(r.findings);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(
    `${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${plural(s.info + s.hint, 'info')} in ${plural(r.files, 'file')} (${plural(r.objects, 'object')})`,
  );
  return lines.join('\n') + '\n';
}

export function formatJson(r: LintResult): string {
  const byCode = new Map(r.rules.map((m) => [m.code, m]));
  const pos = (p: { line: number; character: number }) => ({ line: p.line + 1, column: p.character + 1 });
  const out = {
    tool: 'meshlens',
    version: r.version,
    positions: '1-based lines and columns; columns count UTF-16 code units',
    summary: { files: r.files, objects: r.objects, ...summarize(r.findings) },
    findings: r.findings.map((f) => ({
      file: rel(f.uri, r.cwd),
      code: f.code,
      rule: f.ruleId,
      severity: f.severity,
      message: f.message,
      // This finding's equivalents (IST/KIA codes); the rule's full list, which may also name
      // checks without a code, stays under ruleUpstream.
      upstream: f.upstream,
      ruleUpstream: byCode.get(f.code)?.upstream ?? [],
      object: f.object ?? null,
      path: f.path ?? null,
      range: { start: pos(f.range.start), end: pos(f.range.end) },
      related: f.related.map((l) => ({ file: rel(l.uri, r.cwd), message: l.message, range: { start: pos(l.range.start), end: pos(l.range.end) } })),
      fixes: f.fixes.map((x) => ({ title: x.title, preferred: x.preferred })),
    })),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0, the format GitHub code scanning and other CI viewers read. */
export function formatSarif(r: LintResult): string {
  const rules = [...r.rules].sort((a, b) => a.code.localeCompare(b.code));
  const index = new Map(rules.map((m, i) => [m.code, i]));
  const region = (range: Finding['range']) => ({
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  });
  // artifactLocation.uri is a URI reference: `my app.yaml` must be written `my%20app.yaml`.
  const uriRef = (uri: string) => rel(uri, r.cwd).split('/').map(encodeURIComponent).join('/');
  const location = (uri: string, range: Finding['range']) => ({
    physicalLocation: { artifactLocation: { uri: uriRef(uri), uriBaseId: 'SRCROOT' }, region: region(range) },
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'MeshLens',
            version: r.version,
            rules: rules.map((m) => ({
              id: m.code,
              name: m.id,
              shortDescription: { text: m.title },
              fullDescription: { text: m.description },
              help: { text: m.remediation, markdown: `${m.description}\n\n**Fix:** ${m.remediation}` },
              defaultConfiguration: { level: LEVEL[m.severity] },
              properties: { upstream: m.upstream, fixable: m.fixable },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(r.cwd + path.sep).href } },
        results: r.findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: index.get(f.code) ?? -1,
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [location(f.uri, f.range)],
          relatedLocations: f.related.map((l, i) => ({ id: i + 1, message: { text: l.message }, ...location(l.uri, l.range) })),
          properties: { object: f.object, path: f.path, upstream: f.upstream },
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
