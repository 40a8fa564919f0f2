/**
 * Every chart is d3. Every label that came from traffic is set with `.text()`
 * (a text node), never `.html()`. Colours come from CSS classes so light and
 * dark themes apply; data-driven colours go through attributes, not style text.
 */
import { axisBottom, axisLeft, interpolateRgb, linkHorizontal, max, scaleBand, scaleLinear, scaleSqrt, scaleTime, select, timeFormat, type Selection } from 'd3';
import { go, href } from './router';

type Svg = Selection<SVGSVGElement, unknown, null, undefined>;

function svgIn(el: HTMLElement, width: number, height: number, label: string): Svg {
  const svg = select(el)
    .append('svg')
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('width', '100%')
    .attr('role', 'img')
    .attr('aria-label', label)
    .attr('class', 'chart');
  return svg;
}

const HOUR = 3600 * 1000;

/** Hits per hour as bars on a time axis. */
export function trafficChart(el: HTMLElement, data: Array<{ hour: string; hits: number }>, label = 'Hits per hour'): void {
  const width = 720;
  const height = 200;
  const m = { top: 10, right: 16, bottom: 28, left: 48 };
  const svg = svgIn(el, width, height, label);
  if (data.length === 0) {
    svg.append('text').attr('x', width / 2).attr('y', height / 2).attr('text-anchor', 'middle').attr('class', 'muted-text').text('no traffic yet');
    return;
  }
  const points = data.map((d) => ({ t: Date.parse(d.hour), hits: d.hits }));
  const t0 = Math.min(...points.map((p) => p.t));
  const t1 = Math.max(...points.map((p) => p.t)) + HOUR;
  const pad = points.length < 6 ? HOUR * 2 : 0;
  const x = scaleTime()
    .domain([t0 - pad, t1 + pad])
    .range([m.left, width - m.right]);
  const y = scaleLinear()
    .domain([0, max(points, (p) => p.hits) ?? 1])
    .nice()
    .range([height - m.bottom, m.top]);
  const barW = Math.max(2, x(t0 + HOUR) - x(t0) - 1);
  svg
    .append('g')
    .attr('transform', `translate(0,${height - m.bottom})`)
    .attr('class', 'axis')
    .call(axisBottom<Date>(x).ticks(6).tickFormat(timeFormat('%b %d %H:%M') as (d: Date | { valueOf(): number }) => string));
  svg.append('g').attr('transform', `translate(${m.left},0)`).attr('class', 'axis').call(axisLeft(y).ticks(4));
  svg
    .append('g')
    .selectAll('rect')
    .data(points)
    .join('rect')
    .attr('class', 'bar')
    .attr('x', (p) => x(p.t))
    .attr('width', barW)
    .attr('y', (p) => y(p.hits))
    .attr('height', (p) => y(0) - y(p.hits))
    .append('title')
    .text((p) => `${new Date(p.t).toISOString().slice(0, 13)}:00Z — ${p.hits} hits`);
}

/** Horizontal bars, one per key (severity, state…), each a link. */
export function barList(el: HTMLElement, rows: Array<{ key: string; label: string; value: number; link: string }>, label: string): void {
  const width = 360;
  const rowH = 24;
  const height = rows.length * rowH + 4;
  const svg = svgIn(el, width, height, label).attr('width', width).attr('height', height);
  const x = scaleLinear()
    .domain([0, Math.max(1, max(rows, (r) => r.value) ?? 1)])
    .range([0, width - 150]);
  const g = svg
    .selectAll('a')
    .data(rows)
    .join('a')
    .attr('href', (r) => r.link)
    .attr('aria-label', (r) => `${r.label}: ${r.value}`);
  g.append('text')
    .attr('x', 0)
    .attr('y', (_, i) => i * rowH + 16)
    .attr('class', 'label-text')
    .text((r) => r.label);
  g.append('rect')
    .attr('x', 90)
    .attr('y', (_, i) => i * rowH + 4)
    .attr('height', rowH - 8)
    .attr('width', (r) => Math.max(r.value > 0 ? 2 : 0, x(r.value)))
    .attr('class', (r) => `bar sev-${r.key}`);
  g.append('text')
    .attr('x', (r) => 96 + x(r.value))
    .attr('y', (_, i) => i * rowH + 16)
    .attr('class', 'value-text')
    .text((r) => String(r.value));
}

export interface HeatmapData {
  rows: Array<{ id: number; label: string; sub: string }>;
  cols: string[];
  cells: Array<{ row: number; col: string; value: number; note: string }>;
}

