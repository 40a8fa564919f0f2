import { api, type ServiceGraph } from '../api';
import { serviceMap, type GraphNode } from '../charts';
import { empty, h, replace, section } from '../dom';
import { go, href, type Route } from '../router';
import type { View } from '../main';

export function serviceMapView(): View {
  let root: HTMLElement;
  let route: Route;
  const load = async (): Promise<void> => {
    const clients = route.params.get('clients') ?? undefined;
    const g = await api<ServiceGraph>('service-map', { clients });
    const box = h('div', { class: 'chart-box scroll-x' });
    const kinds = Object.keys(g.clientKinds);
    const pick = h('select', { 'aria-label': 'Clients are', name: 'clients' }, ['user-agent', 'client-ip', 'credential'].map((k) => h('option', { value: k }, `clients by ${k} (${g.clientKinds[k] ?? 0})`)));
    pick.value = g.clientKind;
    pick.addEventListener('change', () => go(href('map', { clients: pick.value })));
    replace(
      root,
      h('h1', null, 'Service map'),
      h('p', { class: 'muted' }, 'Who calls what: clients → hosts → endpoint groups (the literal path before the first parameter). Line width is traffic. Select a host or a group to open it in the inventory.'),
      h('form', { class: 'filters' }, pick, kinds.length === 0 ? h('span', { class: 'muted' }, 'No consumers recorded yet: hosts and endpoint groups only.') : null),
      section('Traffic', g.nodes.length ? box : empty('No traffic yet.')),
    );
    if (g.nodes.length) {
      const nodes: GraphNode[] = g.nodes.map((n) => {
        const out: GraphNode = { id: n.id, kind: n.kind, label: n.label, hits: n.hits };
        if (n.kind === 'host') out.link = href('inventory', { host: n.label });
        if (n.kind === 'group' && n.host) out.link = href('inventory', { host: n.host, q: n.prefix && n.prefix !== '/' ? n.prefix : undefined });
        return out;
      });
      serviceMap(box, nodes, g.links, 'Service map');
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
