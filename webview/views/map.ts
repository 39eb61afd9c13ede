// The service map (issue 9): the graph the trace source derives from spans (src/shared/graph.ts),
// drawn left to right by the layered layout of model/map-layout.ts, with d3 for the SVG joins and
// zoom. Services are boxes; with "versioned" their versions sit inside the app box (Kiali's
// versioned app graph); databases are cylinders, messaging systems parallelograms, external
// services dashed boxes, users a circle. Edges carry rate, error % and p95, are as thick as their
// rate and coloured by health (Kiali's thresholds). Live updates keep every node where it was
// (new ones go to the end of their column, model/map-place.ts) and stay within a frame's budget:
// they bind the new data, write what entered, and write the figures of the rest in slices of a
// few ms per animation frame, skipping what the level of detail does not paint until it is shown.
// Elements sit in chunks that Chromium paints as layers of their own (chunkOf), so such a frame
// re-records only the chunks it wrote to, and geometry that did not move is not written again.
//
// Everything from spans is text (textContent, d3 .text()), never markup.
import * as d3 from 'd3';
import type { GraphDto, GraphEdgeDto, GraphMetricsDto, GraphNodeDto, GraphWindow } from '../../src/shared/graph';
import { DEFAULT_HEALTH_THRESHOLDS, GRAPH_WINDOWS } from '../../src/shared/graph';
import type { ManifestRefDto } from '../../src/shared/protocol';
import type { Channel } from '../channel';
import { button, checkbox, dropdown, textField } from '../components';
import { clear, el } from '../dom';
import { edgeMetrics, matchEdge, matchNode, nodeMetrics, parseMapExpr, type MapTerm } from '../model/map-expr';
import { edgeAccessibleName, edgeLabel, edgeWidth, formatErrorPct, formatMs, formatRate, health, nodeAccessibleName, thresholdsText } from '../model/map-format';
import { layoutMap, type LayoutBox, type LayoutLink, type Placed } from '../model/map-layout';
import { placeNew } from '../model/map-place';

export interface MapView {
  readonly element: HTMLElement;
  /** The tab became visible: load (or catch up on live changes missed while hidden). */
  show(): void;
  hide(): void;
  /** Select and centre a service (the editor's "Reveal on Service Map"). */
  reveal(service: string): void;
}

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 168;
const NODE_H = 46;
const USER_W = 64;
const VERSION_W = 140;
const VERSION_H = 30;
const APP_HEAD = 30;
const VERSION_GAP = 6;
/** Live changes re-query the graph at most once per second. */
const LIVE_MIN_INTERVAL_MS = 1000;
const TRACE_LIMIT = 20;
const NAME_CHARS = 22;
/** Below this zoom edge labels, second lines and traffic dashes are left out; below the next, names too. */
const FAR_SCALE = 0.55;
const FARTHER_SCALE = 0.3;
/**
 * Script time per frame for bringing existing elements up to date after a live update: the rest
 * waits for the next frame, so style, layout and paint of what changed fit in the same 16 ms.
 */
const SLICE_BUDGET_MS = 3;
/** Writes that change what is painted per slice: see paintWrites. */
const SLICE_PAINT_WRITES = 100;
/** Elements per paint layer: see chunkOf. */
const CHUNK = 64;
/** How far from the origin a chunk reaches (map units; 1,000 services span about 40,000). */
const CHUNK_EXTENT = 1_000_000;

/** A drawn node: where it is (absolute), how big, and what it is. */
interface Drawn {
  readonly node: GraphNodeDto;
  x: number;
  y: number;
  w: number;
  h: number;
  /** For version nodes: their app's name. */
  readonly app?: string;
  /** Service nodes drawn as an app box around their versions. */
  readonly versions?: GraphNodeDto[];
}

const WINDOW_TEXT: Record<GraphWindow, string> = { '1m': 'Last minute', '5m': 'Last 5 minutes', '15m': 'Last 15 minutes', all: 'All' };

