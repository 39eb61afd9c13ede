// The waterfall of one trace, drawn from its layout (TraceLayoutDto: ids, depths, times; no
// attributes): one row per shown span, and only the rows in view are in the DOM, so 50,000 spans
// scroll as fast as 50. A bar per span on the time axis with its events marked, the critical path
// drawn over the bars, a service legend, a minimap of the whole trace where a drag (d3's brush)
// zooms into a range, collapse/expand, and search inside the trace (the host matches, since it has
// the attributes) with next/previous match and next error. Layout comes from webview/model (pure,
// tested); the selected span's details are the caller's (it asks the host for them).
import { brushX, select, type BrushBehavior } from 'd3';
import type { TraceLayoutDto, TraceSearchDto } from '../../src/shared/protocol';
import { clear, el } from '../dom';
import { criticalPath, sectionsBySpan, type CriticalPathSection } from '../model/critical-path';
import { formatDuration } from '../model/format';
import { serviceColorIndex } from '../model/list';
import { errorIndices, indicesOf, nextError, nextMatch, previousMatch, reveal } from '../model/search';
import { clampRange, ticks } from '../model/time-scale';
import { scrollToRow, visibleWindow } from '../model/virtual-window';
import { buildWaterfall, collapseToDepth, expandAll, hasChildren, rowAt, toggleCollapsed, visibleIndices, type WaterfallModel } from '../model/waterfall';

const ROW_HEIGHT = 22;
const OVERSCAN = 12;
const PALETTE = 8;
const MINIMAP_HEIGHT = 36;
/** Typing pauses this long before the host is asked (a search over 50,000 spans decodes them all). */
const SEARCH_DELAY_MS = 120;
/** The narrowest zoom, as a share of the trace: below it bars are wider than the screen anyway. */
const MIN_ZOOM_SHARE = 1e-6;

export interface WaterfallView {
  readonly element: HTMLElement;
  /** The trace's start on the waterfall's axis (the earliest skew-adjusted start). */
  readonly startUnixMs: number;
  /** The selected span's id, if any. */
  selected(): string | undefined;
  select(spanId: string): void;
  /** The same trace got spans: draw them, keeping what is collapsed, selected, zoomed and searched. */
  update(layout: TraceLayoutDto): void;
  /** Keyboard focus into the rows (Esc from the details pane comes back here). */
  focus(): void;
}

export type TraceSearcher = (text: string) => Promise<TraceSearchDto | null>;

