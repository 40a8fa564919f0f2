/** Typed calls to the server's JSON API (see /api/openapi.json). */

// The shapes are the catalog's own (the server sends what its queries return): imported as types
// only, so nothing of SQLite reaches the browser bundle.
import type { EndpointSummary, Overview as CatalogOverview, SensorStatus as SensorRow } from '@overhear/catalog';
export type { EndpointDetail, EndpointSummary, Facets, FindingRow, SensitiveMatrix, ServiceGraph } from '@overhear/catalog';
export type { JsonSchema, Severity } from '@overhear/model';

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** `/api/overview`: the catalog's overview with the riskiest and newest endpoints and the traffic series. */
export interface Overview extends CatalogOverview {
  topRisks: EndpointSummary[];
  newest: EndpointSummary[];
  traffic: Array<{ hour: string; hits: number }>;
}

/** `/api/sensor`: the sensors' rows and the server's clock. */
export interface SensorStatus {
  now: string;
  sensors: SensorRow[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Set when the server answered 401: the page then asks for the token. */
export let needToken = false;

export async function api<T>(path: string, params: Record<string, string | number | undefined> = {}, signal?: AbortSignal): Promise<T> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, String(v));
  const url = `/api/${path}${qs.size ? `?${qs}` : ''}`;
  const init: RequestInit = { headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (signal) init.signal = signal;
  const r = await fetch(url, init);
  if (!r.ok) {
    let msg = `${r.status} ${r.statusText}`;
    try {
      const body = (await r.json()) as { error?: string };
      if (body.error) msg = body.error;
    } catch {
      /* not JSON */
    }
    if (r.status === 401) needToken = true;
    throw new ApiError(r.status, msg);
  }
  return (await r.json()) as T;
}

/** Exchanges an access token for the session cookie. */
export async function login(token: string): Promise<boolean> {
  const r = await fetch('/api/session', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'X-Overhear-Request': '1' }, credentials: 'same-origin' });
  if (r.ok) needToken = false;
  return r.ok;
}
