// The trace list: filters (sent to the host as a query), the duration-over-time scatter and a sortable
// table, newest first by default. Keyboard: the table is one tab stop (roving tabindex), arrows,
// PageUp/PageDown, Home/End move, Enter (or Space) opens; `/` goes to the text filter, Esc in a filter
// comes back.
import type { DebugSessionDto, DebugSessionsMessage, TraceQueryDto, TraceSummaryDto } from '../../src/shared/protocol';
import { button, checkbox, dropdown, textField, type TextControl } from '../components';
import { clear, el } from '../dom';
import { followedSession, followsSession, groupRows, headerDetails, sessionIdsOf, type SessionCounts } from '../model/debug-sessions';
import { formatDuration, formatTimestamp } from '../model/format';
import { rovingIndex, serviceColorIndex, sortSummaries, type ListColumn, type SortDirection } from '../model/list';
import { formatAttributeFilters, parseAttributeFilters, parseDurationMs, type AttributeFilter, type Parsed } from '../model/query';
import { renderScatter } from './scatter';

const COLUMNS: { key: ListColumn; title: string }[] = [
  { key: 'start', title: 'Start' },
  { key: 'rootService', title: 'Service' },
  { key: 'rootName', title: 'Operation' },
  { key: 'spanCount', title: 'Spans' },
  { key: 'services', title: 'Services' },
  { key: 'errors', title: 'Errors' },
  { key: 'duration', title: 'Duration' },
];

const LIMIT = 500;

export interface ListView {
  readonly element: HTMLElement;
  setServices(services: readonly string[]): void;
  setTraces(traces: readonly TraceSummaryDto[]): void;
  query(): TraceQueryDto;
  setSelected(traceId: string | undefined): void;
  /** Moves the keyboard focus into the table (the current row). */
  focusList?(): void;
  /** The host's debug sessions (VS Code): names and states for the group headers, and the one the toggle follows. */
  setDebugSessions(msg: DebugSessionsMessage): void;
  /** Spans and traces per session in the store, for the group headers; shown from the next setTraces. */
  setSessionCounts(counts: readonly ({ readonly id: string } & SessionCounts)[]): void;
  /** The sessions to ask counts for: those of `traces` (the list about to be shown), and the followed one. */
  sessionIds(traces: readonly TraceSummaryDto[]): string[];
  /** The "This debug session" toggle as the person set it; undefined while untouched (then it follows its default). */
  followPreference(): boolean | undefined;
}

let ids = 0;

/** Session ids asked about per count request at most (the host's bound). */
const MAX_COUNT_IDS = 256;

