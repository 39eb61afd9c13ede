// The span details pane: what a span carries, each value as text, plus the span's code location as a
// link (code.file.path / code.filepath and code.line.number / code.lineno, old and new names), and
// exception stack traces line by line with each frame's location as a link.
//
// Links to code: in a browser they are vscode://file/<path>:<line> addresses (VS Code opens them),
// so only absolute frame paths are linked. In VS Code a click asks the panel host to open the file
// (it finds container paths in the workspace), and stack frames are linked once the host said
// their file resolves: one resolveCode request per pane.
import { MAX_RESOLVE_FILES, type AttributeDto, type SpanDto, type TraceDto } from '../../src/shared/protocol';
import type { Channel } from '../channel';
import { el } from '../dom';
import { formatAttrValue, formatDuration, formatTimestamp } from '../model/format';
import { isAbsoluteFramePath, parseStackTrace, type StackFrame } from '../model/stack';

const STATUS = ['unset', 'ok', 'error'];

function attrTable(testid: string, title: string, attrs: readonly AttributeDto[]): HTMLElement {
  const rows = attrs.map((a) => el('tr', { 'data-testid': 'attr-row', 'data-key': a.key }, el('th', { class: 'key', scope: 'row' }, a.key), el('td', { class: 'value' }, formatAttrValue(a.value))));
  return el(
    'section',
    { 'data-testid': testid, 'aria-label': title },
    el('h3', {}, title, el('span', { class: 'count' }, ` ${attrs.length}`), attrs.length > 0 && copyButton(title, attrs)),
    rows.length ? el('table', { class: 'attrs' }, el('tbody', {}, ...rows)) : el('p', { class: 'empty' }, 'none'),
  );
}

/**
 * Copies a table as a JSON object of key -> the value as shown (int64 as its digits, not the
 * protocol's {int}), which is what people paste into an issue or a query.
 */
function copyButton(title: string, attrs: readonly AttributeDto[]): HTMLElement {
  const button = el('button', { type: 'button', class: 'copy', 'data-testid': 'copy-attributes', 'aria-label': `Copy ${title.toLowerCase()} attributes as JSON`, title: 'Copy as JSON' }, 'Copy');
  button.addEventListener('click', () => {
    const text = JSON.stringify(Object.fromEntries(attrs.map((a) => [a.key, formatAttrValue(a.value)])), null, 2);
    navigator.clipboard.writeText(text).then(
      () => flash(button, 'Copied'),
      () => flash(button, 'Copy failed'),
    );
  });
  return button;
}

function flash(button: HTMLElement, text: string): void {
  button.textContent = text;
  setTimeout(() => (button.textContent = 'Copy'), 1500);
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
  // encodeURI leaves ? and #: a path from a span must not add a query or fragment to VS Code's link.
  return `vscode://file${p.startsWith('/') ? '' : '/'}${encodeURI(p).replace(/[?#]/g, encodeURIComponent)}:${line}`;
}

/**
 * A link to `file` at `line`. In VS Code the click goes to the host, which finds the file, and not
 * to the href; in a browser the vscode:// href is the link.
 */
function codeAnchor(testid: string, file: string, line: number, text: string, channel: Channel | undefined, status: HTMLElement): HTMLAnchorElement {
  const a = el('a', { 'data-testid': testid, 'data-file': file, 'data-line': line, href: vscodeFileUri(file, line), title: `Open ${file} at line ${line}` }, text);
  if (channel?.inVsCode) {
    a.addEventListener('click', (e) => {
      // VS Code's webview frame forwards every link click it sees on the window to the OS opener
      // (vscode://file/<container path> would fail there) and ignores defaultPrevented: the click
      // must not reach it.
      e.preventDefault();
      e.stopPropagation();
      channel.request('openCode', { file, line }).then(
        (r) => say(status, r.opened ? '' : (r.message ?? `${file} was not opened.`)),
        (err: unknown) => say(status, `Cannot open ${file}: ${(err as Error)?.message ?? String(err)}`),
      );
    });
  }
  return a;
}

