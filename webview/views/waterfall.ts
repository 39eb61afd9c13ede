// The waterfall: one row per shown span, only the rows in view are in the DOM (50,000-span traces
// scroll as fast as 50), a bar per span on the trace's time axis, collapse/expand, and search inside
// the trace with next/previous match and next error. Layout comes from webview/model (pure, tested).
import type { SpanDto, TraceDto } from '../../src/shared/protocol';
import { clear, el } from '../dom';
import { formatDuration } from '../model/format';
import { serviceColorIndex } from '../model/list';
import { errorIndices, nextError, nextMatch, previousMatch, reveal, traceSearch } from '../model/search';
import { ticks } from '../model/time-scale';
import { visibleWindow, scrollToRow } from '../model/virtual-window';
import { buildWaterfall, collapseToDepth, expandAll, hasChildren, rowAt, toggleCollapsed, visibleIndices, type WaterfallModel } from '../model/waterfall';

const ROW_HEIGHT = 22;
const OVERSCAN = 12;
const PALETTE = 8;

export interface WaterfallView {
  readonly element: HTMLElement;
  /** The trace's start on the waterfall's axis (the earliest skew-adjusted start). */
  readonly startUnixMs: number;
  /** The selected span, if any. */
  selected(): SpanDto | undefined;
  select(spanId: string): void;
}

