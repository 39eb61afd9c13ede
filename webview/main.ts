// The trace viewer: the live trace list, the waterfall of the open trace and the selected span's
// details. The same bundle runs in the VS Code webview and in a browser (meshlens serve); channel.ts
// hides which. Everything shown from a span is text (dom.ts), never markup.
import type { SpanDto, TraceDto, TraceQueryDto } from '../src/shared/protocol';
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
let openTrace: TraceDto | undefined;
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

function showDetails(span: SpanDto | undefined): void {
  clear(detailsPane);
  if (!span || !openTrace || !waterfall) return;
  detailsPane.appendChild(
    renderDetails(openTrace, span, waterfall.startUnixMs, (traceId, spanId) => {
      if (traceId === openTrace?.summary.traceId) waterfall?.select(spanId);
      else void open(traceId, spanId);
    }, channel),
  );
}

async function open(traceId: string, spanId?: string): Promise<void> {
  try {
    const trace = await channel.request('trace', { traceId });
    openTrace = trace ?? undefined;
    list.setSelected(trace ? traceId : undefined);
    clear(tracePane);
    clear(detailsPane);
    if (!trace) {
      tracePane.appendChild(el('p', { class: 'empty' }, `Trace ${traceId} is not in the store (not received yet, or evicted).`));
      waterfall = undefined;
    } else {
      waterfall = renderWaterfall(trace, showDetails);
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
  if (id && (msg.updated.includes(id) || msg.added.includes(id))) void open(id, waterfall?.selected()?.spanId);
});

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') clear(detailsPane);
});

void refresh().then(() => {
  if (saved?.selectedTraceId) void open(saved.selectedTraceId);
});
