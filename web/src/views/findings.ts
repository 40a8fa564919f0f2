import { api, type FindingRow, type Page } from '../api';
import { adviceFor, OWASP_TITLES } from '../advice';
import { barList } from '../charts';
import { ago, badge, empty, fmtInt, h, methodBadge, replace, section } from '../dom';
import { go, href, type Route } from '../router';
import type { View } from '../main';

interface FindingPage extends Page<FindingRow> {
  facets: { rule: Record<string, number>; severity: Record<string, number>; owasp: Record<string, number> };
}

function detail(f: FindingRow): HTMLElement {
  return h(
    'article',
    { class: 'card finding-detail', id: `finding-${f.id}`, 'aria-label': `Finding ${f.rule}` },
    h('h2', null, badge(f.severity, f.severity), ' ', h('span', { class: 'rule' }, f.rule)),
    h('p', null, h('strong', null, f.owasp), ' ', OWASP_TITLES[f.owasp] ?? ''),
    h('p', null, 'On ', h('a', { href: href('endpoint', {}, f.endpointId), class: 'ep-link' }, methodBadge(f.method), ' ', h('span', { class: 'host' }, f.host), h('span', { class: 'path' }, f.path))),
    h('h3', null, 'Evidence (redacted)'),
    h('pre', { class: 'evidence' }, f.evidence),
    h('h3', null, 'What to do'),
    h('p', { class: 'advice' }, adviceFor(f.rule, f.owasp)),
    h('p', { class: 'muted' }, `Seen ${fmtInt(f.count)} time${f.count === 1 ? '' : 's'}; first ${ago(f.firstSeen)}, last ${ago(f.lastSeen)}.`),
  );
}

export function findingsView(): View {
  let root: HTMLElement;
  let route: Route;
  let shown = 100;
  const load = async (): Promise<void> => {
    const p = route.params;
    const q = { rule: p.get('rule') ?? undefined, severity: p.get('severity') ?? undefined, owasp: p.get('owasp') ?? undefined, host: p.get('host') ?? undefined, q: p.get('q') ?? undefined };
    const [page, one] = await Promise.all([
      api<FindingPage>('findings', { ...q, limit: shown }),
      route.id && /^\d+$/.test(route.id) ? api<FindingRow>(`findings/${route.id}`) : Promise.resolve(undefined),
    ]);
    const set = (k: string, v: string): void => {
      const next = new URLSearchParams(p);
      if (v) next.set(k, v);
      else next.delete(k);
      go(href('findings', next));
    };
    const facetSelect = (k: 'rule' | 'severity' | 'owasp', label: string): HTMLSelectElement => {
      const s = h(
        'select',
        { 'aria-label': label, name: k },
        h('option', { value: '' }, `${label}: all`),
        Object.entries(page.facets[k]).map(([v, n]) => h('option', { value: v }, `${v}${k === 'owasp' && OWASP_TITLES[v] ? ` ${OWASP_TITLES[v]}` : ''} (${n})`)),
      );
      s.value = p.get(k) ?? '';
      s.addEventListener('change', () => set(k, s.value));
      return s;
    };
    const sevBox = h('div', { class: 'chart-box' });
    const byOwasp = Object.entries(page.facets.owasp).sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }));
    const byRule = Object.entries(page.facets.rule).sort((a, b) => b[1] - a[1]);
    replace(
      root,
      h('h1', null, 'Findings'),
      one ? detail(one) : null,
      h('div', { class: 'grid3' },
        section('By severity', sevBox),
        section('By OWASP API Top 10', byOwasp.length ? h('ul', { class: 'list' }, byOwasp.map(([k, n]) => h('li', null, h('a', { href: href('findings', { owasp: k }) }, k), ' ', h('span', { class: 'muted' }, OWASP_TITLES[k] ?? ''), ` — ${n}`))) : empty('None.')),
        section('By rule', byRule.length ? h('ul', { class: 'list' }, byRule.map(([k, n]) => h('li', null, h('a', { href: href('findings', { rule: k }) }, k), ` — ${n}`))) : empty('None.')),
      ),
      h('form', { class: 'filters' }, facetSelect('severity', 'Severity'), facetSelect('owasp', 'OWASP'), facetSelect('rule', 'Rule'), h('span', { class: 'count' }, `${fmtInt(page.total)} finding${page.total === 1 ? '' : 's'}`)),
      page.items.length
        ? h(
            'table',
            { class: 'simple findings-table' },
            h('thead', null, h('tr', null, h('th', null, 'Severity'), h('th', null, 'Rule'), h('th', null, 'OWASP'), h('th', null, 'Endpoint'), h('th', null, 'Evidence (redacted)'), h('th', null, 'Count'), h('th', null, 'Last seen'))),
            h(
              'tbody',
              null,
              page.items.map((f) =>
                h(
                  'tr',
                  { 'data-finding': f.id },
                  h('td', null, badge(f.severity, f.severity)),
                  h('td', null, h('a', { href: href('findings', p, f.id), class: 'finding-link' }, f.rule)),
                  h('td', null, h('span', { title: OWASP_TITLES[f.owasp] ?? '' }, f.owasp)),
                  h('td', null, h('a', { href: href('endpoint', {}, f.endpointId), class: 'ep-link' }, methodBadge(f.method), ' ', h('span', { class: 'host' }, f.host), h('span', { class: 'path' }, f.path))),
                  h('td', null, h('code', { class: 'evidence-inline' }, f.evidence)),
                  h('td', null, fmtInt(f.count)),
                  h('td', null, ago(f.lastSeen)),
                ),
              ),
            ),
          )
        : empty(p.toString() ? 'No finding matches these filters.' : 'No findings: nothing risky was seen (or no traffic yet).'),
      page.total > page.items.length
        ? h('button', { type: 'button', on: { click: () => ((shown += 200), void load()) } }, `Show more (${fmtInt(page.total - page.items.length)} left)`)
        : null,
    );
    barList(sevBox, (['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => ({ key: s, label: s, value: page.facets.severity[s] ?? 0, link: href('findings', { severity: s }) })), 'Findings by severity');
  };
  return {
    async render(r, rt) {
      root = r;
      route = rt;
      shown = 100;
      await load();
    },
    refresh: load,
  };
}
