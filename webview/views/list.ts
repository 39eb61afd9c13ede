// The trace list: filters (sent to the host as a query), a sortable table, newest first by default.
import type { TraceQueryDto, TraceSummaryDto } from '../../src/shared/protocol';
import { clear, el } from '../dom';
import { formatDuration, formatTimestamp } from '../model/format';
import { serviceColorIndex, sortSummaries, type ListColumn, type SortDirection } from '../model/list';

const COLUMNS: { key: ListColumn; title: string }[] = [
  { key: 'start', title: 'Start' },
  { key: 'rootService', title: 'Service' },
  { key: 'rootName', title: 'Operation' },
  { key: 'spanCount', title: 'Spans' },
  { key: 'services', title: 'Services' },
  { key: 'errors', title: 'Errors' },
  { key: 'duration', title: 'Duration' },
];

export interface ListView {
  readonly element: HTMLElement;
  setServices(services: readonly string[]): void;
  setTraces(traces: readonly TraceSummaryDto[]): void;
  query(): TraceQueryDto;
  setSelected(traceId: string | undefined): void;
}

export function renderList(initial: TraceQueryDto, onQuery: () => void, onOpen: (traceId: string) => void, onPause: (paused: boolean) => void): ListView {
  const service = el('select', { 'data-testid': 'filter-service', 'aria-label': 'Service' }, el('option', { value: '' }, 'All services'));
  const text = el('input', { type: 'search', 'data-testid': 'filter-text', placeholder: 'Text, trace id, operation…', 'aria-label': 'Search traces', value: initial.text ?? '' });
  const errors = el('input', { type: 'checkbox', 'data-testid': 'filter-errors', id: 'filter-errors', checked: initial.error === true });
  const minMs = el('input', { type: 'number', min: 0, 'data-testid': 'filter-min-ms', placeholder: 'min ms', 'aria-label': 'Minimum duration in milliseconds', value: initial.minMs });
  const maxMs = el('input', { type: 'number', min: 0, 'data-testid': 'filter-max-ms', placeholder: 'max ms', 'aria-label': 'Maximum duration in milliseconds', value: initial.maxMs });
  const pause = el('button', { type: 'button', 'data-testid': 'pause', 'aria-pressed': 'false' }, 'Pause');
  const status = el('span', { class: 'muted', 'aria-live': 'polite' });
  const tbody = el('tbody', {});
  const headers = COLUMNS.map((c) => {
    const b = el('button', { type: 'button', class: 'sort' }, c.title);
    b.addEventListener('click', () => {
      direction = sortBy === c.key && direction === 'desc' ? 'asc' : 'desc';
      sortBy = c.key;
      draw();
    });
    return el('th', { scope: 'col', 'data-column': c.key }, b);
  });
  const element = el(
    'section',
    { class: 'list', 'aria-label': 'Traces' },
    el('div', { class: 'toolbar' }, service, text, el('label', { for: 'filter-errors' }, errors, ' errors only'), minMs, maxMs, pause, status),
    el('div', { class: 'table-wrap' }, el('table', { 'data-testid': 'trace-list' }, el('thead', {}, el('tr', {}, ...headers)), tbody)),
  );
  let traces: readonly TraceSummaryDto[] = [];
  let sortBy: ListColumn = 'start';
  let direction: SortDirection = 'desc';
  let selected: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = () => {
    // A query per pause in typing, not per keystroke.
    if (timer) clearTimeout(timer);
    timer = setTimeout(onQuery, 150);
  };
  for (const input of [text, minMs, maxMs]) input.addEventListener('input', changed);
  for (const input of [service, errors]) input.addEventListener('change', onQuery);
  pause.addEventListener('click', () => {
    const paused = pause.getAttribute('aria-pressed') !== 'true';
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    onPause(paused);
  });

  function draw(): void {
    for (const h of headers) h.setAttribute('aria-sort', h.getAttribute('data-column') === sortBy ? (direction === 'asc' ? 'ascending' : 'descending') : 'none');
    clear(tbody);
    for (const t of sortSummaries(traces, sortBy, direction)) {
      const row = el(
        'tr',
        { 'data-testid': 'trace-row', 'data-trace-id': t.traceId, tabindex: 0, 'aria-selected': t.traceId === selected ? 'true' : 'false', class: t.hasError ? 'has-error' : undefined },
        el('td', { class: 'mono' }, formatTimestamp(t.startUnixMs)),
        el('td', {}, el('span', { class: `svc c${serviceColorIndex(t.rootServiceName, 8)}` }, t.rootServiceName)),
        el('td', {}, t.rootName, t.hasRealRoot ? '' : el('span', { class: 'muted' }, ' (root not received)')),
        el('td', { class: 'num' }, t.spanCount),
        el('td', {}, t.services.join(', ')),
        el('td', { class: t.errorCount > 0 ? 'num error' : 'num' }, t.errorCount),
        el('td', { class: 'num' }, formatDuration(t.durationMs)),
      );
      row.addEventListener('click', () => onOpen(t.traceId));
      row.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') onOpen(t.traceId);
        else if (e.key === 'ArrowDown') (row.nextElementSibling as HTMLElement | null)?.focus();
        else if (e.key === 'ArrowUp') (row.previousElementSibling as HTMLElement | null)?.focus();
      });
      tbody.appendChild(row);
    }
    status.textContent = `${traces.length} ${traces.length === 1 ? 'trace' : 'traces'}`;
  }

  const num = (v: string) => (v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
  return {
    element,
    setServices(list) {
      const keep = service.value;
      while (service.options.length > 1) service.remove(1);
      for (const s of list) service.appendChild(el('option', { value: s }, s));
      service.value = list.includes(keep) ? keep : initial.service && list.includes(initial.service) ? initial.service : '';
    },
    setTraces(list) {
      traces = list;
      draw();
    },
    query() {
      return {
        service: service.value || undefined,
        text: text.value.trim() || undefined,
        error: errors.checked ? true : undefined,
        minMs: num(minMs.value),
        maxMs: num(maxMs.value),
        limit: 500,
      };
    },
    setSelected(id) {
      selected = id;
      draw();
    },
  };
}
