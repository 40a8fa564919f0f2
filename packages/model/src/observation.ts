import type { JsonSchema, ParamLocation, SensitiveLocation, Severity } from './analysis.js';
import type { Endpoint4 } from './exchange.js';

/**
 * What analysis hands to the catalog: aggregates over a batch of exchanges,
 * one per endpoint, already templated and redacted. Times are ms since epoch.
 * The catalog adds these to what it holds; it never sees an exchange.
 */

export interface ParamObservation {
  location: ParamLocation;
  name: string;
  schema: JsonSchema;
  count: number;
  /** Smallest and largest numeric value seen (page sizes, ids), when values were numbers. */
  min?: number;
  max?: number;
  /** Longest run of consecutive integers among the values seen (1, 2, 3… → 3): a client walking ids. */
  longestRun?: number;
}

export interface BodyObservation {
  direction: 'request' | 'response';
  /** Response status code; 0 for request bodies. */
  status: number;
  mediaType: string;
  /** Absent when the body could not be parsed (binary, truncated, invalid). */
  schema?: JsonSchema;
  /** Form or multipart field names, when the body is a form. */
  fields?: string[];
  count: number;
}

export interface SensitiveObservation {
  type: string;
  location: SensitiveLocation;
  name: string;
  preview: string;
  hash: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface FindingObservation {
  rule: string;
  /** Identity within the endpoint, free of values ("email in query email"): hits with one key are one finding. */
  key: string;
  severity: Severity;
  owasp: string;
  /** Redacted; the latest example. */
  evidence: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/** A distinct caller: client address, user-agent family, or a keyed hash of a credential. */
export interface ConsumerObservation {
  kind: 'client-ip' | 'user-agent' | 'credential';
  /** Client IP, UA family, or "scheme:hash" — never a raw credential. */
  id: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface EndpointObservation {
  host: string;
  method: string;
  /** OpenAPI path template. */
  path: string;
  hits: number;
  /**
   * Exchanges analysed in full (parameters, bodies, sensitive data, findings);
   * the other `hits - analysed` were counted only (sampling). Parameter, body,
   * sensitive-data and finding counts are out of `analysed`.
   */
  analysed: number;
  firstSeen: number;
  lastSeen: number;
  scheme: { http: number; https: number };
  statusCodes: Record<string, number>;
  /** Auth scheme → requests carrying it; "none" counts requests without credentials. */
  auth: Record<string, number>;
  parameters: ParamObservation[];
  bodies: BodyObservation[];
  /** Hour start (ms) → hits. */
  hourly: Record<string, number>;
  sensitive: SensitiveObservation[];
  findings: FindingObservation[];
  consumers: ConsumerObservation[];
  /** Server addresses seen ("ip:port"), for hosts named by address only. */
  servers: string[];
  /** Responses carrying Deprecation or Sunset headers. */
  deprecationSignals: number;
}

/** Templates that re-templating merged: what the catalog holds under `from` (paths, all methods) moves onto `into`. */
export interface EndpointMerge {
  host: string;
  from: string[];
  into: string;
}

export interface ObservationBatch {
  /** Applied first, in order, before `endpoints` are added. */
  merges?: EndpointMerge[];
  endpoints: EndpointObservation[];
  /** TLS server names (or addresses) whose traffic could not be read → connections. */
  tlsHosts: Record<string, number>;
}

/** The hosts whose endpoints a batch changes: all that a re-evaluation after it needs to look at. */
export function batchHosts(b: ObservationBatch): Set<string> {
  const hosts = new Set<string>();
  for (const m of b.merges ?? []) hosts.add(m.host);
  for (const e of b.endpoints) hosts.add(e.host);
  return hosts;
}

/**
 * Parameters, sensitive-data places and findings one endpoint keeps (per
 * batch, and in the catalog), and callers of each kind in the catalog. Their
 * names come from traffic (query names, JSON keys used as map keys, evidence
 * naming them, rotating tokens): without a cap a client could grow one
 * endpoint without bound, batch after batch. Rows already kept go on being
 * counted.
 */
export const MAX_ROWS_PER_ENDPOINT = 1000;

/** Body variants (direction, status, media type) one endpoint keeps, per batch and in the catalog: media types are header values from traffic. */
export const MAX_BODY_VARIANTS_PER_ENDPOINT = 100;

/** Where requests to a host's endpoints beyond its cap are counted. */
export const OVERFLOW_PATH = '/{overflowPath}';

const OVERFLOW_HOST = /^hosts-over-cap(-[0-9a-f-]+-port-\d+)?\.invalid$/;

/**
 * Where requests naming Host names beyond the cap of their server address
 * are counted: a name under ".invalid" (RFC 2606), so it is never a real host.
 */
export function overflowHost(server: Endpoint4 | undefined): string {
  return server ? `hosts-over-cap-${server.ip.replace(/[.:]/g, '-')}-port-${server.port}.invalid` : 'hosts-over-cap.invalid';
}

/** Overflow buckets count requests; they are not API surface (exports leave them out). */
export function isOverflowBucket(host: string, path: string): boolean {
  return path === OVERFLOW_PATH || OVERFLOW_HOST.test(host);
}
