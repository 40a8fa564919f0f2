/** Typed calls to the server's JSON API (see /api/openapi.json). */

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface EndpointSummary {
  id: number;
  host: string;
  method: string;
  path: string;
  hits: number;
  /** null for a declared operation never seen in traffic. */
  firstSeen: string | null;
  lastSeen: string | null;
  state: string;
  stateReason: string | null;
  risk: number;
  statusCodes: Record<string, number>;
  auth: string[];
  unauthenticatedHits: number;
  sensitiveTypes: string[];
  findings: number;
  maxSeverity: Severity | null;
}

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

export interface FindingRow {
  id: number;
  endpointId: number;
  rule: string;
  severity: Severity;
  owasp: string;
  host: string;
  method: string;
  path: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  evidence: string;
}

export interface JsonSchema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  [k: string]: unknown;
}

export interface EndpointDetail extends EndpointSummary {
  httpHits: number;
  httpsHits: number;
  servers: string[];
  authCounts: Record<string, number>;
  parameters: Array<{ location: string; name: string; schema: JsonSchema; count: number }>;
  bodies: Array<{ direction: 'request' | 'response'; status: number; mediaType: string; schema: JsonSchema | null; fields: string[] | null; count: number }>;
  sensitive: Array<{ location: string; name: string; type: string; preview: string; count: number; firstSeen: string; lastSeen: string }>;
  findingList: FindingRow[];
  consumers: Array<{ kind: string; id: string; count: number; firstSeen: string; lastSeen: string }>;
  traffic: Array<{ hour: string; hits: number }>;
  declared: Array<{ specId: number; title: string | null; version: string | null; deprecated: boolean }>;
  drift: Array<{ kind: string; where: string; detail: string }>;
  deprecationSignals: number;
  analysed: number;
}

export interface Overview {
  hosts: number;
  endpoints: number;
  hits: number;
  sources: number;
  states: Record<string, number>;
  sensitiveEndpoints: number;
  findings: number;
  findingsBySeverity: Record<Severity, number>;
  tlsHosts: number;
  firstSeen: string | null;
  lastSeen: string | null;
  newSince: string;
  newEndpoints: number;
  topRisks: EndpointSummary[];
  newest: EndpointSummary[];
  traffic: Array<{ hour: string; hits: number }>;
}

export interface Facets {
  hosts: Array<{ host: string; endpoints: number }>;
  states: Record<string, number>;
  methods: Record<string, number>;
  auth: Record<string, number>;
  sensitiveTypes: Record<string, number>;
}

export interface SensitiveMatrix {
  types: Array<{ type: string; endpoints: number; count: number }>;
  endpoints: Array<{ id: number; host: string; method: string; path: string; hits: number; state: string }>;
  cells: Array<{ endpointId: number; type: string; count: number; locations: string[] }>;
  thirdParty: Array<{ host: string; type: string; count: number; endpoints: number }>;
  firstPartyDomains: string[];
}

export interface ServiceGraph {
  clientKind: string;
  clientKinds: Record<string, number>;
  nodes: Array<{ id: string; kind: 'client' | 'host' | 'group'; label: string; hits: number; host?: string; prefix?: string }>;
  links: Array<{ source: string; target: string; value: number }>;
}

export interface SensorStatus {
  now: string;
  sensors: Array<{ name: string; updatedAt: string; stats: Record<string, unknown> }>;
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