function say(status: HTMLElement, text: string): void {
  status.textContent = text;
  status.hidden = text === '';
}

interface FrameSlot {
  readonly frame: StackFrame;
  readonly text: string;
  readonly slot: HTMLElement;
}

/** A stack trace as lines of text; each frame's location a link, or a slot that becomes one. */
function renderStack(value: string, linkNow: (frame: StackFrame) => boolean, slots: FrameSlot[], channel: Channel | undefined, status: HTMLElement): HTMLElement {
  const lines = parseStackTrace(value).map((l) => {
    if (!l.frame) return el('div', { class: 'stack-line' }, l.text || ' ');
    const f = l.frame;
    const where = l.text.slice(f.start, f.end);
    let mid: HTMLElement;
    if (linkNow(f)) mid = codeAnchor('stack-frame', f.file, f.line, where, channel, status);
    else {
      mid = el('span', { class: 'frame-location', 'data-file': f.file, 'data-line': f.line }, where);
      slots.push({ frame: f, text: where, slot: mid });
    }
    return el('div', { class: 'stack-line' }, l.text.slice(0, f.start), mid, l.text.slice(f.end));
  });
  return el('div', { class: 'stack-lines', 'data-testid': 'stacktrace' }, ...lines);
}

/** Asks the host once which frame files resolve, and makes those frames links. */
function linkResolvedFrames(slots: readonly FrameSlot[], channel: Channel, status: HTMLElement): void {
  const files = [...new Set(slots.map((s) => s.frame.file))].slice(0, MAX_RESOLVE_FILES);
  if (files.length === 0) return;
  channel.request('resolveCode', { files }).then(
    ({ resolved }) => {
      const ok = new Set(files.filter((_, i) => resolved[i]));
      for (const s of slots) {
        if (!ok.has(s.frame.file) || !s.slot.isConnected) continue;
        s.slot.replaceWith(codeAnchor('stack-frame', s.frame.file, s.frame.line, s.text, channel, status));
      }
    },
    // Frames stay text: they were readable, only not clickable.
    () => undefined,
  );
}

export function renderDetails(trace: TraceDto, span: SpanDto, traceStartMs: number, onLink: (traceId: string, spanId: string) => void, channel?: Channel): HTMLElement {
  const resource = trace.resources[span.resource];
  const scope = trace.scopes[span.scope];
  const code = codeLocation(span);
  const status = el('p', { class: 'code-status', role: 'status', 'data-testid': 'code-link-status', hidden: true });
  const slots: FrameSlot[] = [];
  // In VS Code the host says which frames resolve (below); a browser can only open absolute paths.
  const linkNow = (f: StackFrame) => !channel?.inVsCode && isAbsoluteFramePath(f.file);
  const links = span.links.map((l) => {
    const a = el('button', { type: 'button', class: 'link', 'data-testid': 'span-link' }, `${l.traceId === trace.summary.traceId ? 'span' : 'trace'} ${l.traceId.slice(0, 8)}… / ${l.spanId}`);
    a.addEventListener('click', () => onLink(l.traceId, l.spanId));
    return el('li', {}, a);
  });
  const pane = el(
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
    code && el('p', {}, codeAnchor('code-link', code.file, code.line, `${code.file}:${code.line}`, channel, status)),
    status,
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
            a.key === 'exception.stacktrace' && typeof a.value === 'string'
              ? el('div', { 'data-testid': 'attr-row', 'data-key': a.key, class: 'stack' }, el('span', { class: 'key' }, a.key), ' ', el('div', { class: 'value' }, renderStack(a.value, linkNow, slots, channel, status)))
              : el('div', { 'data-testid': 'attr-row', 'data-key': a.key }, el('span', { class: 'key' }, a.key), ' ', el('span', { class: 'value' }, formatAttrValue(a.value))),
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
  if (channel?.inVsCode) linkResolvedFrames(slots, channel, status);
  return pane;
}
