// The span details pane: what a span carries, each value as text, plus the span's code location as a
// link (code.file.path / code.filepath and code.line.number / code.lineno, old and new names).
import type { AttributeDto, SpanDto, TraceDto } from '../../src/shared/protocol';
import type { Channel } from '../channel';
import { el } from '../dom';
import { formatAttrValue, formatDuration, formatTimestamp } from '../model/format';

const STATUS = ['unset', 'ok', 'error'];

function attrTable(testid: string, title: string, attrs: readonly AttributeDto[]): HTMLElement {
  const rows = attrs.map((a) => el('tr', { 'data-testid': 'attr-row', 'data-key': a.key }, el('th', { class: 'key', scope: 'row' }, a.key), el('td', { class: 'value' }, formatAttrValue(a.value))));
  return el(
    'section',
    { 'data-testid': testid, 'aria-label': title },
    el('h3', {}, title, el('span', { class: 'count' }, ` ${attrs.length}`)),
    rows.length ? el('table', { class: 'attrs' }, el('tbody', {}, ...rows)) : el('p', { class: 'empty' }, 'none'),
  );
}

function attr(span: SpanDto, ...keys: string[]): AttributeDto['value'] | undefined {
  for (const k of keys) {
    const a = span.attributes.find((x) => x.key === k);
    if (a) return a.value;
  }
  return undefined;
}

/** `code.file.path` and line as a link, when the span has them. */
export function codeLocation(span: SpanDto): { file: string; line: number } | undefined {
  const file = attr(span, 'code.file.path', 'code.filepath');
  const line = attr(span, 'code.line.number', 'code.lineno');
  if (typeof file !== 'string' || file === '') return undefined;
  const n = typeof line === 'number' ? line : line && typeof line === 'object' && 'int' in line ? Number(line.int) : typeof line === 'string' ? Number(line) : 1;
  return { file, line: Number.isInteger(n) && n > 0 ? n : 1 };
}

/** VS Code's URL for "open this file at this line": vscode://file/<absolute path>:<line>. */
export function vscodeFileUri(file: string, line: number): string {
  const p = file.replace(/\\/g, '/');
  return `vscode://file${p.startsWith('/') ? '' : '/'}${encodeURI(p)}:${line}`;
}

export function renderDetails(trace: TraceDto, span: SpanDto, traceStartMs: number, onLink: (traceId: string, spanId: string) => void, _channel?: Channel): HTMLElement {
  const resource = trace.resources[span.resource];
  const scope = trace.scopes[span.scope];
  const code = codeLocation(span);
  const links = span.links.map((l) => {
    const a = el('button', { type: 'button', class: 'link', 'data-testid': 'span-link' }, `${l.traceId === trace.summary.traceId ? 'span' : 'trace'} ${l.traceId.slice(0, 8)}… / ${l.spanId}`);
    a.addEventListener('click', () => onLink(l.traceId, l.spanId));
    return el('li', {}, a);
  });
  return el(
    'aside',
    { 'data-testid': 'span-details', 'aria-label': 'Span details', class: 'details', tabindex: -1 },
    el('h2', {}, span.name),
    el(
      'dl',
      { class: 'summary' },
      el('dt', {}, 'service'),
      el('dd', {}, span.serviceName),
      el('dt', {}, 'kind'),
      el('dd', {}, span.kindName.toLowerCase()),
      el('dt', {}, 'duration'),
      el('dd', {}, formatDuration(span.durationMs)),
      el('dt', {}, 'start'),
      el('dd', {}, `${formatTimestamp(span.startUnixMs, true)} (+${formatDuration(span.adjustedStartUnixMs - traceStartMs)})`),
      el('dt', {}, 'status'),
      el('dd', { class: span.status.code === 2 ? 'error' : undefined }, STATUS[span.status.code] ?? String(span.status.code), span.status.message ? `: ${span.status.message}` : ''),
      el('dt', {}, 'span id'),
      el('dd', { class: 'mono' }, span.spanId),
      span.skewMs !== 0 && el('dt', {}, 'clock skew'),
      span.skewMs !== 0 && el('dd', {}, `shifted ${formatDuration(span.skewMs)} for display`),
    ),
    code &&
      el(
        'p',
        {},
        el('a', { 'data-testid': 'code-link', 'data-file': code.file, 'data-line': code.line, href: vscodeFileUri(code.file, code.line) }, `${code.file}:${code.line}`),
      ),
    attrTable('span-attributes', 'Attributes', span.attributes),
    el(
      'section',
      { 'aria-label': 'Events' },
      el('h3', {}, 'Events', el('span', { class: 'count' }, ` ${span.events.length}`)),
      ...span.events.map((e) =>
        el(
          'div',
          { 'data-testid': 'event', class: 'event' },
          el('div', { class: 'event-name' }, e.name, el('span', { class: 'muted' }, ` +${formatDuration(e.timeUnixMs - span.startUnixMs)}`)),
          ...e.attributes.map((a) =>
            el('div', { 'data-testid': 'attr-row', 'data-key': a.key, class: a.key === 'exception.stacktrace' ? 'stack' : undefined }, el('span', { class: 'key' }, a.key), ' ', el('span', { class: 'value' }, formatAttrValue(a.value))),
          ),
        ),
      ),
    ),
    el(
      'section',
      { 'aria-label': 'Logs' },
      el('h3', {}, 'Logs', el('span', { class: 'count' }, ` ${span.logs.length}`)),
      ...span.logs.map((l) =>
        el('div', { 'data-testid': 'log', class: 'log' }, el('span', { class: 'severity' }, l.severityText || String(l.severityNumber)), ' ', el('span', { class: 'body' }, formatAttrValue(l.body))),
      ),
    ),
    links.length > 0 && el('section', { 'aria-label': 'Links' }, el('h3', {}, 'Links'), el('ul', {}, ...links)),
    resource && attrTable('resource-attributes', 'Resource', resource.attributes),
    scope && attrTable('scope-attributes', `Scope ${scope.name}${scope.version ? ` ${scope.version}` : ''}`, scope.attributes),
  );
}
