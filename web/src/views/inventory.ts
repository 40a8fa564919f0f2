import { api, type EndpointSummary, type Facets, type Page } from '../api';
import { STATE_LABEL } from '../advice';
import { ago, badge, fmtInt, h, methodBadge, replace } from '../dom';
import { go, href, type Route } from '../router';
import type { View } from '../main';

/**
 * The inventory: the server filters, sorts and pages (100 rows a page); the
 * page renders only the rows in view (virtual scrolling), so 20,000 endpoints
 * scroll as smoothly as 20. Every filter and the sort live in the URL.
 */

const ROW_H = 34;
const PAGE = 100;
const FILTERS = ['q', 'host', 'state', 'method', 'auth', 'sensitive', 'since'] as const;

const COLUMNS: Array<{ key: string; label: string; sort?: string; cls: string }> = [
  { key: 'method', label: 'Method', sort: 'method', cls: 'c-method' },
  { key: 'host', label: 'Host', sort: 'host', cls: 'c-host' },
  { key: 'path', label: 'Path', sort: 'path', cls: 'c-path' },
  { key: 'hits', label: 'Hits', sort: 'hits', cls: 'c-num' },
  { key: 'state', label: 'State', cls: 'c-state' },
  { key: 'auth', label: 'Auth', cls: 'c-auth' },
  { key: 'sensitive', label: 'Sensitive', cls: 'c-sens' },
  { key: 'findings', label: 'Findings', sort: 'findings', cls: 'c-num' },
  { key: 'risk', label: 'Risk', sort: 'risk', cls: 'c-num' },
  { key: 'lastSeen', label: 'Last seen', sort: 'lastSeen', cls: 'c-time' },
];

