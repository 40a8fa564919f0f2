import { api, type EndpointDetail, type JsonSchema } from '../api';
import { STATE_LABEL } from '../advice';
import { trafficChart } from '../charts';
import { ago, badge, empty, fmtInt, fmtTime, h, methodBadge, replace, section, type Child } from '../dom';
import { href, type Route } from '../router';
import type { View } from '../main';

/** JSON path segment as the detectors write it: ".name", or ["odd name"]. */
const segment = (k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

function typeText(s: JsonSchema): string {
  const t = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? (s.anyOf || s.oneOf ? 'one of' : 'any'));
  return s.format ? `${t} (${s.format})` : t;
}

/**
 * A schema as a collapsible tree (<details>, so it opens with the keyboard).
 * Property names come from traffic: they are text nodes, never markup.
 * Fields where sensitive data was seen are marked with its type.
 */
function schemaTree(s: JsonSchema, path: string, sensitive: Map<string, string[]>, name: string | null, depth: number): HTMLElement {
  const marks = sensitive.get(path) ?? [];
  const label: Child[] = [
    name !== null ? h('span', { class: 'prop' }, name) : h('span', { class: 'muted' }, 'body'),
    ' ',
    h('span', { class: 'type' }, typeText(s)),
    marks.map((m) => [' ', badge(m, 'sensitive')]),
  ];
  const children: HTMLElement[] = [];
  if (s.properties) {
    const req = new Set(s.required ?? []);
    for (const [k, v] of Object.entries(s.properties)) {
      const child = schemaTree(v, path + segment(k), sensitive, k, depth + 1);
      if (req.has(k)) child.classList.add('required');
      children.push(child);
    }
  }
  if (s.items) children.push(schemaTree(s.items, `${path}[*]`, sensitive, '[items]', depth + 1));
  for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) children.push(schemaTree(alt, path, sensitive, '(alternative)', depth + 1));
  if (children.length === 0) return h('div', { class: `leaf${marks.length ? ' is-sensitive' : ''}` }, label);
  const d = h('details', { class: marks.length ? 'is-sensitive' : undefined }, h('summary', null, label), h('div', { class: 'children' }, children));
  if (depth < 2) d.open = true;
  return d;
}

