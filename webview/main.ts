// The trace viewer: the live trace list, the waterfall of the open trace and the selected span's
// details. The same bundle runs in the VS Code webview and in a browser (meshlens serve); channel.ts
// hides which. Everything shown from a span is text (dom.ts), never markup.
import type { TraceLayoutDto, TraceQueryDto } from '../src/shared/protocol';
import { createChannel } from './channel';
import { clear, el } from './dom';
import { renderDetails } from './views/details';
import { fileActions } from './views/files';
import { renderList } from './views/list';
import { renderMap } from './views/map';
import { renderWaterfall, type WaterfallView } from './views/waterfall';

const channel = createChannel();
const saved = channel.getState();
const root = document.getElementById('app') ?? document.body;
const banner = el('div', { class: 'banner', role: 'status', hidden: true });
const tracePane = el('div', { class: 'trace-pane' }, el('p', { class: 'empty' }, 'Select a trace.'));
const detailsPane = el('div', { class: 'details-pane' });
let paused = false;
/** The trace in the waterfall (its layout; a span's details are asked for when it is selected). */
let openTrace: TraceLayoutDto | undefined;
let waterfall: WaterfallView | undefined;
let refreshing: Promise<void> | undefined;
let again = false;

const list = renderList(
  saved?.filters ?? {},
  () => void refresh(),
  (id) => void open(id),
  (p) => {
    paused = p;
    if (!p) void refresh();
  },
  typeof saved?.followDebugSession === 'boolean' ? saved.followDebugSession : undefined,
);
clear(root);
const tracesPanel = el('div', { class: 'tab-panel', role: 'tabpanel', id: 'panel-traces', 'aria-labelledby': 'tab-traces' });
const mapPanel = el('div', { class: 'tab-panel', role: 'tabpanel', id: 'panel-map', 'aria-labelledby': 'tab-map', hidden: true });
const files = fileActions(channel, (id) => void open(id));
tracesPanel.appendChild(el('div', { class: 'viewer' }, banner, files.element, list.element, el('div', { class: 'lower' }, tracePane, detailsPane)));

// Traces | Map. The active tab is not part of ViewerState: a reload starts on Traces.
type Tab = 'traces' | 'map';
const tabButton = (tab: Tab, text: string, panel: HTMLElement) =>
  el('button', { type: 'button', role: 'tab', id: `tab-${tab}`, 'aria-controls': panel.id, 'aria-selected': tab === 'traces' ? 'true' : 'false', tabindex: tab === 'traces' ? 0 : -1, 'data-testid': `tab-${tab}` }, text);
const tabs: Record<Tab, HTMLButtonElement> = { traces: tabButton('traces', 'Traces', tracesPanel), map: tabButton('map', 'Map', mapPanel) };
const order: Tab[] = ['traces', 'map'];
const map = renderMap(channel, { openTrace: (id) => {
  showTab('traces');
  void open(id);
}, showMap: () => showTab('map') });
mapPanel.appendChild(map.element);

function showTab(tab: Tab, focus = false): void {
  for (const t of order) {
    tabs[t].setAttribute('aria-selected', String(t === tab));
    tabs[t].tabIndex = t === tab ? 0 : -1;
  }
  tracesPanel.hidden = tab !== 'traces';
  mapPanel.hidden = tab !== 'map';
  if (tab === 'map') map.show();
  else map.hide();
  if (focus) tabs[tab].focus();
}
const tablist = el('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' }, tabs.traces, tabs.map);
tablist.addEventListener('click', (e) => {
  const t = order.find((x) => tabs[x] === (e.target as Element).closest('[role="tab"]'));
  if (t) showTab(t);
});
tablist.addEventListener('keydown', (e) => {
  const i = order.findIndex((x) => tabs[x] === document.activeElement);
  if (i < 0) return;
  const next = e.key === 'ArrowRight' ? (i + 1) % order.length : e.key === 'ArrowLeft' ? (i + order.length - 1) % order.length : e.key === 'Home' ? 0 : e.key === 'End' ? order.length - 1 : -1;
  if (next < 0) return;
  e.preventDefault();
  showTab(order[next], true);
});
root.appendChild(el('div', { class: 'app-shell' }, tablist, tracesPanel, mapPanel));

