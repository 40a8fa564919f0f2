/**
 * Hash routes: "#/view", "#/view/id", each with filters as a query string
 * ("#/inventory?state=shadow&sort=hits"), so every view and filter is a link.
 */
export interface Route {
  view: string;
  id: string | undefined;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const [view, id] = path.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { view: view || 'overview', id: id || undefined, params };
}

export function href(view: string, params: Record<string, string | number | undefined> | URLSearchParams = {}, id?: string | number): string {
  const qs = params instanceof URLSearchParams ? new URLSearchParams(params) : new URLSearchParams();
  if (!(params instanceof URLSearchParams)) for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, String(v));
  for (const [k, v] of [...qs.entries()]) if (v === '') qs.delete(k);
  const s = qs.toString();
  return `#/${view}${id !== undefined ? `/${encodeURIComponent(String(id))}` : ''}${s ? `?${s}` : ''}`;
}

/** Changes the URL; `replace` keeps history clean while typing in filters. */
export function go(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else location.hash = to;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}
