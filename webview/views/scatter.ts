// Duration over time, one point per listed trace (Jaeger's search view): spots the slow outliers
// and the error bursts at a glance; a click opens the trace like its row does. Redrawn whole on each
// list update: a few hundred circles cost less than keeping a join in step with re-sorting.
import { axisBottom, axisLeft, scaleLinear, scaleLog, scaleTime, select, type ScaleContinuousNumeric } from 'd3';
import type { TraceSummaryDto } from '../../src/shared/protocol';
import { el } from '../dom';
import { formatDuration, formatTimestamp } from '../model/format';
import { durationDomain, scatterPoints, timeDomain, yValue } from '../model/scatter';

const SVG_NS = 'http://www.w3.org/2000/svg';
const HEIGHT = 140;
const MARGIN = { top: 8, right: 28, bottom: 22, left: 56 };

export interface ScatterView {
  readonly element: HTMLElement;
  setTraces(traces: readonly TraceSummaryDto[]): void;
  setSelected(traceId: string | undefined): void;
}

export function renderScatter(onOpen: (traceId: string) => void): ScatterView {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('data-testid', 'scatter');
  svg.setAttribute('class', 'scatter');
  svg.setAttribute('height', String(HEIGHT));
  // The table below holds the same traces for keyboard and screen reader users; this is a picture.
  svg.setAttribute('role', 'img');
  const element = el('div', { class: 'scatter-wrap' });
  element.appendChild(svg);
  let traces: readonly TraceSummaryDto[] = [];
  let selected: string | undefined;
  let width = 0;

  svg.addEventListener('click', (e) => {
    const id = (e.target as Element | null)?.closest?.('[data-testid="scatter-point"]')?.getAttribute('data-trace-id');
    if (id) onOpen(id);
  });

  function draw(): void {
    width = element.clientWidth;
    const root = select(svg);
    root.selectAll('*').remove();
    svg.setAttribute('aria-label', `Duration over start time of the ${traces.length} listed ${traces.length === 1 ? 'trace' : 'traces'}`);
    if (width <= MARGIN.left + MARGIN.right) return;
    svg.setAttribute('width', String(width));
    const innerW = width - MARGIN.left - MARGIN.right;
    const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const points = scatterPoints(traces);
    const [t0, t1] = timeDomain(points.map((p) => p.startUnixMs));
    const x = scaleTime().domain([new Date(t0), new Date(t1)]).range([0, innerW]).nice();
    const yd = durationDomain(points.map((p) => p.durationMs));
    svg.setAttribute('data-y-scale', yd.kind);
    const y: ScaleContinuousNumeric<number, number> = (yd.kind === 'log' ? scaleLog() : scaleLinear()).domain([...yd.domain]).range([innerH, 0]).nice();
    const plot = root.append('g').attr('transform', `translate(${MARGIN.left},${MARGIN.top})`);
    plot
      .append('g')
      .attr('class', 'axis-x')
      .attr('transform', `translate(0,${innerH})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(innerW / 110))).tickSizeOuter(0));
    const yTicks = yd.kind === 'log' ? logTicks(y.ticks()) : y.ticks(4);
    const yAxis = axisLeft(y)
      .tickValues(yTicks)
      .tickFormat((d) => formatDuration(Number(d)))
      .tickSizeOuter(0);
    plot.append('g').attr('class', 'axis-y').call(yAxis);
    plot
      .append('g')
      .attr('class', 'grid')
      .selectAll('line')
      .data(yTicks)
      .join('line')
      .attr('x1', 0)
      .attr('x2', innerW)
      .attr('y1', (d) => y(d))
      .attr('y2', (d) => y(d));
    const dots = plot
      .append('g')
      .attr('class', 'points')
      .selectAll('circle')
      .data(points)
      .join('circle')
      .attr('data-testid', 'scatter-point')
      .attr('data-trace-id', (p) => p.traceId)
      .attr('class', (p) => `point${p.hasError ? ' error' : ''}${p.traceId === selected ? ' selected' : ''}`)
      .attr('cx', (p) => x(new Date(p.startUnixMs)))
      .attr('cy', (p) => y(yValue(p.durationMs, yd.kind)))
      .attr('r', 4);
    const byId = new Map(traces.map((t) => [t.traceId, t]));
    // Text only (d3's .text() is textContent): names come from spans.
    dots.append('title').text((p) => describe(byId.get(p.traceId)!));
  }

  new ResizeObserver(() => {
    if (element.clientWidth !== width) draw();
  }).observe(element);

  return {
    element,
    setTraces(list) {
      traces = list;
      draw();
    },
    setSelected(id) {
      if (id === selected) return;
      selected = id;
      svg.querySelectorAll('[data-testid="scatter-point"]').forEach((c) => c.classList.toggle('selected', c.getAttribute('data-trace-id') === id));
    },
  };
}

function describe(t: TraceSummaryDto): string {
  const errors = t.errorCount > 0 ? ` · ${t.errorCount} ${t.errorCount === 1 ? 'error' : 'errors'}` : '';
  return `${t.rootServiceName}: ${t.rootName}\n${formatDuration(t.durationMs)} · ${t.spanCount} ${t.spanCount === 1 ? 'span' : 'spans'}${errors}\n${formatTimestamp(t.startUnixMs)}`;
}

/** A log axis labelled at the powers of ten only (d3 adds 2..9 between them), at most six. */
function logTicks(ticks: readonly number[]): number[] {
  const decades = ticks.filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9);
  const list = decades.length >= 2 ? decades : [...ticks];
  const step = Math.ceil(list.length / 6);
  return list.filter((_, i) => i % step === 0);
}