export function inventoryView(): View {
  let root: HTMLElement | undefined;
  let params = new URLSearchParams();
  let total = 0;
  let pages = new Map<number, EndpointSummary[] | Promise<void>>();
  let generation = 0;
  let scroller: HTMLElement;
  let spacer: HTMLElement;
  let body: HTMLElement;
  let countEl: HTMLElement;
  let headRow: HTMLElement;
  let form: HTMLFormElement;
  let exportLink: HTMLAnchorElement;
  let facetsLoaded = false;
  const controls = new Map<string, HTMLInputElement | HTMLSelectElement>();

  const query = (): Record<string, string> => {
    const q: Record<string, string> = {};
    for (const k of [...FILTERS, 'sort', 'order']) {
      const v = params.get(k);
      if (v) q[k] = v;
    }
    return q;
  };

  function setParam(k: string, v: string): void {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    go(href('inventory', next), true);
  }

  function select(name: string, label: string, options: Array<[string, string]>): HTMLSelectElement {
    const s = h('select', { name, 'aria-label': label, id: `f-${name}` }, h('option', { value: '' }, `${label}: all`), options.map(([v, l]) => h('option', { value: v }, l)));
    s.addEventListener('change', () => setParam(name, s.value));
    controls.set(name, s);
    return s;
  }

  async function loadFacets(): Promise<void> {
    const f = await api<Facets>('facets');
    const host = select('host', 'Host', f.hosts.map((x) => [x.host, `${x.host} (${x.endpoints})`]));
    const state = select('state', 'State', Object.entries(STATE_LABEL).map(([k, l]) => [k, `${l} (${f.states[k] ?? 0})`]));
    const method = select('method', 'Method', Object.entries(f.methods).map(([k, n]) => [k, `${k} (${n})`]));
    const auth = select('auth', 'Auth', Object.entries(f.auth).map(([k, n]) => [k, `${k} (${n})`]));
    const sens = select('sensitive', 'Sensitive', [['any', 'any type'], ...Object.entries(f.sensitiveTypes).map(([k, n]): [string, string] => [k, `${k} (${n})`])]);
    const holder = form.querySelector('.selects')!;
    replace(holder, host, state, method, auth, sens);
    facetsLoaded = true;
    syncControls();
  }

  function syncControls(): void {
    for (const [k, el] of controls) {
      const v = params.get(k) ?? '';
      if (el instanceof HTMLSelectElement && v && ![...el.options].some((o) => o.value === v)) el.append(h('option', { value: v }, v));
      if (el.value !== v && document.activeElement !== el) el.value = v;
    }
    const sort = params.get('sort') ?? 'path';
    const order = params.get('order');
    for (const btn of headRow.querySelectorAll<HTMLButtonElement>('button[data-sort]')) {
      const active = btn.dataset.sort === sort;
      const cell = btn.parentElement!;
      if (active) cell.setAttribute('aria-sort', (order ?? (['path', 'host', 'method'].includes(sort) ? 'asc' : 'desc')) === 'asc' ? 'ascending' : 'descending');
      else cell.removeAttribute('aria-sort');
    }
    const host = params.get('host');
    exportLink.setAttribute('href', `/api/export/openapi${host ? `?host=${encodeURIComponent(host)}` : ''}`);
  }

  function build(r: HTMLElement): void {
    root = r;
    const search = h('input', { type: 'search', name: 'q', placeholder: 'Search host or path  ( / )', 'aria-label': 'Search host or path', id: 'f-q' });
    let t: number | undefined;
    search.addEventListener('input', () => {
      window.clearTimeout(t);
      t = window.setTimeout(() => setParam('q', search.value.trim()), 200);
    });
    controls.set('q', search);
    countEl = h('span', { class: 'count', role: 'status', 'aria-live': 'polite' });
    exportLink = h('a', { class: 'button ghost', href: '/api/export/openapi', download: '' }, 'Export OpenAPI');
    form = h('form', { class: 'filters', role: 'search' }, search, h('span', { class: 'selects' }), countEl, exportLink);
    form.addEventListener('submit', (ev) => ev.preventDefault());
    headRow = h(
      'div',
      { class: 'row head', role: 'row' },
      COLUMNS.map((c) =>
        h(
          'div',
          { class: `cell ${c.cls}`, role: 'columnheader' },
          c.sort
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'sort',
                  'data-sort': c.sort,
                  title: `Sort by ${c.label.toLowerCase()}`,
                  on: {
                    click: () => {
                      const cur = params.get('sort') ?? 'path';
                      const next = new URLSearchParams(params);
                      if (cur === c.sort) next.set('order', (next.get('order') ?? (['path', 'host', 'method'].includes(cur) ? 'asc' : 'desc')) === 'asc' ? 'desc' : 'asc');
                      else next.delete('order');
                      next.set('sort', c.sort!);
                      go(href('inventory', next), true);
                    },
                  },
                },
                c.label,
              )
            : c.label,
        ),
      ),
    );
    spacer = h('div', { class: 'spacer' });
    body = h('div', { class: 'rows', role: 'rowgroup' });
    scroller = h('div', { class: 'scroller', tabindex: -1 }, spacer, body);
    scroller.addEventListener('scroll', () => paint(), { passive: true });
    scroller.addEventListener('keydown', onKey);
    replace(r, h('h1', null, 'Inventory'), form, h('div', { class: 'table', role: 'table', 'aria-label': 'Endpoints', 'aria-rowcount': '0' }, headRow, scroller));
    void loadFacets().catch(() => undefined);
  }

  function onKey(ev: KeyboardEvent): void {
    const a = (ev.target as HTMLElement).closest<HTMLElement>('a.row');
    if (!a || (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp')) return;
    const idx = Number(a.dataset.index) + (ev.key === 'ArrowDown' ? 1 : -1);
    if (idx < 0 || idx >= total) return;
    ev.preventDefault();
    const top = idx * ROW_H;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_H > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + ROW_H - scroller.clientHeight;
    paint();
    body.querySelector<HTMLElement>(`a.row[data-index="${idx}"]`)?.focus();
  }

  async function reload(): Promise<void> {
    const gen = ++generation;
    pages = new Map();
    const first = await api<Page<EndpointSummary>>('endpoints', { ...query(), offset: 0, limit: PAGE });
    if (gen !== generation) return;
    total = first.total;
    pages.set(0, first.items);
    countEl.textContent = `${fmtInt(total)} endpoint${total === 1 ? '' : 's'}`;
    root?.querySelector('[role=table]')?.setAttribute('aria-rowcount', String(total));
    spacer.style.height = `${total * ROW_H}px`;
    if (scroller.scrollTop > total * ROW_H) scroller.scrollTop = 0;
    paint();
  }

  function fetchPage(p: number): void {
    if (pages.has(p)) return;
    const gen = generation;
    pages.set(
      p,
      api<Page<EndpointSummary>>('endpoints', { ...query(), offset: p * PAGE, limit: PAGE }).then(
        (page) => {
          if (gen !== generation) return;
          pages.set(p, page.items);
          paint();
        },
        () => {
          if (gen === generation) pages.delete(p);
        },
      ),
    );
  }

  function row(e: EndpointSummary, i: number): HTMLElement {
    const a = h(
      'a',
      { class: 'row', role: 'row', href: href('endpoint', {}, e.id), 'data-index': i, 'data-state': e.state },
      h('span', { class: 'cell c-method', role: 'cell' }, methodBadge(e.method)),
      h('span', { class: 'cell c-host', role: 'cell', title: e.host }, e.host),
      h('span', { class: 'cell c-path', role: 'cell', title: e.path }, e.path),
      h('span', { class: 'cell c-num', role: 'cell' }, fmtInt(e.hits)),
      h('span', { class: 'cell c-state', role: 'cell' }, badge(STATE_LABEL[e.state] ?? e.state, e.state)),
      h('span', { class: 'cell c-auth', role: 'cell', title: e.auth.join(', ') }, e.auth.length ? e.auth.join(', ') : e.unauthenticatedHits ? badge('none', 'none') : '—'),
      h('span', { class: 'cell c-sens', role: 'cell', title: e.sensitiveTypes.join(', ') }, e.sensitiveTypes.join(', ')),
      h('span', { class: 'cell c-num', role: 'cell' }, e.findings ? badge(String(e.findings), e.maxSeverity ?? 'info') : ''),
      h('span', { class: 'cell c-num', role: 'cell' }, e.risk ? e.risk.toFixed(1) : ''),
      h('span', { class: 'cell c-time', role: 'cell', title: e.lastSeen ?? 'never seen' }, ago(e.lastSeen)),
    );
    a.style.transform = `translateY(${i * ROW_H}px)`;
    return a;
  }

  function paint(): void {
    if (!scroller) return;
    const view = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_H) - 8);
    const last = Math.min(total, Math.ceil((scroller.scrollTop + view) / ROW_H) + 8);
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.index;
    const out: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const p = Math.floor(i / PAGE);
      const rows = pages.get(p);
      if (!Array.isArray(rows)) {
        fetchPage(p);
        const ph = h('div', { class: 'row placeholder', role: 'row' }, h('span', { class: 'cell' }, '…'));
        ph.style.transform = `translateY(${i * ROW_H}px)`;
        out.push(ph);
        continue;
      }
      const e = rows[i - p * PAGE];
      if (e) out.push(row(e, i));
    }
    body.replaceChildren(...out);
    if (focused !== undefined) body.querySelector<HTMLElement>(`a.row[data-index="${focused}"]`)?.focus();
    if (total === 0) body.replaceChildren(h('p', { class: 'empty' }, params.toString() ? 'No endpoint matches these filters.' : 'No endpoints yet: upload a capture or run `overhear ingest FILE`.'));
  }

  return {
    async render(r: HTMLElement, route: Route) {
      const before = params.toString();
      params = route.params;
      if (!root || !r.contains(scroller)) build(r);
      else if (before === params.toString()) return;
      syncControls();
      await reload();
    },
    async refresh() {
      if (!facetsLoaded || true) void loadFacets().catch(() => undefined);
      await reload();
    },
  };
}
