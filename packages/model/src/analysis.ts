/**
 * Shapes produced by analysis and stored in the catalog.
 * JSON Schema here is the 2020-12 dialect used by OpenAPI 3.1.
 */

export type JsonSchemaType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

export interface JsonSchema {
  type?: JsonSchemaType | JsonSchemaType[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  description?: string;
  deprecated?: boolean;
  /** Any other keyword of a declared spec is kept as is. */
  [keyword: string]: unknown;
}

export type ParamLocation = 'path' | 'query' | 'header' | 'cookie';

export type AuthScheme = 'bearer' | 'basic' | 'digest' | 'api-key-header' | 'api-key-query' | 'api-key-cookie' | 'session-cookie' | 'jwt' | 'other';

export type EndpointState = 'documented' | 'shadow' | 'deprecated' | 'unused' | 'undocumented';

export type SensitiveLocation =
  | 'path'
  | 'query'
  | 'request.header'
  | 'response.header'
  | 'request.cookie'
  | 'response.cookie'
  | 'request.body'
  | 'response.body';

/** A sensitive value found in traffic. Never carries the value itself. */
export interface SensitiveMatch {
  type: string;
  location: SensitiveLocation;
  /** Parameter, header or cookie name, or JSON path ("$.customer.email"). */
  name: string;
  /** Masked preview safe to show ("j***@e***.com"). */
  preview: string;
  /** Keyed hash (HMAC) of the value, for correlation without storage. */
  hash: string;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export interface Finding {
  rule: string;
  severity: Severity;
  owasp: string;
  host: string;
  method: string;
  path: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Redacted: never a raw secret or PII value. */
  evidence: string;
}

/** One row of `overhear endpoints --json` (the public contract). */
export interface EndpointRecord {
  host: string;
  method: string;
  path: string;
  hits: number;
  /** Hits analysed in full (parameters, bodies, sensitive data, findings); the rest were counted only (sampling). */
  analysed: number;
  /** null for a declared operation never seen in traffic (state "unused"). */
  firstSeen: string | null;
  lastSeen: string | null;
  statusCodes: Record<string, number>;
  auth: string[];
  state: EndpointState;
  sensitive: Array<{ location: SensitiveLocation; name: string; type: string; count?: number }>;
  [extra: string]: unknown;
}