export function renderWaterfall(trace: TraceDto, onSelect: (span: SpanDto | undefined) => void): WaterfallView {
  const model: WaterfallModel = buildWaterfall(trace);
  const search = traceSearch(trace);
  const errors = errorIndices(trace);
  let collapsed = new Set<string>();
  let shown = visibleIndices(model, collapsed);
  let current = -1; // span index
  let matches: number[] = [];

  const searchBox = el('input', { type: 'search', 'data-testid': 'trace-search', placeholder: 'Search spans (name, service, attribute, id)', 'aria-label': 'Search in this trace' });
  const count = el('span', { 'data-testid': 'search-count', class: 'muted', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', 'data-testid': 'search-prev', title: 'Previous match (Shift+Enter)' }, '↑');
  const next = el('button', { type: 'button', 'data-testid': 'search-next', title: 'Next match (Enter)' }, '↓');
  const nextErr = el('button', { type: 'button', 'data-testid': 'next-error', title: 'Next error span', disabled: errors.length === 0 }, `Next error (${errors.length})`);
  const depthSelect = el('select', { 'aria-label': 'Collapse to depth' }, el('option', { value: '' }, 'Expand all'), ...Array.from({ length: Math.min(model.maxDepth, 10) }, (_, d) => el('option', { value: d + 1 }, `Collapse to depth ${d + 1}`)));
  const axis = el('div', { class: 'axis', 'aria-hidden': 'true' });
  const spacer = el('div', { class: 'spacer' });
  const rowsLayer = el('div', { class: 'rows', role: 'tree', 'aria-label': 'Spans' });
  const scroller = el('div', { class: 'scroll', 'data-testid': 'waterfall-scroll', tabindex: 0 }, spacer, rowsLayer);
  const element = el(
    'section',
    { 'data-testid': 'waterfall', class: 'waterfall', 'aria-label': `Trace ${trace.summary.traceId}` },
    el('div', { class: 'toolbar' }, searchBox, prev, next, count, nextErr, depthSelect, el('span', { class: 'muted' }, `${trace.spans.length} spans · ${formatDuration(model.durationMs)}`)),
    axis,
    scroller,
  );

  const total = model.durationMs > 0 ? model.durationMs : 1;
  const pct = (ms: number) => `${Math.max(0, Math.min(100, (ms / total) * 100))}%`;

  function drawAxis(): void {
    clear(axis);
    for (const t of ticks(0, total, 8).ticksMs) axis.appendChild(el('span', { class: 'tick', style: `left: calc(var(--label-width) + (100% - var(--label-width)) * ${t / total})` }, formatDuration(t)));
  }

  /** Rows in the DOM by span index; valid while `shown` and the selection stay as they are. */
  let rendered = new Map<number, HTMLElement>();

  function makeRow(r: number, index: number): HTMLElement {
    const row = rowAt(model, index, collapsed);
    const span = trace.spans[index];
    const toggle = row.hasChildren
      ? el('button', { type: 'button', class: 'toggle', 'data-testid': 'span-toggle', 'aria-expanded': String(!row.collapsed), 'aria-label': row.collapsed ? 'Expand' : 'Collapse', tabindex: -1 }, row.collapsed ? '▸' : '▾')
      : el('span', { class: 'toggle' });
    const color = serviceColorIndex(row.service, PALETTE);
    const bar = el('div', { class: `bar c${color}${row.error ? ' error' : ''}`, style: `left: ${pct(row.startMs)}; width: max(1px, ${pct(row.endMs - row.startMs)})`, title: formatDuration(row.endMs - row.startMs) });
    for (const ev of span.events) bar.appendChild(el('span', { class: 'event-mark', style: `left: ${(((ev.timeUnixMs + span.skewMs - span.adjustedStartUnixMs) / Math.max(span.durationMs, 1e-9)) * 100).toFixed(3)}%`, title: ev.name }));
    return el(
      'div',
      {
        class: `row${index === current ? ' current' : ''}`,
        role: 'treeitem',
        'data-testid': 'span-row',
        'data-index': index,
        'data-span-id': row.spanId,
        'data-depth': row.depth,
        'data-error': row.error ? 'true' : undefined,
        'aria-level': row.depth + 1,
        'aria-selected': index === current ? 'true' : 'false',
        'aria-expanded': row.hasChildren ? String(!row.collapsed) : undefined,
        style: `top: ${r * ROW_HEIGHT}px`,
      },
      el('div', { class: 'label', style: `padding-left: ${Math.min(row.depth, 40) * 12}px` }, toggle, el('span', { class: `svc c${color}` }, row.service), ' ', el('span', { class: 'name' }, row.name)),
      el('div', { class: 'track' }, bar),
    );
  }

  /**
   * Puts the rows of the visible window in the DOM, in display order. Scrolling keeps the rows that
   * stay in view and only makes the ones that come in: rebuilding every row on each scroll event
   * was what made frames miss (bench:viewer).
   */
  function draw(): void {
    spacer.style.height = `${shown.length * ROW_HEIGHT}px`;
    const win = visibleWindow(scroller.scrollTop, ROW_HEIGHT, scroller.clientHeight || 600, shown.length, OVERSCAN);
    const last = Math.min(win.last, shown.length - 1);
    const wanted = new Set<number>();
    for (let r = win.first; r <= last; r++) wanted.add(shown[r]);
    for (const [index, e] of rendered) {
      if (!wanted.has(index)) {
        e.remove();
        rendered.delete(index);
      }
    }
    // What is left is in display order; new rows go in before the first kept row after them.
    let cursor: ChildNode | null = rowsLayer.firstChild;
    for (let r = win.first; r <= last; r++) {
      const index = shown[r];
      const have = rendered.get(index);
      if (have) {
        cursor = have.nextSibling;
        continue;
      }
      const rowEl = makeRow(r, index);
      rendered.set(index, rowEl);
      rowsLayer.insertBefore(rowEl, cursor);
    }
  }

  /** Collapse state or selection changed: every row may look different. */
  function redraw(): void {
    rendered = new Map();
    clear(rowsLayer);
    draw();
  }

  // One delegated listener for all rows and toggles (rows come and go as they scroll).
  rowsLayer.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('[data-testid=span-row]');
    if (!rowEl) return;
    const index = Number(rowEl.getAttribute('data-index'));
    if (target.closest('[data-testid=span-toggle]')) {
      collapsed = toggleCollapsed(collapsed, trace.spans[index].spanId);
      relayout();
    } else setCurrent(index, false);
  });

  let frame = 0;
  const drawSoon = () => {
    // Several scroll events in one frame make one draw.
    if (frame === 0) frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  };

  function relayout(): void {
    shown = visibleIndices(model, collapsed);
    redraw();
  }

  function setCurrent(index: number, scroll: boolean): void {
    current = index;
    if (index >= 0) {
      const opened = reveal(model, index, collapsed);
      if (opened.size !== collapsed.size) {
        collapsed = opened;
        shown = visibleIndices(model, collapsed);
      }
      if (scroll) {
        const r = shown.indexOf(index);
        if (r >= 0) scroller.scrollTop = scrollToRow(r, scroller.scrollTop, ROW_HEIGHT, scroller.clientHeight || 600);
      }
    }
    updateCount();
    redraw();
    onSelect(index >= 0 ? trace.spans[index] : undefined);
  }

  function updateCount(): void {
    const at = matches.indexOf(current);
    count.textContent = searchBox.value.trim() === '' ? '' : matches.length === 0 ? 'no match' : `${at >= 0 ? at + 1 : 0} / ${matches.length}`;
  }

  function step(forward: boolean): void {
    if (matches.length === 0) return;
    const to = forward ? nextMatch(matches, current) : previousMatch(matches, current);
    if (to !== undefined) setCurrent(to, true);
  }

  searchBox.addEventListener('input', () => {
    matches = search.find(searchBox.value);
    if (matches.length > 0) setCurrent(matches[0], true);
    else updateCount();
  });
  searchBox.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') step(!e.shiftKey);
    else if (e.key === 'Escape') {
      searchBox.value = '';
      matches = [];
      updateCount();
      scroller.focus();
    }
  });
  next.addEventListener('click', () => step(true));
  prev.addEventListener('click', () => step(false));
  nextErr.addEventListener('click', () => {
    const to = nextError(errors, current);
    if (to !== undefined) setCurrent(to, true);
  });
  depthSelect.addEventListener('change', () => {
    collapsed = depthSelect.value === '' ? expandAll() : collapseToDepth(model, Number(depthSelect.value));
    relayout();
  });
  scroller.addEventListener('scroll', drawSoon, { passive: true });
  // Keyboard: arrows move, Left/Right collapse/expand, Enter/Space selects, / searches.
  scroller.addEventListener('keydown', (e) => {
    const r = Math.max(0, shown.indexOf(current));
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const to = Math.max(0, Math.min(shown.length - 1, r + (e.key === 'ArrowDown' ? 1 : -1)));
      setCurrent(shown[to], true);
    } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && current >= 0 && hasChildren(model, current)) {
      e.preventDefault();
      const id = trace.spans[current].spanId;
      const isCollapsed = collapsed.has(id);
      if ((e.key === 'ArrowLeft') !== isCollapsed) {
        collapsed = toggleCollapsed(collapsed, id);
        relayout();
      }
    } else if (e.key === '/') {
      e.preventDefault();
      searchBox.focus();
    }
  });
  new ResizeObserver(drawSoon).observe(scroller);

  drawAxis();
  // The first frame right away; rows need the scroller's height, known once it is in the page.
  requestAnimationFrame(() => draw());
  draw();

  return {
    element,
    startUnixMs: model.startUnixMs,
    selected: () => (current >= 0 ? trace.spans[current] : undefined),
    select(spanId) {
      const i = model.indexById.get(spanId);
      if (i !== undefined) setCurrent(i, true);
    },
  };
}
