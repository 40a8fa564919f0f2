import { api, type SensitiveMatrix } from '../api';
import { heatmap } from '../charts';
import { empty, fmtInt, h, replace, section } from '../dom';
import { href, type Route } from '../router';
import type { View } from '../main';

export function sensitiveView(): View {
  let root: HTMLElement;
  let route: Route;
  const load = async (): Promise<void> => {
    const host = route.params.get('host') ?? undefined;
    const m = await api<SensitiveMatrix>('sensitive', { host, firstParty: route.params.get('firstParty') ?? undefined });
    const box = h('div', { class: 'chart-box scroll-x' });
    const byId = new Map(m.endpoints.map((e) => [e.id, e]));
    replace(
      root,
      h('h1', null, 'Sensitive-data map'),
      h('p', { class: 'muted' }, 'Where personal data and secrets travel: endpoints (rows) × data types (columns); darker = more often. Values are never stored, only type, place and a masked preview. Select a cell to open its endpoint.'),
      section(
        'Data types',
        m.types.length
          ? h('ul', { class: 'chips' }, m.types.map((t) => h('li', null, h('a', { href: href('inventory', { sensitive: t.type }) }, t.type), ` ${t.endpoints} endpoint${t.endpoints === 1 ? '' : 's'}`)))
          : empty('No sensitive data seen yet.'),
      ),
      section(`Endpoints × types${m.endpoints.length ? ` (${m.endpoints.length})` : ''}`, m.endpoints.length ? box : empty('Nothing to map.')),
      section(
        'Personal data leaving to third parties',
        h('p', { class: 'muted' }, `Sensitive data sent in requests (path, query, headers, cookies, bodies) to hosts outside ${m.firstPartyDomains.length ? m.firstPartyDomains.join(', ') : 'your domains'} (first party = the domain with the most traffic; set ?firstParty=a.com,b.com in the URL to change it).`),
        m.thirdParty.length
          ? h(
              'table',
              { class: 'simple third-party' },
              h('thead', null, h('tr', null, h('th', null, 'Third-party host'), h('th', null, 'Data type'), h('th', null, 'Endpoints'), h('th', null, 'Times seen'))),
              h('tbody', null, m.thirdParty.map((t) => h('tr', null, h('td', null, h('a', { href: href('inventory', { host: t.host, sensitive: t.type }) }, t.host)), h('td', null, t.type), h('td', null, fmtInt(t.endpoints)), h('td', null, fmtInt(t.count))))),
            )
          : empty('None seen.'),
      ),
    );
    if (m.endpoints.length) {
      heatmap(
        box,
        {
          rows: m.endpoints.map((e) => ({ id: e.id, label: `${e.method} ${e.path}`, sub: e.host })),
          cols: m.types.map((t) => t.type),
          cells: m.cells.map((c) => ({ row: c.endpointId, col: c.type, value: c.count, note: `${byId.get(c.endpointId)?.host ?? ''} — ${c.locations.join(', ')}` })),
        },
        'Sensitive data by endpoint and type',
      );
    }
  };
  return {
    async render(r, rt) {
      root = r;
      route = rt;
      await load();
    },
    refresh: load,
  };
}
