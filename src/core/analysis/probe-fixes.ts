/**
 * Quick fixes shared by the probe rules (ML4xxx). All are suggestions: a probe changes when a pod
 * counts as ready or alive, which only the user can confirm.
 */
import { Container, Probe } from '../k8s/pod';
import type { K8sObject } from '../k8s/object';
import type { FieldPath } from '../yaml/path';
import type { LineIndex } from '../yaml/positions';
import { appendToMapping, blockOf, deleteBlock, indentStep, isFlowOrMissing } from './block-edits';
import type { FixSpec } from './types';

/** The port a skeleton probe should use: the container's first TCP port, by name when it has one. */
export function skeletonPort(c: Container): string | number | undefined {
  const port = c.ports.find((p) => p.protocol.toUpperCase() === 'TCP' && p.number !== undefined);
  if (!port) return undefined;
  return port.name ?? port.number;
}

/**
 * A readiness probe that checks the container accepts connections on its port. tcpSocket rather
 * than httpGet: a guessed HTTP path that does not exist would keep every pod unready.
 */
export function readinessSkeletonFix(o: K8sObject, lines: LineIndex, c: Container): FixSpec[] {
  const port = skeletonPort(c);
  if (port === undefined) return [];
  const edit = appendToMapping(o, lines, c.path, ['readinessProbe:', '  tcpSocket:', `    port: ${port}`, '  periodSeconds: 5']);
  if (!edit) return [];
  return [{ title: `Add a readinessProbe (tcpSocket on port ${port})`, preferred: false, edits: [edit] }];
}

/**
 * Adds a startupProbe with the handler of `source`, giving it `failureThreshold × periodSeconds`
 * seconds, and removes the fields at `remove` (the long initial delays, a huge failureThreshold).
 */
export function startupProbeFix(o: K8sObject, lines: LineIndex, source: Probe, periodSeconds: number, failureThreshold: number, remove: FieldPath[]): FixSpec[] {
  const handler = source.handlers[0];
  if (!handler || isFlowOrMissing(o, lines, source.path)) return [];
  const probe = blockOf(o, lines, source.path);
  const action = blockOf(o, lines, [...source.path, handler]);
  if (!probe || !action) return [];
  const deletions = remove.map((p) => deleteBlock(o, lines, p));
  if (deletions.some((d) => d === undefined)) return [];
  const pad = ' '.repeat(action.indent);
  const handlerText = action.text.endsWith('\n') ? action.text : action.text + '\n';
  const text = `${' '.repeat(probe.indent)}startupProbe:\n${handlerText}${pad}periodSeconds: ${periodSeconds}\n${pad}failureThreshold: ${failureThreshold}\n`;
  return [
    {
      title: `Add a startupProbe (${failureThreshold} × ${periodSeconds}s) instead of the long wait`,
      preferred: false,
      edits: [{ start: probe.lineStart, end: probe.lineStart, newText: text }, ...deletions.map((d) => d!)].sort((a, b) => a.start - b.start),
    },
  ];
}

/** Replaces a probe's handler block with another handler (`grpc`, `tcpSocket`) on `port`. */
export function replaceHandlerFix(o: K8sObject, lines: LineIndex, probe: Probe, handler: 'grpc' | 'tcpSocket', port: string | number, title: string): FixSpec[] {
  const current = probe.handlers[0];
  if (!current) return [];
  const block = blockOf(o, lines, [...probe.path, current]);
  if (!block || isFlowOrMissing(o, lines, [...probe.path, current])) return [];
  const step = indentStep(o, lines, [...probe.path, current]);
  const pad = ' '.repeat(block.indent);
  const newText = `${pad}${handler}:\n${pad}${' '.repeat(step)}port: ${port}\n`;
  return [{ title, preferred: false, edits: [{ start: block.lineStart, end: block.end, newText: block.text.endsWith('\n') ? newText : newText.slice(0, -1) }] }];
}
