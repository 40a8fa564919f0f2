/**
 * The only way this page builds DOM: elements with text children. Strings go
 * in as text nodes (never parsed as HTML), attributes through setAttribute
 * with names from the code, and links only to this page's own hash routes.
 * Nothing here touches innerHTML, outerHTML, insertAdjacentHTML or document.write.
 */
export type Child = Node | string | number | null | undefined | false | Child[];

export interface Attrs {
  class?: string;
  /** A hash route of this page ("#/endpoint/3") or this server's /api/ path; anything else is dropped. */
  href?: string;
  title?: string;
  id?: string;
  role?: string;
  tabindex?: number;
  type?: string;
  for?: string;
  name?: string;
  value?: string;
  placeholder?: string;
  download?: string;
  hidden?: boolean;
  disabled?: boolean;
  'aria-label'?: string;
  'aria-sort'?: string;
  'aria-live'?: string;
  'aria-current'?: string;
  'aria-expanded'?: string;
  'aria-rowcount'?: string;
  max?: string;
  [data: `data-${string}`]: string | number | undefined;
  on?: { [K in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[K]) => void };
}

export function safeHref(href: string): string | undefined {
  if (href.startsWith('#')) return href;
  if (href.startsWith('/api/')) return href;
  return undefined;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'on') {
        for (const [ev, fn] of Object.entries(v as Record<string, EventListener>)) el.addEventListener(ev, fn);
      } else if (k === 'href') {
        const safe = safeHref(String(v));
        if (safe !== undefined) el.setAttribute('href', safe);
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Replaces the element's children (text only, as above). */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}Z`;
}

export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function badge(text: string, kind: string): HTMLElement {
  return h('span', { class: `badge badge-${kind.replace(/[^a-z0-9-]/gi, '')}` }, text);
}

export function methodBadge(m: string): HTMLElement {
  return h('span', { class: `method method-${m.toLowerCase().replace(/[^a-z]/g, '')}` }, m);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), ...children);
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}
