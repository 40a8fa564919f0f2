import { api, type Overview, type EndpointSummary } from '../api';
import { barList, trafficChart } from '../charts';
import { ago, badge, empty, fmtInt, h, methodBadge, replace, section } from '../dom';
import { href, type Route } from '../router';
import type { View } from '../main';

export function endpointLink(e: Pick<EndpointSummary, 'id' | 'method' | 'host' | 'path'>): HTMLElement {
  return h('a', { href: href('endpoint', {}, e.id), class: 'ep-link' }, methodBadge(e.method), ' ', h('span', { class: 'host' }, e.host), h('span', { class: 'path' }, e.path));
}

function stat(label: string, value: number, link: string, hint: string, kind = ''): HTMLElement {
  return h('a', { class: `stat ${kind}`, href: link, title: hint, 'data-stat': label }, h('span', { class: 'stat-value' }, fmtInt(value)), h('span', { class: 'stat-label' }, label));
}

export function overviewView(): View {
  let root: HTMLElement;
  const load = async (): Promise<void> => {
    const o = await api<Overview>('overview');
    const sev = (['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => ({ key: s, label: s, value: o.findingsBySeverity[s] ?? 0, link: href('findings', { severity: s }) }));
    const chart = h('div', { class: 'chart-box' });
    const sevBox = h('div', { class: 'chart-box' });
    replace(
      root,
      h('h1', null, 'Overview'),
      o.endpoints === 0
        ? h('div', { class: 'card callout' }, h('p', null, 'The catalog is empty. ', h('a', { href: href('upload') }, 'Upload a HAR or pcap file'), ', or run `overhear ingest FILE` — this page updates by itself.'))
        : null,
      h(
        'div',
        { class: 'stats' },
        stat('hosts', o.hosts, href('inventory'), 'distinct hosts seen'),
        stat('endpoints', o.endpoints, href('inventory'), 'method + path templates'),
        stat('shadow', o.states.shadow ?? 0, href('inventory', { state: 'shadow' }), 'seen in traffic, missing from the declared spec', 'warn'),
        stat('zombie', o.states.deprecated ?? 0, href('inventory', { state: 'deprecated' }), 'deprecated in the spec, still called', 'warn'),
        stat('orphan', o.states.unused ?? 0, href('inventory', { state: 'unused' }), 'declared in the spec, never seen'),
        stat('sensitive', o.sensitiveEndpoints, href('inventory', { sensitive: 'any' }), 'endpoints carrying personal data or secrets', 'warn'),
        stat('findings', o.findings, href('findings'), 'risks found', o.findings ? 'bad' : ''),
      ),
      h(
        'div',
        { class: 'grid2' },
        section('Traffic over time', chart, h('p', { class: 'muted' }, `${fmtInt(o.hits)} requests from ${o.sources} source${o.sources === 1 ? '' : 's'}; last seen ${ago(o.lastSeen)}.`)),
        section('Findings by severity', sevBox),
      ),
      h(
        'div',
        { class: 'grid2' },
        section(
          'Top risks',
          o.topRisks.length
            ? h(
                'ol',
                { class: 'list' },
                o.topRisks.map((e) =>
                  h('li', null, endpointLink(e), ' ', e.maxSeverity ? badge(e.maxSeverity, e.maxSeverity) : null, ' ', h('span', { class: 'muted' }, `${e.findings} finding${e.findings === 1 ? '' : 's'}`)),
                ),
              )
            : empty('No risky endpoint found.'),
        ),
        section(
          'New since yesterday',
          h('p', { class: 'muted' }, `${fmtInt(o.newEndpoints)} endpoint${o.newEndpoints === 1 ? '' : 's'} first seen since ${new Date(o.newSince).toISOString().slice(0, 16).replace('T', ' ')}Z`),
          o.newest.length ? h('ul', { class: 'list' }, o.newest.map((e) => h('li', null, endpointLink(e), ' ', h('span', { class: 'muted' }, ago(e.firstSeen))))) : null,
          o.newEndpoints > o.newest.length ? h('a', { href: href('inventory', { since: o.newSince, sort: 'firstSeen' }) }, 'all new endpoints →') : null,
        ),
      ),
    );
    trafficChart(chart, o.traffic);
    barList(sevBox, sev, 'Findings by severity');
  };
  return {
    async render(r: HTMLElement, _route: Route) {
      root = r;
      await load();
    },
    refresh: load,
  };
}