function short(name: string): string {
  return name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS - 1)}…` : name;
}

/**
 * What put() and putText() last wrote on each element. A live update compares with these instead of
 * reading the DOM back: on a 300-service map the getAttribute/textContent reads alone took more than
 * a frame. So every write to a map element's attributes goes through put(), or this goes stale.
 */
const written = new WeakMap<Element, Map<string, string | null>>();
/**
 * Writes that change what is painted, since the last slice began. Style, layout and paint of a
 * frame grow with them (about 0.04 ms each on a 300-service map, on top of a fixed few ms for any
 * change), not with the script that computed them, so a slice is bounded by both.
 */
let paintWrites = 0;

/** Writes an attribute only when its value changes: each write invalidates style and paint even when the value is the same. */
function put(e: Element, name: string, value: string | number | null): void {
  let w = written.get(e);
  if (!w) written.set(e, (w = new Map()));
  const v = value === null ? null : String(value);
  if (w.has(name) && w.get(name) === v) return;
  w.set(name, v);
  // An accessible name changes nothing on screen.
  if (name !== 'aria-label') paintWrites++;
  if (v === null) e.removeAttribute(name);
  else e.setAttribute(name, v);
}

function putText(e: Element, text: string): void {
  let w = written.get(e);
  if (!w) written.set(e, (w = new Map()));
  if (w.has('#text') && w.get('#text') === text) return;
  w.set('#text', text);
  paintWrites++;
  e.textContent = text;
}

/**
 * The datum each map element was last written from. Live updates keep nodes where they are, so
 * most elements keep their geometry: comparing with this skips building and comparing its strings
 * (paths, transforms, positions), which was most of a slice's script.
 */
const writtenFrom = new WeakMap<Element, unknown>();

/** Whether `e`'s geometry must be written for `d` (true the first time), and records `d` as written. */
function reshaped<T>(e: Element, d: T, same: (was: T, now: T) => boolean): boolean {
  const was = writtenFrom.get(e) as T | undefined;
  writtenFrom.set(e, d);
  return was === undefined || !same(was, d);
}

/** The datum bound to a map element (where d3 keeps it, so d3 selections see it too). */
function datum<T>(e: Element): T {
  return (e as unknown as { __data__: T }).__data__;
}

function setDatum<T>(e: Element, d: T): void {
  (e as unknown as { __data__: T }).__data__ = d;
}

function metricsLine(m: GraphMetricsDto): string {
  return m.requests === 0 ? 'no traffic' : `${formatRate(m.ratePerSec)} rps · ${formatErrorPct(m.errorRate)}`;
}

export interface MapHooks {
  /** Opens a trace in the Traces tab's waterfall. */
  openTrace(traceId: string): void;
  /** Brings the Map tab forward (the editor asked to reveal a service). */
  showMap(): void;
}

export function renderMap(channel: Channel, hooks: MapHooks): MapView {
  const reducedMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  let windowValue: GraphWindow = '5m';
  let graph: GraphDto | undefined;
  let findTerms: readonly MapTerm[] = [];
  let hideTerms: readonly MapTerm[] = [];
  /** Top-level box positions by id, kept across updates. */
  let positions = new Map<string, Placed>();
  let sizes = new Map<string, { w: number; h: number }>();
  let drawn = new Map<string, Drawn>();
  let selected: { kind: 'node' | 'edge'; id: string } | undefined;
  let focusId: string | undefined;
  let fitted = false;
  let visible = false;
  let dirty = true;
  let manifests: Readonly<Record<string, readonly ManifestRefDto[]>> = {};
  let pendingReveal: string | undefined;
  /** The busiest drawn edge's rate: edge widths are relative to it. */
  let maxRate = 0;
  /** Zoomed out below FAR_SCALE: edge labels and node subtitles are not painted. */
  let far = false;
  /**
   * Existing elements to bring up to date with their (already bound) datum, oldest first: a live
   * update only binds the new data and queues, requestAnimationFrame slices write (pump()).
   * Elements that enter are written at once.
   */
  const queue = new Map<SVGGElement, (g: SVGGElement) => void>();
  let pumpFrame = 0;
  let queuedAtMs = 0;
  /** Script time of draws since the last slice. */
  let drawScriptMs = 0;
  /** Elements whose figures were left out while zoomed out (level of detail), with their writer. */
  const lodStale = new Map<SVGGElement, (g: SVGGElement) => void>();

  // Controls.
  const exprError = el('div', { class: 'map-expr-error', id: 'map-expr-error', role: 'alert', 'data-testid': 'map-expr-error', hidden: true });
  const find = textField('Find', { 'data-testid': 'map-find', placeholder: 'Find: name=reviews errors>1%', class: 'map-expr' }, () => applyExpr());
  const hideField = textField('Hide', { 'data-testid': 'map-hide', placeholder: 'Hide: kind=external rate<0.1', class: 'map-expr' }, () => applyExpr());
  const windowSelect = dropdown('Time window', { 'data-testid': 'map-window' }, () => {
    windowValue = windowSelect.value as GraphWindow;
    void load();
  });
  windowSelect.setOptions(GRAPH_WINDOWS.map((w) => [w, WINDOW_TEXT[w]] as const), windowValue);
  const versioned = checkbox('Versions', { 'data-testid': 'map-versioned', title: 'Show the versions of each service inside its box' }, () => {
    // Boxes change size: a fresh layout, then fit.
    positions = new Map();
    fitted = false;
    void load();
  });
  const animate = checkbox('Traffic animation', { 'data-testid': 'map-animate', checked: !reducedMotion }, () => root.classList.toggle('animate', animate.checked));
  const fitButton = button('Fit', { 'data-testid': 'map-fit', title: 'Fit the map to the view (f)' }, () => fit(true));
  // Live updates never move a node; new ones go to the end of their column. This lays out anew.
  const relayoutButton = button('Re-layout', { 'data-testid': 'map-relayout', title: 'Lay the whole map out again (live updates only add to the end of each column), then fit' }, () => {
    positions = new Map();
    fitted = false;
    draw();
  });
  const status = el('span', { class: 'map-status muted', role: 'status', 'data-testid': 'map-status' });
  const th = thresholdsText(DEFAULT_HEALTH_THRESHOLDS);
  const legend = el(
    'div',
    { class: 'map-legend', 'data-testid': 'map-legend', role: 'note', 'aria-label': 'Edge colours' },
    el('span', { class: 'swatch healthy' }),
    `healthy (${th.healthy})`,
    el('span', { class: 'swatch degraded' }),
    `degraded (errors ${th.degraded})`,
    el('span', { class: 'swatch failure' }),
    `failing (errors ${th.failure})`,
    el('span', { class: 'swatch none' }),
    'no traffic',
  );
  const toolbar = el('div', { class: 'map-toolbar', role: 'toolbar', 'aria-label': 'Map' }, find.element, hideField.element, windowSelect.element, versioned.element, animate.element, fitButton.element, relayoutButton.element, status);
  const details = el('aside', { class: 'map-details', 'data-testid': 'map-details', 'aria-label': 'Selection', hidden: true });

  const svgEl = document.createElementNS(SVG, 'svg');
  svgEl.setAttribute('class', 'map-svg');
  svgEl.setAttribute('role', 'group');
  svgEl.setAttribute('aria-label', 'Service map: Tab to the nodes, arrows to move between them, Enter to select, f to fit');
  const svg = d3.select(svgEl);
  const viewport = svg.append('g').attr('class', 'viewport');
  const gApps = viewport.append('g').attr('class', 'apps');
  const gEdges = viewport.append('g').attr('class', 'edges');
  const gNodes = viewport.append('g').attr('class', 'nodes');
  /** The drawn groups by node or edge id. */
  const appEls = new Map<string, SVGGElement>();
  const nodeEls = new Map<string, SVGGElement>();
  const edgeEls = new Map<string, SVGGElement>();
  const empty = el('p', { class: 'map-empty empty', hidden: true }, 'No traffic in this window yet. Send traces to the receiver, or choose a longer window.');
  const canvas = el('div', { class: 'map-canvas' }, svgEl, empty, legend);
  const root = el('div', { class: 'map', 'data-testid': 'map' }, toolbar, exprError, el('div', { class: 'map-body' }, canvas, details));
  root.classList.toggle('animate', animate.checked);

  const zoom = d3
    .zoom<SVGSVGElement, unknown>()
    .scaleExtent([0.05, 4])
    .on('zoom', (e: d3.D3ZoomEvent<SVGSVGElement, unknown>) => {
      viewport.attr('transform', e.transform.toString());
      // Level of detail: text too small to read is not drawn (nor its halo, nor the moving
      // dashes), which is most of the paint of a large map seen whole.
      const wasFar = far;
      far = e.transform.k < FAR_SCALE;
      root.classList.toggle('far', far);
      root.classList.toggle('farther', e.transform.k < FARTHER_SCALE);
      // Figures skipped while they were not painted: written now, in slices like a live update.
      if (wasFar && !far) {
        if (queue.size === 0) queuedAtMs = performance.now();
        for (const [g, apply] of lodStale) enqueue(g, apply);
        lodStale.clear();
      }
    });
  svg.call(zoom).on('dblclick.zoom', null);

  // ---- data ----
  let seq = 0;
  let inflight = false;
  let again = false;
  let lastRequestMs = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** `live`: a live change, written in slices; anything else people asked for is written at once. */
  async function load(live = false): Promise<void> {
    const mine = ++seq;
    inflight = true;
    lastRequestMs = performance.now();
    try {
      const g = await channel.request('graph', { window: windowValue, versioned: versioned.checked });
      if (mine !== seq) return;
      graph = g;
      dirty = false;
      draw(!live);
    } catch (e) {
      if (mine === seq) status.textContent = `Cannot load the graph: ${(e as Error)?.message ?? String(e)}`;
    } finally {
      if (mine === seq) inflight = false;
      if (again && mine === seq) {
        again = false;
        scheduleLive();
      }
    }
  }

  /** A live change: one graph request per second at most, the last change never lost. */
  function scheduleLive(): void {
    if (!visible) {
      dirty = true;
      return;
    }
    if (timer !== undefined) return;
    if (inflight) {
      again = true;
      return;
    }
    const wait = Math.max(0, lastRequestMs + LIVE_MIN_INTERVAL_MS - performance.now());
    timer = setTimeout(() => {
      timer = undefined;
      void load(true);
    }, wait);
  }
  channel.onLive(() => scheduleLive());

  if (channel.inVsCode) {
    // Only the panel host answers these; a refusal means no badges.
    channel.request('serviceManifests', {}).then(
      (r) => {
        manifests = r.services;
        if (graph) draw();
      },
      () => undefined,
    );
    const wait = (): void => {
      channel.request('nextMapReveal', {}).then(
        (r) => {
          if (!r) return;
          hooks.showMap();
          view.reveal(r.service);
          wait();
        },
        () => undefined,
      );
    };
    wait();
  }

  // ---- expressions ----
  function applyExpr(): void {
    const f = parseMapExpr(find.value);
    const h = parseMapExpr(hideField.value);
    const bad = !f.ok ? `Find: ${f.error}` : !h.ok ? `Hide: ${h.error}` : '';
    exprError.hidden = !bad;
    exprError.textContent = bad;
    find.setInvalid(!f.ok ? 'map-expr-error' : undefined);
    hideField.setInvalid(!h.ok ? 'map-expr-error' : undefined);
    // A bad expression leaves the map as the last good one drew it.
    if (f.ok) findTerms = f.terms;
    if (h.ok) hideTerms = h.terms;
    if (graph) draw();
  }

  // ---- drawing ----
  /** `now`: every element is written before returning (else the existing ones in slices). */
  function draw(now = true): void {
    if (!graph) return;
    const t0 = performance.now();
    const g = graph;
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    const versionsOf = new Map<string, GraphNodeDto[]>();
    for (const n of g.nodes) if (n.kind === 'version' && n.parent && byId.has(n.parent)) (versionsOf.get(n.parent) ?? versionsOf.set(n.parent, []).get(n.parent)!).push(n);
    for (const vs of versionsOf.values()) vs.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    const top = (id: string): string => {
      const n = byId.get(id);
      return n?.kind === 'version' && n.parent && byId.has(n.parent) ? n.parent : id;
    };
    const appName = (n: GraphNodeDto) => (n.kind === 'version' && n.parent ? byId.get(n.parent)?.name : undefined);

    // Layout of the top-level boxes (hidden ones too: hiding must not move the rest).
    const boxes: LayoutBox[] = [];
    const newSizes = new Map<string, { w: number; h: number }>();
    for (const n of g.nodes) {
      if (n.kind === 'version' && n.parent && byId.has(n.parent)) continue;
      const vs = versionsOf.get(n.id);
      const w = n.kind === 'user' ? USER_W : vs ? VERSION_W + 24 : NODE_W;
      const h = vs ? APP_HEAD + vs.length * (VERSION_H + VERSION_GAP) + 6 : n.kind === 'user' ? USER_W : n.kind === 'database' ? NODE_H + 10 : NODE_H;
      boxes.push({ id: n.id, width: w, height: h });
      newSizes.set(n.id, { w, h });
    }
    // Only a layout reads the links: the usual live update (nothing new) skips building them.
    const links = (): LayoutLink[] => g.edges.map((e) => ({ source: top(e.source), target: top(e.target) }));
    // A box that changed size (a new version inside) is placed again rather than overlapping others.
    const keep = new Map<string, Placed>();
    for (const [id, p] of positions) {
      const was = sizes.get(id);
      const now = newSizes.get(id);
      if (now && was && was.w === now.w && was.h === now.h) keep.set(id, p);
    }
    // Nothing new (the usual live update): no layout at all. Something new: placed at the end of
    // its column, nothing else moves (a full layout re-orders columns and takes more than a frame
    // at 300 services). A full layout only for the first draw, Versions, and Re-layout.
    const gaps = { columnGap: 200, rowGap: 40 };
    positions = keep.size === 0 ? layoutMap(boxes, links(), keep, gaps) : boxes.every((b) => keep.has(b.id)) ? keep : placeNew(boxes, links(), keep, gaps);
    sizes = newSizes;

    // What is drawn: hidden nodes (and versions of hidden apps) left out.
    const hidden = new Set<string>();
    if (hideTerms.length) for (const n of g.nodes) if (matchNode(n, hideTerms, appName(n))) hidden.add(n.id);
    for (const n of g.nodes) if (n.kind === 'version' && n.parent && hidden.has(n.parent)) hidden.add(n.id);
    drawn = new Map();
    for (const n of g.nodes) {
      if (hidden.has(n.id) || (n.kind === 'version' && n.parent && byId.has(n.parent))) continue;
      const p = positions.get(n.id)!;
      const s = newSizes.get(n.id)!;
      const vs = versionsOf.get(n.id);
      drawn.set(n.id, { node: n, x: p.x, y: p.y, w: s.w, h: s.h, versions: vs });
      vs?.forEach((v, i) => {
        if (hidden.has(v.id)) return;
        drawn.set(v.id, { node: v, app: n.name, x: p.x + 12, y: p.y + APP_HEAD + i * (VERSION_H + VERSION_GAP), w: VERSION_W, h: VERSION_H });
      });
    }
    const edges = g.edges.filter((e) => drawn.has(e.source) && drawn.has(e.target));
    maxRate = Math.max(0, ...edges.map((e) => edgeMetrics(e)?.ratePerSec ?? 0));

    queuedAtMs = t0;
    drawApps([...drawn.values()].filter((d) => d.versions));
    drawEdges(edges);
    drawNodes([...drawn.values()].filter((d) => !d.versions));
    ensureFocus();
    empty.hidden = g.nodes.length > 0;
    // Rewritten only when it changes: a new text node makes the toolbar lay out and paint again.
    const counts = `${g.nodes.length} nodes, ${g.edges.length} edges${hidden.size ? ` (${hidden.size} hidden)` : ''}`;
    if (status.textContent !== counts) status.textContent = counts;
    if (now) flush();
    const t1 = performance.now();
    drawScriptMs += t1 - t0;
    performance.measure('meshlens-map-render', { start: t0, end: t1 });

    if (!fitted && drawn.size > 0) {
      fitted = true;
      fit(false);
    }
    if (selected && !(selected.kind === 'node' ? drawn.has(selected.id) : edges.some((e) => e.id === selected!.id))) select(undefined);
    else if (selected) renderDetails(false);
    if (pendingReveal) view.reveal(pendingReveal);
  }

  const isFound = (d: Drawn) => findTerms.length > 0 && matchNode(d.node, findTerms, d.app);
  const badgeOf = (d: Drawn) => (d.node.kind === 'service' ? manifests[d.node.name] : undefined);

  /** The class of a node group: what it is, its health, found, selected. */
  function nodeClass(d: Drawn): string {
    const base = d.versions ? 'app' : `node ${d.node.kind} h-${health(d.node.inbound.requests ? d.node.inbound : null)}`;
    return `${base}${isFound(d) ? ' found' : ''}${selected?.kind === 'node' && selected.id === d.node.id ? ' selected' : ''}`;
  }

  function edgeClass(g: EdgeGeom): string {
    return `edge h-${health(edgeMetrics(g.e))} ${g.e.connectionType}${matchEdge(g.e, findTerms) ? ' found' : ''}${selected?.kind === 'edge' && selected.id === g.e.id ? ' selected' : ''}`;
  }

  // ---- bringing elements up to date ----
  /**
   * The group a new element of `layer` goes in: elements sit in chunks of CHUNK, each an <svg> of
   * its own inside a <foreignObject>. An outermost <svg> is a paint layer of its own to Chromium,
   * which re-records only the layers that changed; with one <svg> for the map every frame of a live
   * update re-recorded the whole map. A slice writes elements in the order they were added, so it
   * touches one or two chunks.
   */
  function chunkOf(layer: SVGGElement): Element {
    let last = layer.lastElementChild?.firstElementChild ?? null;
    if (!last || last.childElementCount >= CHUNK) {
      // Boxes that hold any map (map coordinates unchanged inside): browsers differ in whether
      // `overflow: visible` lets a <foreignObject> paint outside its box.
      const fo = document.createElementNS(SVG, 'foreignObject');
      fo.setAttribute('class', 'chunk');
      for (const [k, v] of [['x', -CHUNK_EXTENT], ['y', -CHUNK_EXTENT], ['width', 2 * CHUNK_EXTENT], ['height', 2 * CHUNK_EXTENT]] as const) fo.setAttribute(k, String(v));
      // Wrappers only: the nodes and edges stay where they were in the accessibility tree.
      fo.setAttribute('role', 'none');
      last = document.createElementNS(SVG, 'svg');
      last.setAttribute('width', String(2 * CHUNK_EXTENT));
      last.setAttribute('height', String(2 * CHUNK_EXTENT));
      last.setAttribute('viewBox', `${-CHUNK_EXTENT} ${-CHUNK_EXTENT} ${2 * CHUNK_EXTENT} ${2 * CHUNK_EXTENT}`);
      last.setAttribute('role', 'none');
      fo.appendChild(last);
      layer.appendChild(fo);
    }
    return last;
  }

  function enqueue(g: SVGGElement, apply: (g: SVGGElement) => void): void {
    queue.set(g, apply);
    if (!pumpFrame) pumpFrame = requestAnimationFrame(pump);
  }

  function flush(): void {
    for (const [g, apply] of queue) {
      queue.delete(g);
      if (g.isConnected) apply(g);
    }
  }

  /** Writes queued elements for SLICE_BUDGET_MS, then yields to the frame; the rest in the next ones. */
  function pump(): void {
    pumpFrame = 0;
    const t0 = performance.now();
    // A draw since the last frame (its script, and what entered) counts against this one.
    const budgetMs = SLICE_BUDGET_MS - drawScriptMs;
    drawScriptMs = 0;
    paintWrites = 0;
    for (const [g, apply] of queue) {
      if (performance.now() - t0 >= budgetMs || paintWrites >= SLICE_PAINT_WRITES) break;
      queue.delete(g);
      if (g.isConnected) apply(g);
    }
    const end = performance.now();
    // For the bench (bench/graph-render.ts): the script of each slice, and when an update is all written.
    performance.measure('meshlens-map-slice', { start: t0, end });
    if (queue.size) pumpFrame = requestAnimationFrame(pump);
    else performance.measure('meshlens-map-settled', { start: queuedAtMs, end });
  }

  /**
   * Binds the new data, removes what left, writes what entered at once and queues the rest:
   * a live update touches the DOM only where a written value changes, a frame's budget at a time.
   */
  function join<T>(parent: SVGGElement, els: Map<string, SVGGElement>, data: readonly T[], key: (d: T) => string, create: () => SVGGElement, apply: (g: SVGGElement) => void): void {
    // By id in a map of our own rather than d3's keyed join, whose key strings for every element
    // old and new were a good part of an update's script at 300 services.
    const seen = new Set<string>();
    for (const d of data) {
      const id = key(d);
      seen.add(id);
      let g = els.get(id);
      if (g) {
        setDatum(g, d);
        enqueue(g, apply);
      } else {
        g = create();
        setDatum(g, d);
        chunkOf(parent).appendChild(g);
        els.set(id, g);
        apply(g);
      }
    }
    if (els.size > seen.size) {
      for (const [id, g] of els) {
        if (seen.has(id)) continue;
        els.delete(id);
        queue.delete(g);
        lodStale.delete(g);
        const chunk = g.parentElement;
        g.remove();
        if (chunk && chunk.childElementCount === 0) chunk.parentElement?.remove();
      }
    }
  }

  /** The attributes every node group carries (apps and plain nodes alike). */
  function nodeGroup(g: SVGGElement, d: Drawn, label: string, geometry: boolean): void {
    if (geometry) {
      put(g, 'data-node-id', d.node.id);
      put(g, 'data-kind', d.node.kind);
      put(g, 'transform', `translate(${d.x},${d.y})`);
    }
    put(g, 'class', nodeClass(d));
    put(g, 'tabindex', d.node.id === focusId ? 0 : -1);
    put(g, 'aria-label', label + (badgeOf(d) ? ', has manifests' : ''));
  }

  /** Same place, size and name: what a node's geometry is written from (see writtenFrom). */
  function sameBox(a: Drawn, b: Drawn): boolean {
    return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h && a.node.kind === b.node.kind && a.node.name === b.node.name && a.app === b.app;
  }

  function drawApps(apps: Drawn[]): void {
    join(
      gApps.node()!,
      appEls,
      apps,
      (d) => d.node.id,
      () => {
        const g = d3.create<SVGGElement>('svg:g').attr('class', 'app').attr('data-testid', 'map-node').attr('role', 'button');
        g.append('rect').attr('class', 'app-box').attr('rx', 8);
        g.append('text').attr('class', 'app-name').attr('x', 10).attr('y', 20);
        g.append('text').attr('class', 'badge').attr('data-testid', 'map-badge').attr('y', 19).text('⚙');
        return g.node()!;
      },
      applyApp,
    );
  }

  function applyApp(g: SVGGElement): void {
    const d = datum<Drawn>(g);
    const geometry = reshaped(g, d, sameBox);
    nodeGroup(g, d, nodeAccessibleName(d.node), geometry);
    const c = g.children;
    const [rect, name, badge] = [c[0], c[1], c[2]];
    if (geometry) {
      put(rect, 'width', d.w);
      put(rect, 'height', d.h);
      putText(name, short(d.node.name));
      put(badge, 'x', d.w - 16);
    }
    put(badge, 'display', badgeOf(d) ? null : 'none');
  }

  function drawNodes(nodes: Drawn[]): void {
    join(
      gNodes.node()!,
      nodeEls,
      nodes,
      (d) => d.node.id,
      () => {
        const g = d3.create<SVGGElement>('svg:g').attr('class', 'node').attr('data-testid', 'map-node').attr('role', 'button');
        g.append('path').attr('class', 'shape');
        g.append('text').attr('class', 'name');
        g.append('text').attr('class', 'sub');
        g.append('text').attr('class', 'badge').attr('data-testid', 'map-badge').attr('y', 18).text('⚙');
        return g.node()!;
      },
      applyNode,
    );
  }

  function applyNode(g: SVGGElement): void {
    const d = datum<Drawn>(g);
    const k = d.node.kind;
    const geometry = reshaped(g, d, sameBox);
    nodeGroup(g, d, nodeAccessibleName(d.node, d.app), geometry);
    const c = g.children;
    const [path, name, sub, badge] = [c[0], c[1], c[2], c[3]];
    if (geometry) {
      put(path, 'd', shape(d));
      put(name, 'x', k === 'user' ? d.w / 2 : 12);
      put(name, 'y', k === 'user' ? d.h / 2 + 4 : k === 'database' ? 27 : 19);
      put(name, 'text-anchor', k === 'user' ? 'middle' : null);
      putText(name, k === 'user' ? 'users' : short(d.node.name));
      put(sub, 'x', k === 'version' ? d.w - 8 : 12);
      put(sub, 'y', k === 'version' ? 19 : k === 'database' ? 43 : 36);
      put(sub, 'text-anchor', k === 'version' ? 'end' : null);
      put(sub, 'display', k === 'user' ? 'none' : null);
      put(badge, 'x', d.w - 18);
    }
    // The subtitle is not painted when zoomed out (map.css, .far): written when it is again.
    if (far) lodStale.set(g, applyNode);
    else {
      lodStale.delete(g);
      const m = nodeMetrics(d.node);
      putText(sub, k === 'version' ? (m.requests ? `${formatRate(m.ratePerSec)} rps` : '') : subtitle(d.node));
    }
    put(badge, 'display', badgeOf(d) ? null : 'none');
  }

  function subtitle(n: GraphNodeDto): string {
    const kind = n.kind === 'service' ? '' : `${n.system ?? n.kind} · `;
    return kind + metricsLine(nodeMetrics(n));
  }

  function shape(d: Drawn): string {
    const { w, h } = d;
    switch (d.node.kind) {
      case 'user':
        return `M${w / 2},0A${w / 2},${h / 2} 0 1 1 ${w / 2},${h}A${w / 2},${h / 2} 0 1 1 ${w / 2},0z`;
      case 'database': {
        const ry = 7;
        return `M0,${ry}A${w / 2},${ry} 0 0 1 ${w},${ry}V${h - ry}A${w / 2},${ry} 0 0 1 0,${h - ry}Z M0,${ry}A${w / 2},${ry} 0 0 0 ${w},${ry}`;
      }
      case 'messaging':
        return `M10,0H${w}L${w - 10},${h}H0Z`;
      default: {
        const r = d.node.kind === 'version' ? 5 : 6;
        return `M${r},0H${w - r}Q${w},0 ${w},${r}V${h - r}Q${w},${h} ${w - r},${h}H${r}Q0,${h} 0,${h - r}V${r}Q0,0 ${r},0z`;
      }
    }
  }

  interface EdgeGeom {
    readonly e: GraphEdgeDto;
    readonly d: string;
    /** The arrowhead at the target: a path of its own, not an SVG marker (see applyEdge). */
    readonly arrow: string;
    readonly lx: number;
    readonly ly: number;
    /** What the path strings were made from: an update with the same ends reuses them. */
    readonly x0: number;
    readonly y0: number;
    readonly x1: number;
    readonly y1: number;
    readonly at: number;
  }

  function geometry(e: GraphEdgeDto, fanOut: ReadonlyMap<string, number>, fanIn: ReadonlyMap<string, number>, was: EdgeGeom | undefined): EdgeGeom {
    const s = drawn.get(e.source)!;
    const t = drawn.get(e.target)!;
    const x0 = s.x + s.w;
    const y0 = s.y + s.h / 2;
    const x1 = t.x - 2;
    const y1 = t.y + t.h / 2;
    // Labels of edges fanning out of one node go near their targets, of edges fanning into one
    // node near their sources: where the curves are apart, so the labels do not pile up.
    const at = (fanOut.get(e.source) ?? 0) > 1 && (fanOut.get(e.source) ?? 0) >= (fanIn.get(e.target) ?? 0) ? 0.62 : (fanIn.get(e.target) ?? 0) > 1 ? 0.38 : 0.5;
    // Nodes keep their place on live updates, so most edges keep their curve: formatting the
    // path strings of every edge anew was a good part of an update's script at 300 services.
    if (was && was.x0 === x0 && was.y0 === y0 && was.x1 === x1 && was.y1 === y1 && was.at === at) return { ...was, e };
    // Forward edges: a flat S; backward ones (cycles) loop out and back in.
    const c = Math.max(40, Math.abs(x1 - x0) / 2);
    const p1x = x0 + c;
    const p2x = x1 - c;
    const u = 1 - at;
    const lx = u * u * u * x0 + 3 * u * u * at * p1x + 3 * u * at * at * p2x + at * at * at * x1;
    const ly = u * u * u * y0 + 3 * u * u * at * y0 + 3 * u * at * at * y1 + at * at * at * y1;
    // Every curve ends heading right (its last control point is left of its end), so the arrowhead
    // needs no rotation.
    return { e, d: `M${x0},${y0}C${p1x},${y0} ${p2x},${y1} ${x1},${y1}`, arrow: `M${x1 - 8},${y1 - 4.5}L${x1 + 1},${y1}L${x1 - 8},${y1 + 4.5}z`, lx, ly, x0, y0, x1, y1, at };
  }

  function drawEdges(edges: GraphEdgeDto[]): void {
    const fanOut = new Map<string, number>();
    const fanIn = new Map<string, number>();
    for (const e of edges) {
      fanOut.set(e.source, (fanOut.get(e.source) ?? 0) + 1);
      fanIn.set(e.target, (fanIn.get(e.target) ?? 0) + 1);
    }
    const geoms = edges.map((e) => {
      const el = edgeEls.get(e.id);
      return geometry(e, fanOut, fanIn, el && datum<EdgeGeom>(el));
    });
    join(
      gEdges.node()!,
      edgeEls,
      geoms,
      (g) => g.e.id,
      () => {
        const g = d3.create<SVGGElement>('svg:g').attr('class', 'edge').attr('data-testid', 'map-edge').attr('role', 'button');
        g.append('path').attr('class', 'hit');
        g.append('path').attr('class', 'line');
        g.append('path').attr('class', 'arrow');
        g.append('path').attr('class', 'flow');
        g.append('text').attr('class', 'label').attr('data-testid', 'map-edge-label');
        return g.node()!;
      },
      applyEdge,
    );
  }

  function applyEdge(el: SVGGElement): void {
    const g = datum<EdgeGeom>(el);
    const m = edgeMetrics(g.e);
    const c = el.children;
    const [hit, line, arrow, flow, label] = [c[0], c[1], c[2], c[3], c[4]];
    // An edge whose ends stayed keeps its path strings (geometry()), so comparing them is enough.
    if (reshaped(el, g, sameCurve)) {
      put(el, 'data-edge-id', g.e.id);
      put(hit, 'd', g.d);
      put(line, 'd', g.d);
      // Coloured by the group's health class (map.css). An SVG marker instead made every changed
      // stroke width cost several times the paint of the line itself.
      put(arrow, 'd', g.arrow);
      put(flow, 'd', g.d);
      put(label, 'x', g.lx.toFixed(1));
      put(label, 'y', (g.ly - 5).toFixed(1));
    }
    put(el, 'class', edgeClass(g));
    put(el, 'aria-label', edgeAccessibleName(g.e, drawnName(g.e.source), drawnName(g.e.target)));
    put(line, 'stroke-width', edgeWidth(m?.ratePerSec ?? 0, maxRate).toFixed(1));
    put(flow, 'display', (m?.requests ?? 0) > 0 ? null : 'none');
    // Labels are not painted when zoomed out (map.css, .far): written when they are again.
    if (far) lodStale.set(el, applyEdge);
    else {
      lodStale.delete(el);
      putText(label, edgeLabel(g.e));
    }
  }

  function sameCurve(a: EdgeGeom, b: EdgeGeom): boolean {
    return a.e.id === b.e.id && a.d === b.d && a.arrow === b.arrow && a.lx === b.lx && a.ly === b.ly;
  }

  function drawnName(id: string): string {
    const d = drawn.get(id);
    if (!d) return id;
    return d.app ? `${d.app} ${d.node.name}` : d.node.kind === 'user' ? 'users' : d.node.name;
  }

  // ---- zoom / fit ----
  function fit(animated: boolean): void {
    if (drawn.size === 0) return;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const d of drawn.values()) {
      x0 = Math.min(x0, d.x);
      y0 = Math.min(y0, d.y - 16);
      x1 = Math.max(x1, d.x + d.w);
      y1 = Math.max(y1, d.y + d.h);
    }
    const W = svgEl.clientWidth || 800;
    const H = svgEl.clientHeight || 500;
    const pad = 32;
    const k = Math.min(1.4, (W - 2 * pad) / Math.max(1, x1 - x0), (H - 2 * pad - 30) / Math.max(1, y1 - y0));
    const t = d3.zoomIdentity.translate(W / 2 - (k * (x0 + x1)) / 2, (H - 30) / 2 - (k * (y0 + y1)) / 2).scale(k);
    if (animated && !reducedMotion) svg.transition().duration(250).call(zoom.transform, t);
    else svg.call(zoom.transform, t);
  }

  function centre(d: Drawn): void {
    const W = svgEl.clientWidth || 800;
    const H = svgEl.clientHeight || 500;
    const k = Math.max(0.8, d3.zoomTransform(svgEl).k);
    svg.call(zoom.transform, d3.zoomIdentity.translate(W / 2 - k * (d.x + d.w / 2), H / 2 - k * (d.y + d.h / 2)).scale(k));
  }

  // ---- selection and details ----
  let detailsSeq = 0;

  function select(s: { kind: 'node' | 'edge'; id: string } | undefined): void {
    const was = selected;
    selected = s;
    // Through put(), which remembers what it wrote (a class written behind its back would stay).
    for (const x of [was, s]) {
      if (!x) continue;
      const g = x.kind === 'node' ? nodeElement(x.id) : (svgEl.querySelector(`[data-testid="map-edge"][data-edge-id="${CSS.escape(x.id)}"]`) as SVGGElement | null);
      if (g) put(g, 'class', x.kind === 'node' ? nodeClass(datum<Drawn>(g)) : edgeClass(datum<EdgeGeom>(g)));
    }
    renderDetails(true);
  }

  function nodeElement(id: string): SVGGElement | null {
    return svgEl.querySelector(`[data-testid="map-node"][data-node-id="${CSS.escape(id)}"]`);
  }

  function metricsTable(cols: readonly [string, GraphMetricsDto | null][]): HTMLElement {
    const row = (label: string, f: (m: GraphMetricsDto) => string) => el('tr', {}, el('th', { scope: 'row' }, label), ...cols.map(([, m]) => el('td', {}, m ? f(m) : '–')));
    return el(
      'table',
      { class: 'map-metrics', 'data-testid': 'map-metrics' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), ...cols.map(([h]) => el('th', { scope: 'col' }, h)))),
      el(
        'tbody',
        {},
        row('Requests', (m) => String(m.requests)),
        row('Rate', (m) => `${formatRate(m.ratePerSec)} req/s`),
        row('Errors', (m) => `${m.errors} (${formatErrorPct(m.errorRate)})`),
        row('p50', (m) => formatMs(m.p50Ms)),
        row('p95', (m) => formatMs(m.p95Ms)),
        row('p99', (m) => formatMs(m.p99Ms)),
      ),
    );
  }

  function renderDetails(fetchTraces: boolean): void {
    if (!selected || !graph) {
      details.hidden = true;
      clear(details);
      return;
    }
    const sel = selected;
    const traces = el('ul', { class: 'map-traces', 'aria-label': 'Traces' });
    const keepTraces = !fetchTraces ? details.querySelector('.map-traces') : null;
    clear(details);
    details.hidden = false;
    const close = el('button', { type: 'button', class: 'map-close', 'aria-label': 'Close details', title: 'Close (Esc)' }, '×');
    close.addEventListener('click', () => select(undefined));
    if (sel.kind === 'node') {
      const d = drawn.get(sel.id);
      if (!d) return;
      const n = d.node;
      details.append(
        el('div', { class: 'map-details-head' }, el('h2', {}, d.app ? `${d.app} ${n.name}` : n.kind === 'user' ? 'users' : n.name), close),
        el('p', { class: 'muted' }, n.kind + (n.system ? ` · ${n.system}` : '')),
        metricsTable([
          ['Inbound', n.inbound],
          ['Outbound', n.outbound],
        ]),
      );
      // The node's edges as buttons: the way to an edge's details from the keyboard.
      const own = graph.edges.filter((e) => (e.source === n.id || e.target === n.id) && drawn.has(e.source) && drawn.has(e.target));
      if (own.length) {
        const list = el('ul', { class: 'map-edges', 'aria-label': 'Edges' });
        for (const e of own) {
          const m = edgeMetrics(e);
          const text = e.source === n.id ? `→ ${drawnName(e.target)}` : `← ${drawnName(e.source)}`;
          const b = el('button', { type: 'button', class: 'link', 'data-testid': 'map-node-edge', 'data-edge-id': e.id }, text);
          b.addEventListener('click', () => select({ kind: 'edge', id: e.id }));
          list.append(el('li', {}, b, el('span', { class: 'muted' }, ` ${m && m.requests ? `${formatRate(m.ratePerSec)} rps · ${formatErrorPct(m.errorRate)}` : 'no traffic'}`)));
        }
        details.append(el('h3', {}, 'Edges'), list);
      }
      const refs = badgeOf(d);
      if (refs?.length) {
        const list = el('ul', { class: 'map-manifests', 'aria-label': 'Manifests' });
        for (const r of refs) {
          const b = el('button', { type: 'button', class: 'link', 'data-testid': 'map-manifest', title: `${r.file}:${r.line}` }, `${r.kind} ${r.namespace}/${r.name}`);
          b.addEventListener('click', () => void channel.request('openCode', { file: r.file, line: r.line }).catch(() => undefined));
          list.append(el('li', {}, b));
        }
        details.append(el('h3', {}, 'Manifests'), list);
      }
    } else {
      const e = graph.edges.find((x) => x.id === sel.id);
      if (!e) return;
      details.append(
        el('div', { class: 'map-details-head' }, el('h2', {}, `${drawnName(e.source)} → ${drawnName(e.target)}`), close),
        el('p', { class: 'muted' }, e.connectionType + (e.share !== undefined ? ` · ${formatErrorPct(e.share)} of the requests to ${drawnName(top2(e.target))}` : '')),
        metricsTable([
          ['Client', e.client],
          ['Server', e.server],
        ]),
      );
    }
    details.append(el('h3', {}, 'Traces'));
    if (keepTraces) {
      details.append(keepTraces);
      return;
    }
    details.append(traces);
    traces.append(el('li', { class: 'muted' }, 'Loading…'));
    const mine = ++detailsSeq;
    channel.request('graphTraces', { window: windowValue, ...(sel.kind === 'node' ? { nodeId: sel.id } : { edgeId: sel.id }), limit: TRACE_LIMIT }).then(
      (r) => {
        if (mine !== detailsSeq) return;
        clear(traces);
        if (r.traceIds.length === 0) traces.append(el('li', { class: 'muted' }, 'No trace in this window.'));
        for (const id of r.traceIds) {
          const b = el('button', { type: 'button', class: 'link mono', 'data-testid': 'map-trace', 'data-trace-id': id, title: 'Open in the Traces tab' }, id);
          b.addEventListener('click', () => hooks.openTrace(id));
          traces.append(el('li', {}, b));
        }
      },
      (e: unknown) => {
        if (mine !== detailsSeq) return;
        clear(traces);
        traces.append(el('li', { class: 'error' }, `Cannot list the traces: ${(e as Error)?.message ?? String(e)}`));
      },
    );
  }

  function top2(id: string): string {
    const n = graph?.nodes.find((x) => x.id === id);
    return n?.kind === 'version' && n.parent ? n.parent : id;
  }

  // ---- pointer and keyboard ----
  svgEl.addEventListener('click', (ev) => {
    const t = ev.target as Element;
    const node = t.closest('[data-testid="map-node"]');
    const edge = t.closest('[data-testid="map-edge"]');
    if (node) {
      const id = node.getAttribute('data-node-id')!;
      setFocus(id, false);
      select({ kind: 'node', id });
    } else if (edge) select({ kind: 'edge', id: edge.getAttribute('data-edge-id')! });
  });

  function setFocus(id: string, move: boolean): void {
    focusId = id;
    svgEl.querySelectorAll('[data-testid="map-node"][tabindex="0"]').forEach((e) => put(e, 'tabindex', -1));
    const target = nodeElement(id);
    if (target) put(target, 'tabindex', 0);
    if (move) target?.focus();
  }

  function nearest(from: Drawn, dx: number, dy: number): Drawn | undefined {
    const cx = from.x + from.w / 2;
    const cy = from.y + from.h / 2;
    let best: Drawn | undefined;
    let bestScore = Infinity;
    for (const d of drawn.values()) {
      if (d === from) continue;
      const vx = d.x + d.w / 2 - cx;
      const vy = d.y + d.h / 2 - cy;
      const along = vx * dx + vy * dy;
      if (along <= 0) continue;
      const across = Math.abs(vx * dy - vy * dx);
      const score = along + 2 * across;
      if (score < bestScore) {
        bestScore = score;
        best = d;
      }
    }
    return best;
  }

  svgEl.addEventListener('focusin', (ev) => {
    const node = (ev.target as Element).closest?.('[data-testid="map-node"]');
    if (node) focusId = node.getAttribute('data-node-id') ?? undefined;
  });

  // f fits wherever the focus is while the map shows (the tab, the page), except in a field.
  document.addEventListener('keydown', (ev) => {
    if (!visible || ev.key !== 'f' || ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    const t = ev.target as Element | null;
    if (t?.closest?.('vscode-text-field, vscode-dropdown, input, textarea, select, [contenteditable]')) return;
    fit(true);
    ev.preventDefault();
  });

  root.addEventListener('keydown', (ev) => {
    const target = ev.target as Element;
    if (target.closest('vscode-text-field, input, vscode-dropdown')) return;
    if (ev.key === 'Escape' && selected) {
      select(undefined);
      if (focusId) setFocus(focusId, true);
      ev.preventDefault();
      return;
    }
    const node = target.closest('[data-testid="map-node"]');
    if (!node) return;
    const cur = drawn.get(node.getAttribute('data-node-id')!);
    if (!cur) return;
    const dir: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (dir[ev.key]) {
      const next = nearest(cur, ...dir[ev.key]);
      if (next) {
        setFocus(next.node.id, true);
        keepVisible(next);
      }
      ev.preventDefault();
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      select({ kind: 'node', id: cur.node.id });
      ev.preventDefault();
    }
  });

  /** One tab stop into the graph: the focused node, else the first one drawn. */
  function ensureFocus(): void {
    if (focusId && drawn.has(focusId)) return;
    let first: Drawn | undefined;
    for (const d of drawn.values()) if (!first || d.x < first.x || (d.x === first.x && d.y < first.y)) first = d;
    if (first) setFocus(first.node.id, false);
  }

  function keepVisible(d: Drawn): void {
    const t = d3.zoomTransform(svgEl);
    const W = svgEl.clientWidth;
    const H = svgEl.clientHeight;
    const [x, y] = t.apply([d.x, d.y]);
    if (x < 0 || y < 0 || x + d.w * t.k > W || y + d.h * t.k > H) centre(d);
  }

  const view: MapView = {
    element: root,
    show() {
      visible = true;
      if (dirty || !graph) void load();
      else if (!fitted) fit(false);
    },
    hide() {
      visible = false;
    },
    reveal(service) {
      const id = `service:${service}`;
      const d = drawn.get(id);
      if (!d) {
        // Not drawn yet (loading) or not in this window: try again after the next graph.
        pendingReveal = graph ? undefined : service;
        if (graph) status.textContent = graph.nodes.some((n) => n.id === id) ? `${service} is hidden by the Hide expression.` : `${service} has no traffic in this window.`;
        return;
      }
      pendingReveal = undefined;
      centre(d);
      setFocus(id, true);
      select({ kind: 'node', id });
    },
  };
  svgEl.addEventListener('focus', ensureFocus);
  return view;
}