export function endpointView(): View {
  let root: HTMLElement;
  let id = '';
  const load = async (): Promise<void> => {
    if (!/^\d+$/.test(id)) {
      replace(root, h('div', { class: 'card error' }, 'No such endpoint.'));
      return;
    }
    const e = await api<EndpointDetail>(`endpoints/${id}`);
    const bodySens = new Map<string, Map<string, string[]>>();
    for (const s of e.sensitive) {
      const loc = s.location;
      let m = bodySens.get(loc);
      if (!m) bodySens.set(loc, (m = new Map()));
      m.set(s.name, [...(m.get(s.name) ?? []), s.type]);
    }
    const paramSens = (loc: string, name: string): string[] => {
      const map: Record<string, string> = { header: 'request.header', cookie: 'request.cookie', query: 'query', path: 'path' };
      return e.sensitive.filter((s) => s.location === map[loc] && s.name === name).map((s) => s.type);
    };
    const chart = h('div', { class: 'chart-box' });
    const statusTotal = Object.values(e.statusCodes).reduce((a, b) => a + b, 0) || 1;
    replace(
      root,
      h('p', { class: 'crumbs' }, h('a', { href: href('inventory') }, 'Inventory'), ' / ', h('a', { href: href('inventory', { host: e.host }) }, e.host)),
      h('h1', { class: 'ep-title' }, methodBadge(e.method), ' ', h('span', { class: 'path' }, e.path)),
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'host' }, e.host),
        ' · ',
        badge(STATE_LABEL[e.state] ?? e.state, e.state),
        ' · ',
        `${fmtInt(e.hits)} hits`,
        e.analysed < e.hits ? h('span', { title: 'Every hit is counted; parameters, bodies, sensitive data and findings come from the exchanges analysed in full (sampling).' }, ` (${fmtInt(e.analysed)} analysed in full)`) : null,
        ' · ',
        e.firstSeen ? `first seen ${fmtTime(e.firstSeen)}` : 'declared, never seen in traffic',
        ' · ',
        e.lastSeen ? `last seen ${fmtTime(e.lastSeen)} (${ago(e.lastSeen)})` : '',
        e.httpHits ? [' · ', badge(`${fmtInt(e.httpHits)} over plain HTTP`, 'high')] : null,
      ),
      h(
        'div',
        { class: 'grid2' },
        section('Hits over time', chart),
        section(
          'Status codes and auth',
          h(
            'ul',
            { class: 'status-list' },
            Object.entries(e.statusCodes).map(([code, n]) => {
              const bar = h('span', { class: `status-bar s${code[0]}xx` });
              bar.style.width = `${Math.max(2, (n / statusTotal) * 100)}%`;
              return h('li', null, h('span', { class: 'code' }, code), bar, h('span', { class: 'muted' }, fmtInt(n)));
            }),
          ),
          h('h3', null, 'Auth seen'),
          Object.keys(e.authCounts).length
            ? h('ul', { class: 'list' }, Object.entries(e.authCounts).map(([s, n]) => h('li', null, s === 'none' ? badge('no credentials', 'none') : h('code', null, s), ' ', h('span', { class: 'muted' }, `${fmtInt(n)} requests`))))
            : empty('No requests recorded.'),
        ),
      ),
      section(
        `Findings (${e.findingList.length})`,
        e.findingList.length
          ? h(
              'ul',
              { class: 'list findings-list' },
              e.findingList.map((f) => h('li', null, badge(f.severity, f.severity), ' ', h('a', { href: href('findings', {}, f.id), class: 'finding-link' }, f.rule), ' ', h('span', { class: 'muted' }, f.owasp), ' — ', h('code', null, f.evidence))),
            )
          : empty('No findings on this endpoint.'),
      ),
      section(
        'Parameters',
        e.parameters.length
          ? h(
              'table',
              { class: 'simple' },
              h('thead', null, h('tr', null, h('th', null, 'In'), h('th', null, 'Name'), h('th', null, 'Type'), h('th', null, 'Seen'), h('th', null, 'Sensitive'))),
              h(
                'tbody',
                null,
                e.parameters.map((p) =>
                  h('tr', null, h('td', null, p.location), h('td', null, h('code', null, p.name)), h('td', null, typeText(p.schema)), h('td', null, fmtInt(p.count)), h('td', null, paramSens(p.location, p.name).map((t) => badge(t, 'sensitive')))),
                ),
              ),
            )
          : empty('No parameters seen.'),
      ),
      section(
        'Request and response bodies',
        e.bodies.length
          ? e.bodies.map((b) =>
              h(
                'div',
                { class: 'body-schema' },
                h('h3', null, b.direction === 'request' ? 'Request' : `Response ${b.status}`, ' ', h('code', null, b.mediaType), ' ', h('span', { class: 'muted' }, `${fmtInt(b.count)} seen`)),
                b.schema
                  ? h('div', { class: 'tree' }, schemaTree(b.schema, '$', bodySens.get(`${b.direction}.body`) ?? new Map(), null, 0))
                  : b.fields
                    ? h('p', null, 'Form fields: ', b.fields.map((f, i) => [i ? ', ' : '', h('code', null, f)]))
                    : empty('Not parsed (binary, truncated or not JSON).'),
              ),
            )
          : empty('No bodies seen.'),
      ),
      section(
        'Sensitive data',
        e.sensitive.length
          ? h(
              'table',
              { class: 'simple' },
              h('thead', null, h('tr', null, h('th', null, 'Type'), h('th', null, 'Where'), h('th', null, 'Name'), h('th', null, 'Masked preview'), h('th', null, 'Seen'))),
              h(
                'tbody',
                null,
                e.sensitive.map((s) => h('tr', null, h('td', null, badge(s.type, 'sensitive')), h('td', null, s.location), h('td', null, h('code', null, s.name)), h('td', null, h('code', null, s.preview)), h('td', null, fmtInt(s.count)))),
              ),
            )
          : empty('No sensitive data seen.'),
      ),
      h(
        'div',
        { class: 'grid2' },
        section(
          'Consumers',
          e.consumers.length ? h('ul', { class: 'list' }, e.consumers.slice(0, 20).map((c) => h('li', null, h('span', { class: 'muted' }, c.kind), ' ', h('code', null, c.id), ' ', `${fmtInt(c.count)}`))) : empty('No consumers recorded.'),
        ),
        section(
          'Spec drift',
          e.stateReason ? h('p', null, badge(STATE_LABEL[e.state] ?? e.state, e.state), ' ', e.stateReason) : null,
          e.deprecationSignals ? h('p', null, badge('deprecated', 'deprecated'), ` ${fmtInt(e.deprecationSignals)} responses carried Deprecation or Sunset headers.`) : null,
          e.declared.length
            ? h('ul', { class: 'list' }, e.declared.map((d) => h('li', null, `Declared in ${d.title ?? 'a spec'} ${d.version ?? ''}`, d.deprecated ? [' ', badge('deprecated', 'deprecated')] : null)))
            : null,
          e.drift.length
            ? h(
                'table',
                { class: 'simple drift' },
                h('thead', null, h('tr', null, h('th', null, 'Difference'), h('th', null, 'Where'), h('th', null, 'Detail'))),
                h('tbody', null, e.drift.map((d) => h('tr', null, h('td', null, d.kind), h('td', null, h('code', null, d.where)), h('td', null, d.detail)))),
              )
            : h('p', { class: 'muted' }, e.declared.length ? 'Traffic matches the declared operation.' : 'No declared spec covers this endpoint (import one with `overhear spec import FILE`).'),
        ),
      ),
    );
    trafficChart(chart, e.traffic);
  };
  return {
    async render(r: HTMLElement, route: Route) {
      root = r;
      id = route.id ?? '';
      await load();
    },
    refresh: load,
  };
}