function save(): void {
  files.setOpenTrace(openTrace?.summary.traceId);
  // The session filter is not saved with the others: the toggle follows whichever session is current.
  const filters: { -readonly [K in keyof TraceQueryDto]: TraceQueryDto[K] } = { ...list.query() };
  delete filters.debugSession;
  channel.setState({ selectedTraceId: openTrace?.summary.traceId, filters, followDebugSession: list.followPreference() });
}

function fail(e: unknown): void {
  banner.hidden = false;
  banner.textContent = `MeshLens: ${(e as Error)?.message ?? String(e)}`;
}

/** One refresh at a time; a change during one asks for another after it. */
function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    try {
      const [traces, services] = await Promise.all([channel.request('query', list.query()), channel.request('services', {})]);
      list.setServices(services.services);
      // The group headers' counts, before the rows are drawn (one draw per refresh).
      const ids = list.sessionIds(traces.traces);
      if (ids.length) list.setSessionCounts((await channel.request('debugSessionCounts', { ids })).counts);
      list.setTraces(traces.traces);
      banner.hidden = true;
      save();
    } catch (e) {
      fail(e);
    } finally {
      refreshing = undefined;
      if (again) {
        again = false;
        void refresh();
      }
    }
  })();
  return refreshing;
}

/** Only the answer for the latest selection is shown (a slow answer must not replace a newer one). */
let detailsSeq = 0;

async function showDetails(spanId: string | undefined): Promise<void> {
  const seq = ++detailsSeq;
  const traceId = openTrace?.summary.traceId;
  if (!spanId || !traceId) {
    clear(detailsPane);
    return;
  }
  try {
    const one = await channel.request('span', { traceId, spanId });
    if (seq !== detailsSeq || !waterfall) return;
    clear(detailsPane);
    if (!one || one.spans.length === 0) {
      detailsPane.appendChild(el('p', { class: 'empty' }, `Span ${spanId} is no longer in the store.`));
      return;
    }
    detailsPane.appendChild(
      renderDetails(one, one.spans[0], waterfall.startUnixMs, (linkTrace, linkSpan) => {
        if (linkTrace === openTrace?.summary.traceId) waterfall?.select(linkSpan);
        else void open(linkTrace, linkSpan);
      }, channel),
    );
  } catch (e) {
    if (seq === detailsSeq) fail(e);
  }
}

/** Opens a trace in the waterfall, or brings the open one up to date (keeping the user's view). */
async function open(traceId: string, spanId?: string): Promise<void> {
  try {
    const layout = await channel.request('layout', { traceId });
    if (layout && waterfall && openTrace?.summary.traceId === layout.summary.traceId && !spanId) {
      openTrace = layout;
      waterfall.update(layout);
      return;
    }
    openTrace = layout ?? undefined;
    list.setSelected(layout ? traceId : undefined);
    clear(tracePane);
    ++detailsSeq;
    clear(detailsPane);
    if (!layout) {
      tracePane.appendChild(el('p', { class: 'empty' }, `Trace ${traceId} is not in the store (not received yet, or evicted).`));
      waterfall = undefined;
    } else {
      waterfall = renderWaterfall(layout, (id) => void showDetails(id), (text) => channel.request('search', { traceId, text }));
      tracePane.appendChild(waterfall.element);
      if (spanId) waterfall.select(spanId);
    }
    save();
  } catch (e) {
    fail(e);
  }
}

channel.onDebugSessions((msg) => {
  list.setDebugSessions(msg);
  void refresh();
});

channel.onLive((msg) => {
  if (msg.type === 'resync') {
    void refresh();
    return;
  }
  if (paused) return;
  void refresh();
  // The open trace got spans: show them (keeping the selection).
  const id = openTrace?.summary.traceId;
  if (id && (msg.updated.includes(id) || msg.added.includes(id))) void open(id);
});

// Esc closes the details and puts the keyboard back on the spans.
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented || detailsPane.firstChild === null) return;
  ++detailsSeq;
  clear(detailsPane);
  waterfall?.focus();
});

void refresh().then(() => {
  if (saved?.selectedTraceId) void open(saved.selectedTraceId);
});
