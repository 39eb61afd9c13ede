// The trace viewer: the live trace list, the waterfall of the open trace and the selected span's
// details. The same bundle runs in the VS Code webview and in a browser (meshlens serve); channel.ts
// hides which. Everything shown from a span is text (dom.ts), never markup.
import type { TraceLayoutDto, TraceQueryDto } from '../src/shared/protocol';
import { createChannel } from './channel';
import { clear, el } from './dom';
import { renderDetails } from './views/details';
import { fileActions } from './views/files';
import { renderList } from './views/list';
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

const list = renderList(saved?.filters ?? {}, () => void refresh(), (id) => void open(id), (p) => {
  paused = p;
  if (!p) void refresh();
});
clear(root);
root.appendChild(el('div', { class: 'viewer' }, banner, fileActions(channel, () => openTrace?.summary.traceId), list.element, el('div', { class: 'lower' }, tracePane, detailsPane)));

function save(): void {
  channel.setState({ selectedTraceId: openTrace?.summary.traceId, filters: list.query() as TraceQueryDto });
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
