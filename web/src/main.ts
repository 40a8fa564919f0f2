import './style.css';
import { login, needToken } from './api';
import { h, replace } from './dom';
import { go, href, parseHash, type Route } from './router';
import { overviewView } from './views/overview';
import { inventoryView } from './views/inventory';
import { endpointView } from './views/endpoint';
import { findingsView } from './views/findings';
import { sensitiveView } from './views/sensitive';
import { serviceMapView } from './views/servicemap';
import { uploadView } from './views/upload';
import { sensorView } from './views/sensor';

/** A view renders into `root`; `refresh` is called when the catalog changed (live updates without reload). */
export interface View {
  render(root: HTMLElement, route: Route): Promise<void>;
  refresh?(): Promise<void>;
  dispose?(): void;
}

const VIEWS: Array<{ key: string; label: string; make: () => View; nav: boolean }> = [
  { key: 'overview', label: 'Overview', make: overviewView, nav: true },
  { key: 'inventory', label: 'Inventory', make: inventoryView, nav: true },
  { key: 'findings', label: 'Findings', make: findingsView, nav: true },
  { key: 'sensitive', label: 'Sensitive data', make: sensitiveView, nav: true },
  { key: 'map', label: 'Service map', make: serviceMapView, nav: true },
  { key: 'upload', label: 'Upload', make: uploadView, nav: true },
  { key: 'sensor', label: 'Sensor', make: sensorView, nav: true },
  { key: 'endpoint', label: 'Endpoint', make: endpointView, nav: false },
];

const main = document.getElementById('main')!;
const nav = document.getElementById('nav')!;
const live = document.getElementById('live')!;
let current: { key: string; view: View } | undefined;
let renderSeq = 0;

function buildNav(active: string): void {
  replace(
    nav,
    ...VIEWS.filter((v) => v.nav).map((v, i) =>
      h('a', { href: href(v.key), class: v.key === active ? 'active' : undefined, 'aria-current': v.key === active ? 'page' : undefined, title: `${v.label} (${i + 1})` }, v.label),
    ),
  );
}

async function tokenPrompt(): Promise<void> {
  const input = h('input', { type: 'password', id: 'token', 'aria-label': 'Access token', placeholder: 'access token' });
  const msg = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card token-form' },
    h('h1', null, 'Access token needed'),
    h('p', null, 'This overhear server is reachable from the network, so it asks for the access token printed when it started.'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    msg,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void login(input.value.trim()).then((ok) => {
      if (ok) void show();
      else replace(msg, 'That token was refused.');
    });
  });
  replace(main, form);
  input.focus();
}

async function show(): Promise<void> {
  const route = parseHash(location.hash);
  const spec = VIEWS.find((v) => v.key === route.view) ?? VIEWS[0]!;
  buildNav(spec.key === 'endpoint' ? 'inventory' : spec.key);
  const seq = ++renderSeq;
  if (current && current.key !== spec.key) {
    current.view.dispose?.();
    current = undefined;
  }
  if (!current) {
    current = { key: spec.key, view: spec.make() };
    window.scrollTo(0, 0);
  } else if (spec.key === 'endpoint' || spec.key === 'findings') window.scrollTo(0, 0);
  document.title = `overhear — ${spec.label}`;
  try {
    await current.view.render(main, route);
  } catch (e) {
    if (seq !== renderSeq) return;
    if (needToken) return tokenPrompt();
    replace(main, h('div', { class: 'card error', role: 'alert' }, h('h1', null, 'Could not load this view'), h('p', null, e instanceof Error ? e.message : String(e))));
  }
}

// A token handed over in the URL (#token=…) becomes a session cookie, then leaves the URL.
async function start(): Promise<void> {
  const m = /^#token=([^&]+)/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', `${location.pathname}#/overview`);
    await login(decodeURIComponent(m[1]!));
  }
  window.addEventListener('hashchange', () => void show());
  await show();
  listen();
}

/** Server-sent events: the catalog changed (an upload, an ingest, a monitor) → the open view refreshes itself. */
function listen(): void {
  const es = new EventSource('/api/events');
  let timer: number | undefined;
  es.addEventListener('hello', () => {
    live.textContent = '● live';
    live.className = 'live on';
  });
  es.addEventListener('catalog', () => {
    live.textContent = '● updated';
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      live.textContent = '● live';
      void (current?.view.refresh ? current.view.refresh() : show());
    }, 250);
  });
  es.addEventListener('upload', (ev) => window.dispatchEvent(new CustomEvent('overhear-upload', { detail: JSON.parse((ev as MessageEvent<string>).data) as unknown })));
  es.onerror = () => {
    live.textContent = '○ offline';
    live.className = 'live off';
  };
}

// Light and dark: follows the system until chosen, then remembered.
const themeBtn = document.getElementById('theme')!;
function applyTheme(t: string | null): void {
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}
applyTheme(localStorage.getItem('overhear-theme'));
function toggleTheme(): void {
  const dark = document.documentElement.dataset.theme ? document.documentElement.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  const next = dark ? 'light' : 'dark';
  localStorage.setItem('overhear-theme', next);
  applyTheme(next);
}
themeBtn.addEventListener('click', toggleTheme);

// Keyboard: 1–7 switch views, "/" goes to the search box, "t" toggles the theme.
document.addEventListener('keydown', (ev) => {
  const t = ev.target as HTMLElement;
  if (ev.ctrlKey || ev.metaKey || ev.altKey || t.closest('input, textarea, select, [contenteditable]')) return;
  const navViews = VIEWS.filter((v) => v.nav);
  const n = Number(ev.key);
  if (n >= 1 && n <= navViews.length) {
    go(href(navViews[n - 1]!.key));
    ev.preventDefault();
  } else if (ev.key === '/') {
    const search = document.querySelector<HTMLInputElement>('input[type=search]');
    if (search) {
      search.focus();
      ev.preventDefault();
    }
  } else if (ev.key === 't') toggleTheme();
});

void start();