export function renderWaterfall(initial: TraceLayoutDto, onSelect: (spanId: string | undefined) => void, search: TraceSearcher): WaterfallView {
  let layout = initial;
  let model: WaterfallModel = buildWaterfall(layout);
  let errors = errorIndices(layout);
  let eventsBySpan = groupEvents(layout);
  let collapsed = new Set<string>();
  let shown = visibleIndices(model, collapsed);
  let current = -1; // span index
  let matches: number[] = [];
  let truncated = false;
  let critical: Map<number, CriticalPathSection[]> | undefined;
  let showCritical = true;
  // The shown time range, ms from the trace start; the whole trace unless zoomed.
  let range = { fromMs: 0, toMs: model.durationMs };
  let zoomed = false;

  const searchBox = el('input', { type: 'search', 'data-testid': 'trace-search', placeholder: 'Search spans (name, service, attribute, id)', 'aria-label': 'Search in this trace (/)' });
  const count = el('span', { 'data-testid': 'search-count', class: 'muted', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', 'data-testid': 'search-prev', title: 'Previous match (Shift+Enter)', 'aria-label': 'Previous match' }, '↑');
  const next = el('button', { type: 'button', 'data-testid': 'search-next', title: 'Next match (Enter)', 'aria-label': 'Next match' }, '↓');
  const nextErr = el('button', { type: 'button', 'data-testid': 'next-error', title: 'Next error span (E)' });
  const depthSelect = el('select', { 'aria-label': 'Collapse to depth', 'data-testid': 'collapse-depth' });
  const criticalToggle = el('input', { type: 'checkbox', id: 'critical-path', 'data-testid': 'critical-path-toggle', checked: true });
  const zoomReset = el('button', { type: 'button', 'data-testid': 'zoom-reset', title: 'Show the whole trace (0)', hidden: true }, 'Reset zoom');
  const info = el('span', { class: 'muted' });
  const legend = el('div', { class: 'legend', 'data-testid': 'legend', 'aria-label': 'Services' });
  const canvas = el('canvas', { class: 'minimap-canvas', 'aria-hidden': 'true' });
  const brushLayer = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  brushLayer.setAttribute('class', 'minimap-brush');
  brushLayer.setAttribute('aria-hidden', 'true');
  const minimap = el('div', { class: 'minimap', 'data-testid': 'minimap', title: 'Drag to zoom into a range; click to show the whole trace' }, canvas);
  minimap.appendChild(brushLayer);
  const axis = el('div', { class: 'axis', 'aria-hidden': 'true', 'data-testid': 'ruler' });
  const spacer = el('div', { class: 'spacer' });
  const rowsLayer = el('div', { class: 'rows', role: 'none' });
  const scroller = el('div', { class: 'scroll', 'data-testid': 'waterfall-scroll', tabindex: 0, role: 'tree', 'aria-label': 'Spans: arrows move, Left/Right collapse and expand, / searches, E next error' }, spacer, rowsLayer);
  const element = el(
    'section',
    { 'data-testid': 'waterfall', class: 'waterfall', 'aria-label': `Trace ${layout.summary.traceId}` },
    el(
      'div',
      { class: 'toolbar' },
      searchBox,
      prev,
      next,
      count,
      nextErr,
      depthSelect,
      el('label', { for: 'critical-path', title: 'The spans the trace waited on, as Jaeger computes it' }, criticalToggle, ' critical path'),
      zoomReset,
      info,
    ),
    legend,
    minimap,
    axis,
    scroller,
  );

  function refreshChrome(): void {
    nextErr.textContent = `Next error (${errors.length})`;
    nextErr.disabled = errors.length === 0;
    const depth = depthSelect.value;
    clear(depthSelect);
    depthSelect.appendChild(el('option', { value: '' }, 'Expand all'));
    for (let d = 0; d < Math.min(model.maxDepth, 10); d++) depthSelect.appendChild(el('option', { value: d + 1 }, `Collapse to depth ${d + 1}`));
    depthSelect.value = depth;
    info.textContent = `${layout.spanIds.length.toLocaleString('en-US')} spans · ${formatDuration(model.durationMs)}`;
    clear(legend);
    for (const svc of [...layout.services].sort()) legend.appendChild(el('span', { class: `chip c${serviceColorIndex(svc, PALETTE)}`, 'data-testid': 'legend-service' }, svc));
  }

  const share = (ms: number) => (ms - range.fromMs) / Math.max(range.toMs - range.fromMs, 1e-12);
  const pct = (ms: number) => `${(share(ms) * 100).toFixed(4)}%`;

  function drawAxis(): void {
    clear(axis);
    const width = range.toMs - range.fromMs;
    for (const t of ticks(range.fromMs, range.toMs, 8).ticksMs) {
      // Labels near the right end are drawn to the left of their line, so they stay in view.
      const share = (t - range.fromMs) / (width || 1);
      axis.appendChild(el('span', { class: share > 0.9 ? 'tick end' : 'tick', style: `left: calc(var(--label-width) + (100% - var(--label-width)) * ${share})` }, formatDuration(t)));
    }
  }

  /** Rows in the DOM by span index; valid while `shown`, the selection, the zoom and the path stay. */
  let rendered = new Map<number, HTMLElement>();

  function makeRow(r: number, index: number): HTMLElement {
    const row = rowAt(model, index, collapsed);
    const toggle = row.hasChildren
      ? el('button', { type: 'button', class: 'toggle', 'data-testid': 'span-toggle', 'aria-expanded': String(!row.collapsed), 'aria-label': row.collapsed ? 'Expand' : 'Collapse', tabindex: -1 }, row.collapsed ? '▸' : '▾')
      : el('span', { class: 'toggle' });
    const color = serviceColorIndex(row.service, PALETTE);
    const bar = el('div', { class: `bar c${color}${row.error ? ' error' : ''}`, style: `left: ${pct(row.startMs)}; width: max(1px, ${((row.endMs - row.startMs) / Math.max(range.toMs - range.fromMs, 1e-12)) * 100}%)`, title: `${row.name}: ${formatDuration(row.endMs - row.startMs)}` });
    const span = row.endMs - row.startMs;
    for (const k of eventsBySpan.get(index) ?? []) {
      const at = layout.eventNs[k] / 1e6;
      bar.appendChild(el('span', { class: 'event-mark', 'data-testid': 'event-mark', style: `left: ${span > 0 ? (((at - row.startMs) / span) * 100).toFixed(3) : 0}%`, title: layout.eventName[k] }));
    }
    const track = el('div', { class: 'track' }, bar);
    if (showCritical && critical) {
      for (const s of critical.get(index) ?? []) {
        track.appendChild(el('span', { class: 'cp', 'data-testid': 'critical-path', style: `left: ${pct(s.fromMs)}; width: max(1px, ${((s.toMs - s.fromMs) / Math.max(range.toMs - range.fromMs, 1e-12)) * 100}%)` }));
      }
    }
    return el(
      'div',
      {
        class: `row${index === current ? ' current' : ''}`,
        id: `span-row-${index}`,
        role: 'treeitem',
        'data-testid': 'span-row',
        'data-index': index,
        'data-span-id': row.spanId,
        'data-depth': row.depth,
        'data-error': row.error ? 'true' : undefined,
        'aria-level': row.depth + 1,
        'aria-selected': index === current ? 'true' : 'false',
        'aria-expanded': row.hasChildren ? String(!row.collapsed) : undefined,
        'aria-label': `${row.service} ${row.name}, ${formatDuration(row.endMs - row.startMs)}${row.error ? ', error' : ''}`,
        style: `top: ${r * ROW_HEIGHT}px`,
      },
      el('div', { class: 'label', style: `padding-left: ${Math.min(row.depth, 40) * 12}px` }, toggle, el('span', { class: `svc c${color}` }, row.service), ' ', el('span', { class: 'name' }, row.name)),
      track,
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
    if (current >= 0 && rendered.has(current)) scroller.setAttribute('aria-activedescendant', `span-row-${current}`);
    else scroller.removeAttribute('aria-activedescendant');
  }

  /** Collapse state, selection, zoom or critical path changed: every row may look different. */
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
      collapsed = toggleCollapsed(collapsed, layout.spanIds[index]);
      relayout();
    } else setCurrent(index, false);
    scroller.focus({ preventScroll: true });
  });

  let frame = 0;
  const drawSoon = () => {
    // Several scroll events in one frame make one draw.
    if (frame === 0)
      frame = requestAnimationFrame(() => {
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
    onSelect(index >= 0 ? layout.spanIds[index] : undefined);
  }

  function updateCount(): void {
    const at = matches.indexOf(current);
    const total = `${matches.length.toLocaleString('en-US')}${truncated ? '+' : ''}`;
    count.textContent = searchBox.value.trim() === '' ? '' : matches.length === 0 ? 'no match' : `${at >= 0 ? at + 1 : 0} / ${total}`;
  }

  function step(forward: boolean): void {
    if (matches.length === 0) return;
    const to = forward ? nextMatch(matches, current) : previousMatch(matches, current);
    if (to !== undefined) setCurrent(to, true);
  }

  // Search: the host answers; only the answer to the latest text counts.
  let searchSeq = 0;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let pending: Promise<void> | undefined;
  function runSearch(jump: boolean): Promise<void> {
    if (searchTimer !== undefined) clearTimeout(searchTimer);
    searchTimer = undefined;
    const seq = ++searchSeq;
    const text = searchBox.value.trim();
    if (text === '') {
      matches = [];
      truncated = false;
      updateCount();
      return Promise.resolve();
    }
    count.textContent = 'searching…';
    pending = search(text).then(
      (answer) => {
        if (seq !== searchSeq) return;
        matches = answer ? indicesOf(model, answer.spanIds) : [];
        truncated = answer?.truncated ?? false;
        if (jump && matches.length > 0) setCurrent(matches[0], true);
        else updateCount();
      },
      (e: unknown) => {
        if (seq === searchSeq) count.textContent = `search failed: ${(e as Error)?.message ?? String(e)}`;
      },
    );
    return pending;
  }

  searchBox.addEventListener('input', () => {
    if (searchTimer !== undefined) clearTimeout(searchTimer);
    searchTimer = setTimeout(() => void runSearch(true), SEARCH_DELAY_MS);
  });
  searchBox.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      // Enter before the pause in typing ran the search: run it now, and land on the first match.
      if (searchTimer !== undefined) void runSearch(true);
      else step(!e.shiftKey);
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      searchBox.value = '';
      void runSearch(false);
      scroller.focus();
    }
  });
  next.addEventListener('click', () => step(true));
  prev.addEventListener('click', () => step(false));
  const toNextError = () => {
    const to = nextError(errors, current);
    if (to !== undefined) setCurrent(to, true);
  };
  nextErr.addEventListener('click', toNextError);
  depthSelect.addEventListener('change', () => {
    collapsed = depthSelect.value === '' ? expandAll() : collapseToDepth(model, Number(depthSelect.value));
    relayout();
  });
  criticalToggle.addEventListener('change', () => {
    showCritical = criticalToggle.checked;
    redraw();
  });
  scroller.addEventListener('scroll', drawSoon, { passive: true });
  // Keyboard: arrows move, Left/Right collapse/expand (or go to the parent), Home/End, / searches,
  // E next error, + and - zoom around the selected span, 0 shows the whole trace.
  scroller.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const r = Math.max(0, shown.indexOf(current));
    const go = (to: number) => {
      e.preventDefault();
      setCurrent(shown[Math.max(0, Math.min(shown.length - 1, to))], true);
    };
    switch (e.key) {
      case 'ArrowDown':
        return go(current < 0 ? 0 : r + 1);
      case 'ArrowUp':
        return go(r - 1);
      case 'PageDown':
        return go(r + Math.floor((scroller.clientHeight || 600) / ROW_HEIGHT));
      case 'PageUp':
        return go(r - Math.floor((scroller.clientHeight || 600) / ROW_HEIGHT));
      case 'Home':
        return go(0);
      case 'End':
        return go(shown.length - 1);
      case 'ArrowLeft':
      case 'ArrowRight': {
        if (current < 0) return;
        e.preventDefault();
        const id = layout.spanIds[current];
        const isCollapsed = collapsed.has(id);
        if (hasChildren(model, current) && (e.key === 'ArrowLeft') !== isCollapsed) {
          collapsed = toggleCollapsed(collapsed, id);
          relayout();
        } else if (e.key === 'ArrowLeft' && model.parent[current] >= 0) setCurrent(model.parent[current], true);
        return;
      }
      case 'Enter':
      case ' ':
        if (current >= 0 && hasChildren(model, current)) {
          e.preventDefault();
          collapsed = toggleCollapsed(collapsed, layout.spanIds[current]);
          relayout();
        }
        return;
      case '/':
        e.preventDefault();
        searchBox.focus();
        return;
      case 'e':
      case 'E':
        e.preventDefault();
        toNextError();
        return;
      case '+':
      case '=':
      case '-':
        e.preventDefault();
        zoomBy(e.key === '-' ? 2 : 0.5);
        return;
      case '0':
        e.preventDefault();
        setRange(undefined);
        return;
    }
  });

  // ----- zoom: the minimap's brush, the keyboard, the reset button.
  let brush: BrushBehavior<unknown> | undefined;
  let moving = false;

  function setRange(to: { fromMs: number; toMs: number } | undefined): void {
    const total = model.durationMs;
    zoomed = to !== undefined && to.toMs - to.fromMs < total * (1 - 1e-9);
    range = zoomed && to ? clampRange(to.fromMs, to.toMs, total, total * MIN_ZOOM_SHARE) : { fromMs: 0, toMs: total };
    zoomReset.hidden = !zoomed;
    element.toggleAttribute('data-zoomed', zoomed);
    drawAxis();
    redraw();
    syncBrush();
  }

  function zoomBy(factor: number): void {
    const width = (range.toMs - range.fromMs) * factor;
    const centre = current >= 0 ? (model.startMs[current] + model.endMs[current]) / 2 : (range.fromMs + range.toMs) / 2;
    setRange(width >= model.durationMs ? undefined : { fromMs: centre - width / 2, toMs: centre + width / 2 });
  }

  function syncBrush(): void {
    if (!brush || moving) return;
    const w = brushLayer.clientWidth;
    const total = model.durationMs || 1;
    moving = true;
    select(brushLayer as SVGSVGElement).call(brush.move as never, zoomed ? [(range.fromMs / total) * w, (range.toMs / total) * w] : null);
    moving = false;
  }

  function setUpBrush(): void {
    const w = brushLayer.clientWidth;
    if (w === 0) return;
    brush = brushX<unknown>()
      .extent([
        [0, 0],
        [w, MINIMAP_HEIGHT],
      ])
      .on('end', (event: { selection: [number, number] | null; sourceEvent?: unknown }) => {
        if (moving || !event.sourceEvent) return;
        const total = model.durationMs;
        setRange(event.selection ? { fromMs: (event.selection[0] / w) * total, toMs: (event.selection[1] / w) * total } : undefined);
      });
    select(brushLayer as SVGSVGElement).call(brush as never);
    syncBrush();
  }

  zoomReset.addEventListener('click', () => setRange(undefined));

  /** The whole trace, one line per span in display order, in its service's colour. */
  function drawMinimap(): void {
    const w = Math.max(1, Math.floor(canvas.clientWidth * devicePixelRatio));
    const h = Math.max(1, Math.floor(MINIMAP_HEIGHT * devicePixelRatio));
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, w, h);
    const n = layout.spanIds.length;
    const total = model.durationMs || 1;
    const colours = paletteColours(element);
    // A few spans get thin lines from the top, as many spans share the height.
    const rowH = Math.max(1, Math.min(3 * devicePixelRatio, h / Math.max(n, 1)));
    const y = (i: number) => (n * rowH <= h ? i * rowH : Math.floor((i / n) * h));
    // One pass per colour: switching fillStyle per span is what costs on 50,000 spans.
    for (let c = 0; c < PALETTE; c++) {
      ctx.fillStyle = colours[c];
      for (let i = 0; i < n; i++) {
        if (serviceColour[layout.serviceIndex[i]] !== c) continue;
        const x = (model.startMs[i] / total) * w;
        ctx.fillRect(x, y(i), Math.max(1, ((model.endMs[i] - model.startMs[i]) / total) * w), rowH);
      }
    }
  }
  let serviceColour = layout.services.map((s) => serviceColorIndex(s, PALETTE));

  // The critical path costs O(n log n): computed after the first frame, so opening is not slower.
  let criticalTimer: ReturnType<typeof setTimeout> | undefined;
  function computeCriticalSoon(): void {
    if (criticalTimer !== undefined) clearTimeout(criticalTimer);
    criticalTimer = setTimeout(() => {
      criticalTimer = undefined;
      critical = sectionsBySpan(criticalPath(layout));
      element.setAttribute('data-critical-path', String(critical.size));
      if (showCritical) redraw();
    }, 0);
  }

  let sized = false;
  new ResizeObserver(() => {
    drawSoon();
    if (!sized && canvas.clientWidth > 0) {
      sized = true;
      setUpBrush();
    }
    if (sized) {
      drawMinimap();
      if (brush) {
        brush.extent([
          [0, 0],
          [brushLayer.clientWidth, MINIMAP_HEIGHT],
        ]);
        select(brushLayer as SVGSVGElement).call(brush as never);
        syncBrush();
      }
    }
  }).observe(minimap);
  new ResizeObserver(drawSoon).observe(scroller);

  refreshChrome();
  drawAxis();
  // The first frame right away; rows need the scroller's height, known once it is in the page.
  requestAnimationFrame(() => draw());
  draw();
  computeCriticalSoon();

  return {
    element,
    get startUnixMs() {
      return model.startUnixMs;
    },
    selected: () => (current >= 0 ? layout.spanIds[current] : undefined),
    select(spanId) {
      const i = model.indexById.get(spanId);
      if (i !== undefined) setCurrent(i, true);
    },
    update(next) {
      const selectedId = current >= 0 ? layout.spanIds[current] : undefined;
      layout = next;
      model = buildWaterfall(layout);
      errors = errorIndices(layout);
      eventsBySpan = groupEvents(layout);
      serviceColour = layout.services.map((s) => serviceColorIndex(s, PALETTE));
      current = selectedId !== undefined ? (model.indexById.get(selectedId) ?? -1) : -1;
      critical = undefined;
      refreshChrome();
      // The rows for the new model, then one redraw (setRange draws them in the kept range).
      shown = visibleIndices(model, collapsed);
      setRange(zoomed ? range : undefined);
      if (sized) drawMinimap();
      computeCriticalSoon();
      if (searchBox.value.trim() !== '') void runSearch(false);
    },
    focus: () => scroller.focus(),
  };
}

/** Event indices by span index. */
function groupEvents(layout: TraceLayoutDto): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let k = 0; k < layout.eventSpan.length; k++) {
    const list = out.get(layout.eventSpan[k]);
    if (list) list.push(k);
    else out.set(layout.eventSpan[k], [k]);
  }
  return out;
}

/** The palette as the theme resolves it (canvas needs colours, not CSS variables). */
function paletteColours(host: HTMLElement): string[] {
  const out: string[] = [];
  for (let c = 0; c < PALETTE; c++) {
    const probe = el('span', { class: `bar c${c}`, style: 'position: absolute; visibility: hidden' });
    host.appendChild(probe);
    out.push(getComputedStyle(probe).backgroundColor);
    probe.remove();
  }
  return out;
}