export function renderList(initial: TraceQueryDto, onQuery: () => void, onOpen: (traceId: string) => void, onPause: (paused: boolean) => void, initialFollow?: boolean): ListView {
  const uid = `list${++ids}`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A query per pause in typing, not per keystroke; none while a field cannot be read.
  const changed = (now = false) => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!validate()) return;
    if (now) onQuery();
    else timer = setTimeout(onQuery, 150);
  };

  const service = dropdown('Service', { 'data-testid': 'filter-service' }, () => {
    wantedService = '';
    changed(true);
  });
  service.setOptions([['', 'All services']], '');
  let wantedService = initial.service ?? '';
  const operation = textField('Operation (exact span name)', { 'data-testid': 'filter-operation', placeholder: 'Operation', value: initial.operation ?? '' }, () => changed());
  const attrs = textField('Attributes: key=value pairs separated by spaces; quote values with spaces', {
    'data-testid': 'filter-attributes',
    placeholder: 'key=value key2="a b"',
    value: initial.attributes ? formatAttributeFilters(initial.attributes) : '',
    class: 'wide',
  }, () => changed());
  const minMs = textField('Minimum duration (ms, or with a unit: 500us, 1.5s)', { 'data-testid': 'filter-min-ms', placeholder: 'min ms', value: initial.minMs, class: 'narrow' }, () => changed());
  const maxMs = textField('Maximum duration (ms, or with a unit: 500us, 1.5s)', { 'data-testid': 'filter-max-ms', placeholder: 'max ms', value: initial.maxMs, class: 'narrow' }, () => changed());
  const errors = checkbox('Errors only', { 'data-testid': 'filter-errors', checked: initial.error === true }, () => changed(true));
  // Shown once there is a debug session to follow; the toolkit reports programmatic changes as
  // `change` too, so those are let through quietly.
  let followPref = initialFollow;
  let quietFollow = false;
  const follow = checkbox('This debug session', { 'data-testid': 'filter-debug-session', hidden: true }, () => {
    if (quietFollow) return;
    followPref = follow.checked;
    changed(true);
  });
  const text = textField('Search traces (text, trace id, operation; press / to come here)', { 'data-testid': 'filter-text', placeholder: 'Text, trace id… ( / )', value: initial.text ?? '', class: 'wide' }, () => changed());
  let paused = false;
  const pause = button('Pause', { 'data-testid': 'pause', 'aria-pressed': 'false', title: 'Hold the list while new traces arrive' }, () => {
    paused = !paused;
    pause.element.setAttribute('aria-pressed', String(paused));
    pause.setLabel(paused ? 'Resume' : 'Pause');
    onPause(paused);
  });
  const status = el('span', { class: 'muted status', 'aria-live': 'polite', 'data-testid': 'list-status' });
  const problem = el('div', { class: 'filter-error', id: `${uid}-error`, role: 'alert', 'data-testid': 'filter-error', hidden: true });

  const scatter = renderScatter((id) => onOpen(id));
  const tbody = el('tbody', {});
  const table = el('table', { 'data-testid': 'trace-list', role: 'grid', 'aria-label': 'Traces', 'aria-readonly': 'true', tabindex: -1 });
  const headers = COLUMNS.map((c) => {
    const b = el('button', { type: 'button', class: 'sort', title: `Sort by ${c.title.toLowerCase()}` }, c.title);
    b.addEventListener('click', () => {
      direction = sortBy === c.key && direction === 'desc' ? 'asc' : 'desc';
      sortBy = c.key;
      draw();
    });
    return el('th', { scope: 'col', 'data-column': c.key }, b);
  });
  table.append(el('thead', {}, el('tr', {}, ...headers)), tbody);

  const element = el(
    'section',
    { class: 'list', 'aria-label': 'Trace list' },
    el(
      'div',
      { class: 'toolbar list-filters', role: 'search', 'aria-label': 'Trace filters' },
      service.element,
      operation.element,
      attrs.element,
      minMs.element,
      maxMs.element,
      errors.element,
      follow.element,
      text.element,
      pause.element,
      status,
    ),
    problem,
    scatter.element,
    el('div', { class: 'table-wrap' }, table),
  );

  let traces: readonly TraceSummaryDto[] = [];
  let sessions: readonly DebugSessionDto[] = [];
  let followed: string | undefined;
  let counts = new Map<string, SessionCounts>();
  let shown: TraceSummaryDto[] = [];
  let sortBy: ListColumn = 'start';
  let direction: SortDirection = 'desc';
  let selected: string | undefined;
  /** The row that holds the tab stop (by trace, so it survives redraws and re-sorting). */
  let active: string | undefined;

  // Parsed field values, and the query as it stood when every field last read well: while a field
  // is being edited into shape, the live refreshes (main.ts asks query() on each) keep asking that,
  // not a mix of the new checkbox and the old attributes.
  let goodAttributes: AttributeFilter[] = [];
  let goodMin: number | undefined;
  let goodMax: number | undefined;
  let valid = true;
  let lastGood: TraceQueryDto = {};
  const fields: [TextControl, string][] = [
    [attrs, 'Attributes'],
    [minMs, 'Min duration'],
    [maxMs, 'Max duration'],
  ];

  function validate(): boolean {
    const a = parseAttributeFilters(attrs.value);
    const lo = parseDurationMs(minMs.value);
    const hi = parseDurationMs(maxMs.value);
    const results: Parsed<unknown>[] = [a, lo, hi];
    const messages: string[] = [];
    results.forEach((r, i) => {
      const [field, name] = fields[i];
      field.setInvalid(r.ok ? undefined : problem.id);
      if (!r.ok) messages.push(`${name}: ${r.error}`);
    });
    if (lo.ok && hi.ok && lo.value !== undefined && hi.value !== undefined && lo.value > hi.value) {
      messages.push('Min duration is above max duration');
      minMs.setInvalid(problem.id);
      maxMs.setInvalid(problem.id);
    }
    problem.textContent = messages.join(' · ');
    problem.hidden = messages.length === 0;
    valid = messages.length === 0;
    if (!valid) return false;
    goodAttributes = a.ok ? a.value : goodAttributes;
    goodMin = lo.ok ? lo.value : goodMin;
    goodMax = hi.ok ? hi.value : goodMax;
    return true;
  }

  /** The trace rows (group headers are not rows one can focus or open). */
  function rows(): HTMLTableRowElement[] {
    return Array.from(tbody.querySelectorAll<HTMLTableRowElement>('tr[data-trace-id]'));
  }

  function syncFollow(): void {
    follow.element.hidden = followed === undefined;
    const on = followsSession(followPref, followed);
    const name = sessions.find((x) => x.id === followed)?.name;
    follow.element.title = name ? `Only the traces of the debug session "${name}"` : 'Only the traces of the current debug session';
    if (follow.checked === on) return;
    quietFollow = true;
    try {
      follow.checked = on;
    } finally {
      quietFollow = false;
    }
  }

  function focusRow(index: number): void {
    const list = rows();
    const row = list[index];
    if (!row) return;
    for (const r of list) r.tabIndex = r === row ? 0 : -1;
    active = row.dataset.traceId;
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
  }

  function focusList(): void {
    const list = rows();
    const i = list.findIndex((r) => r.tabIndex === 0);
    if (i >= 0) focusRow(i);
    else table.focus();
  }

  function draw(): void {
    for (const h of headers) h.setAttribute('aria-sort', h.getAttribute('data-column') === sortBy ? (direction === 'asc' ? 'ascending' : 'descending') : 'none');
    const hadFocus = tbody.contains(document.activeElement);
    const grouped = groupRows(sortSummaries(traces, sortBy, direction), sessions, counts, followsSession(followPref, followed) ? followed : undefined);
    shown = [];
    for (const r of grouped) if (r.kind === 'trace') shown.push(r.trace);
    if (!shown.some((t) => t.traceId === active)) active = shown.some((t) => t.traceId === selected) ? selected : shown[0]?.traceId;
    clear(tbody);
    for (const r of grouped) {
      if (r.kind === 'header') {
        const h = r.header;
        tbody.appendChild(
          el(
            'tr',
            { class: h.running ? 'session-row running' : 'session-row', 'data-testid': 'session-row', 'data-session-id': h.sessionId },
            el('th', { scope: 'colgroup', colspan: COLUMNS.length }, el('span', { class: 'session-title', 'data-testid': 'session-title' }, h.title), ' ', el('span', { class: 'muted', 'data-testid': 'session-details' }, headerDetails(h))),
          ),
        );
        continue;
      }
      const t = r.trace;
      tbody.appendChild(
        el(
          'tr',
          {
            'data-testid': 'trace-row',
            'data-trace-id': t.traceId,
            tabindex: t.traceId === active ? 0 : -1,
            'aria-selected': t.traceId === selected ? 'true' : 'false',
            class: t.hasError ? 'has-error' : undefined,
            'data-session-id': t.debugSession,
          },
          el('td', { class: 'mono' }, formatTimestamp(t.startUnixMs)),
          el('td', {}, el('span', { class: `svc c${serviceColorIndex(t.rootServiceName, 8)}` }, t.rootServiceName)),
          el('td', {}, t.rootName, t.hasRealRoot ? '' : el('span', { class: 'muted' }, ' (root not received)')),
          el('td', { class: 'num' }, t.spanCount),
          el('td', {}, t.services.join(', ')),
          el('td', { class: t.errorCount > 0 ? 'num error' : 'num' }, t.errorCount),
          el('td', { class: 'num' }, formatDuration(t.durationMs)),
        ),
      );
    }
    table.setAttribute('aria-rowcount', String(grouped.length + 1));
    // A live update rebuilds the rows: the focused one keeps the focus.
    if (hadFocus) {
      const i = shown.findIndex((t) => t.traceId === active);
      if (i >= 0) rows()[i].focus({ preventScroll: true });
      else table.focus();
    }
    status.textContent = `${traces.length} ${traces.length === 1 ? 'trace' : 'traces'}${traces.length >= LIMIT ? ' (newest shown)' : ''}`;
    scatter.setSelected(selected);
  }

  // One set of listeners for all rows, whatever the redraws make.
  const rowOf = (e: Event) => (e.target as Element | null)?.closest?.('tr[data-trace-id]') as HTMLTableRowElement | null;
  tbody.addEventListener('click', (e) => {
    const row = rowOf(e);
    if (!row) return;
    focusRow(rows().indexOf(row));
    onOpen(row.dataset.traceId!);
  });
  tbody.addEventListener('keydown', (e) => {
    const row = rowOf(e);
    if (!row || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(row.dataset.traceId!);
      return;
    }
    const page = Math.max(1, Math.floor(table.parentElement!.clientHeight / Math.max(1, row.offsetHeight)) - 1);
    const to = rovingIndex(rows().indexOf(row), e.key, shown.length, page);
    if (to === undefined) return;
    e.preventDefault();
    focusRow(to);
  });
  table.addEventListener('focus', () => {
    // Reached by Esc from a filter while the list is empty, or by a click on the header: rows win.
    if (rows().length) focusList();
  });

  for (const f of [operation, attrs, minMs, maxMs, text]) {
    f.element.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      // Leaving the field, not closing the details pane (the page's own Esc).
      e.stopPropagation();
      focusList();
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.composedPath()[0];
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLElement && target.isContentEditable)) return;
    e.preventDefault();
    text.focus();
  });

  validate();
  return {
    element,
    setServices(list) {
      const keep = service.value || wantedService;
      service.setOptions([['', 'All services'], ...list.map((s) => [s, s] as const)], keep);
      // A restored filter for a service not seen yet is kept until it shows up or the user picks.
      if (service.value === keep) wantedService = '';
    },
    setTraces(list) {
      traces = list;
      scatter.setTraces(list);
      draw();
    },
    query() {
      if (!valid) return lastGood;
      lastGood = {
        service: service.value || wantedService || undefined,
        operation: operation.value.trim() || undefined,
        attributes: goodAttributes.length ? goodAttributes : undefined,
        text: text.value.trim() || undefined,
        error: errors.checked ? true : undefined,
        minMs: goodMin,
        maxMs: goodMax,
        limit: LIMIT,
        debugSession: followsSession(followPref, followed) ? followed : undefined,
      };
      return lastGood;
    },
    setDebugSessions(msg) {
      sessions = msg.sessions;
      const before = followsSession(followPref, followed) ? followed : undefined;
      followed = followedSession(msg, followed);
      syncFollow();
      draw();
      // A new session to follow (or none any more) is a new query.
      if ((followsSession(followPref, followed) ? followed : undefined) !== before) changed(true);
    },
    setSessionCounts(list) {
      // Drawn with the traces that come next (setTraces): one draw per refresh.
      counts = new Map(list.map((c) => [c.id, { spans: c.spans, traces: c.traces }]));
    },
    sessionIds: (list) => sessionIdsOf(list, followed).slice(0, MAX_COUNT_IDS),
    followPreference: () => followPref,
    setSelected(id) {
      selected = id;
      if (id && shown.some((t) => t.traceId === id)) active = id;
      draw();
    },
    focusList,
  };
}