/** Endpoints × data types; a cell's shade is its count (square-root scale); a click opens the endpoint. */
export function heatmap(el: HTMLElement, data: HeatmapData, label: string): void {
  const cell = 26;
  const left = 340;
  const top = 120;
  const width = left + data.cols.length * cell + 10;
  const height = top + data.rows.length * cell + 10;
  const svg = svgIn(el, width, height, label).attr('width', width).attr('class', 'chart heatmap');
  const x = scaleBand<string>().domain(data.cols).range([left, left + data.cols.length * cell]);
  const y = scaleBand<number>()
    .domain(data.rows.map((r) => r.id))
    .range([top, top + data.rows.length * cell]);
  const maxV = max(data.cells, (c) => c.value) ?? 1;
  const shade = scaleSqrt().domain([0, maxV]).range([0.15, 1]);
  const color = interpolateRgb('#fde68a', '#b91c1c');
  svg
    .append('g')
    .selectAll('text')
    .data(data.cols)
    .join('text')
    .attr('class', 'label-text')
    .attr('transform', (c) => `translate(${(x(c) ?? 0) + cell / 2 + 4},${top - 6}) rotate(-55)`)
    .text((c) => c);
  const rows = svg
    .append('g')
    .selectAll('a')
    .data(data.rows)
    .join('a')
    .attr('href', (r) => href('endpoint', {}, r.id));
  rows
    .append('text')
    .attr('class', 'label-text')
    .attr('x', left - 8)
    .attr('y', (r) => (y(r.id) ?? 0) + cell / 2 + 4)
    .attr('text-anchor', 'end')
    .text((r) => (r.label.length > 48 ? `${r.label.slice(0, 47)}…` : r.label))
    .append('title')
    .text((r) => `${r.sub} ${r.label}`);
  svg
    .append('g')
    .selectAll('rect.grid')
    .data(data.rows.flatMap((r) => data.cols.map((c) => ({ r, c }))))
    .join('rect')
    .attr('class', 'grid')
    .attr('x', (d) => x(d.c) ?? 0)
    .attr('y', (d) => y(d.r.id) ?? 0)
    .attr('width', cell - 2)
    .attr('height', cell - 2);
  svg
    .append('g')
    .selectAll('rect.cell')
    .data(data.cells)
    .join('rect')
    .attr('class', 'cell')
    .attr('tabindex', 0)
    .attr('x', (c) => x(c.col) ?? 0)
    .attr('y', (c) => y(c.row) ?? 0)
    .attr('width', cell - 2)
    .attr('height', cell - 2)
    .attr('fill', (c) => color(shade(c.value)))
    .on('click', (_, c) => go(href('endpoint', {}, c.row)))
    .on('keydown', (ev: KeyboardEvent, c) => {
      if (ev.key === 'Enter') go(href('endpoint', {}, c.row));
    })
    .append('title')
    .text((c) => `${c.col}: ${c.value} (${c.note})`);
}

export interface GraphNode {
  id: string;
  kind: 'client' | 'host' | 'group';
  label: string;
  hits: number;
  link?: string;
}

/** Three columns (clients → hosts → endpoint groups), link widths by traffic. */
export function serviceMap(el: HTMLElement, nodes: GraphNode[], links: Array<{ source: string; target: string; value: number }>, label: string): void {
  const cols: Array<GraphNode['kind']> = ['client', 'host', 'group'];
  const byCol = cols.map((k) => nodes.filter((n) => n.kind === k).sort((a, b) => b.hits - a.hits));
  const rowH = 30;
  const width = 980;
  const height = Math.max(120, Math.max(...byCol.map((c) => c.length)) * rowH + 40);
  const svg = svgIn(el, width, height, label);
  const xs = [150, 490, 720];
  const pos = new Map<string, { x: number; y: number }>();
  byCol.forEach((col, ci) => {
    const offset = (height - col.length * rowH) / 2;
    col.forEach((n, i) => pos.set(n.id, { x: xs[ci]!, y: offset + i * rowH + rowH / 2 }));
  });
  const maxV = max(links, (l) => l.value) ?? 1;
  const w = scaleSqrt().domain([0, maxV]).range([1, 16]);
  const path = linkHorizontal<{ source: [number, number]; target: [number, number] }, [number, number]>();
  svg
    .append('g')
    .attr('class', 'links')
    .selectAll('path')
    .data(links.filter((l) => pos.has(l.source) && pos.has(l.target)))
    .join('path')
    .attr('class', 'link')
    .attr('d', (l) => path({ source: [pos.get(l.source)!.x + 6, pos.get(l.source)!.y], target: [pos.get(l.target)!.x - 6, pos.get(l.target)!.y] }))
    .attr('stroke-width', (l) => w(l.value))
    .append('title')
    .text((l) => `${l.value} hits`);
  const g = svg
    .append('g')
    .selectAll('a')
    .data(nodes.filter((n) => pos.has(n.id)))
    .join('a')
    .attr('href', (n) => n.link ?? null)
    .attr('class', (n) => `node node-${n.kind}`);
  g.append('circle')
    .attr('cx', (n) => pos.get(n.id)!.x)
    .attr('cy', (n) => pos.get(n.id)!.y)
    .attr('r', 6);
  g.append('text')
    .attr('class', 'label-text')
    .attr('x', (n) => pos.get(n.id)!.x + (n.kind === 'client' ? -10 : 10))
    .attr('y', (n) => pos.get(n.id)!.y + 4)
    .attr('text-anchor', (n) => (n.kind === 'client' ? 'end' : 'start'))
    .text((n) => (n.label.length > 40 ? `${n.label.slice(0, 39)}…` : n.label));
  g.append('title').text((n) => `${n.label} — ${n.hits} hits`);
  svg
    .append('g')
    .selectAll('text')
    .data(['clients', 'hosts', 'endpoint groups'])
    .join('text')
    .attr('class', 'col-title')
    .attr('x', (_, i) => xs[i]!)
    .attr('y', 14)
    .attr('text-anchor', 'middle')
    .text((t) => t);
}

/** A small line of recent values (sensor rates). */
export function sparkline(el: HTMLElement, values: number[], label: string): void {
  const width = 200;
  const height = 40;
  const svg = svgIn(el, width, height, label).attr('class', 'chart spark').attr('width', width).attr('height', height);
  if (values.length < 2) return;
  const x = scaleLinear()
    .domain([0, values.length - 1])
    .range([2, width - 2]);
  const y = scaleLinear()
    .domain([0, Math.max(1, max(values) ?? 1)])
    .range([height - 2, 2]);
  svg
    .append('polyline')
    .attr('class', 'spark-line')
    .attr('points', values.map((v, i) => `${x(i)},${y(v)}`).join(' '));
}
