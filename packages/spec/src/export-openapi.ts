import type { OpenAPIV3_1 } from 'openapi-types';
// openapi-types types 3.1 parameters and media types with 3.0 schemas; our schemas are 2020-12, hence the `as never` casts below.
import { isOverflowBucket, type JsonSchema, type ParamLocation } from '@overhear/model';
import { mergeSchemas, tidySchema } from '@overhear/infer';

/**
 * Writes what traffic showed as an OpenAPI 3.1 document. Input is plain data
 * (what the catalog's `endpointShapes` returns), so this knows nothing of SQLite.
 * Several hosts go into one document: each path lists the hosts that serve it
 * in a path-level `servers`, and operations seen on several hosts are merged.
 */

export interface ShapeInput {
  host: string;
  method: string;
  path: string;
  hits: number;
  /** Hits analysed in full: what parameter and body counts are out of. */
  analysed: number;
  state: string;
  credentials: string[];
  parameters: Array<{ location: ParamLocation; name: string; schema: JsonSchema; count: number }>;
  bodies: Array<{ direction: 'request' | 'response'; status: number; mediaType: string; schema?: JsonSchema; fields?: string[]; count: number }>;
  statusCodes: Record<string, number>;
  sensitive: Array<{ location: string; name: string; type: string }>;
}

export interface ExportOptions {
  title?: string;
  version?: string;
  /** Scheme per host for `servers`; defaults to https unless only http was seen. */
  schemeOf?: (host: string) => 'http' | 'https';
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK', '201': 'Created', '202': 'Accepted', '204': 'No Content', '301': 'Moved Permanently', '302': 'Found',
  '304': 'Not Modified', '400': 'Bad Request', '401': 'Unauthorized', '403': 'Forbidden', '404': 'Not Found',
  '405': 'Method Not Allowed', '409': 'Conflict', '422': 'Unprocessable Content', '429': 'Too Many Requests',
  '500': 'Internal Server Error', '502': 'Bad Gateway', '503': 'Service Unavailable',
};

type Doc = OpenAPIV3_1.Document;
type Operation = OpenAPIV3_1.OperationObject;

export function exportOpenApi(all: ShapeInput[], opts: ExportOptions = {}): Doc {
  // overflow buckets count what a cap turned away; they describe no API
  const shapes = all.filter((s) => !isOverflowBucket(s.host, s.path));
  const hosts = [...new Set(shapes.map((s) => s.host))].sort();
  const serverOf = (h: string): OpenAPIV3_1.ServerObject => ({ url: `${opts.schemeOf?.(h) ?? 'https'}://${h}` });
  const doc: Doc = {
    openapi: '3.1.0',
    info: {
      title: opts.title ?? (hosts.length === 1 ? `${hosts[0]} (observed)` : 'Observed APIs'),
      version: opts.version ?? new Date().toISOString().slice(0, 10),
      description: 'Inferred by overhear from observed traffic. Values are never included; sensitive fields are marked with x-sensitive.',
    },
    servers: hosts.map(serverOf),
    paths: {},
    components: { securitySchemes: {} },
  };
  const securitySchemes = doc.components!.securitySchemes as Record<string, OpenAPIV3_1.SecuritySchemeObject>;
  const pathHosts = new Map<string, Set<string>>();
  const operationIds = new Set<string>();
  // Operations from different hosts on one path+method merge their observations first.
  const merged = new Map<string, ShapeInput>();
  for (const s of shapes) {
    const method = s.method.toLowerCase();
    if (!METHODS.has(method)) continue; // OpenAPI cannot describe custom methods
    let hs = pathHosts.get(s.path);
    if (!hs) pathHosts.set(s.path, (hs = new Set()));
    hs.add(s.host);
    const key = `${s.path} ${method}`;
    const prev = merged.get(key);
    merged.set(key, prev ? mergeShapes(prev, s) : s);
  }
  for (const [key, s] of [...merged].sort(([a], [b]) => a.localeCompare(b))) {
    const method = key.slice(key.lastIndexOf(' ') + 1) as OpenAPIV3_1.HttpMethods;
    const item = (doc.paths![s.path] ??= {}) as OpenAPIV3_1.PathItemObject;
    item[method] = operationFor(s, method, operationIds, securitySchemes) as never;
  }
  if (hosts.length > 1) {
    for (const [path, hs] of pathHosts) {
      const item = doc.paths![path];
      if (item) item.servers = [...hs].sort().map(serverOf);
    }
  }
  if (Object.keys(securitySchemes).length === 0) delete doc.components;
  return doc;
}

function mergeShapes(a: ShapeInput, b: ShapeInput): ShapeInput {
  const params = new Map(a.parameters.map((p) => [`${p.location} ${p.name}`, p]));
  for (const p of b.parameters) {
    const k = `${p.location} ${p.name}`;
    const q = params.get(k);
    params.set(k, q ? { ...q, schema: mergeSchemas(q.schema, p.schema), count: q.count + p.count } : p);
  }
  const bodies = new Map(a.bodies.map((x) => [`${x.direction} ${x.status} ${x.mediaType}`, x]));
  for (const x of b.bodies) {
    const k = `${x.direction} ${x.status} ${x.mediaType}`;
    const y = bodies.get(k);
    if (!y) bodies.set(k, x);
    else {
      const m = { ...y, count: y.count + x.count };
      if (y.schema && x.schema) m.schema = mergeSchemas(y.schema, x.schema);
      bodies.set(k, m);
    }
  }
  const statusCodes = { ...a.statusCodes };
  for (const [k, v] of Object.entries(b.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  return {
    ...a,
    hits: a.hits + b.hits,
    analysed: a.analysed + b.analysed,
    credentials: [...new Set([...a.credentials, ...b.credentials])],
    parameters: [...params.values()],
    bodies: [...bodies.values()],
    statusCodes,
    sensitive: [...a.sensitive, ...b.sensitive],
  };
}

function operationFor(s: ShapeInput, method: string, ids: Set<string>, schemes: Record<string, OpenAPIV3_1.SecuritySchemeObject>): Operation {
  const op: Operation = { operationId: operationId(method, s.path, ids), responses: {} };
  if (s.state === 'deprecated') op.deprecated = true;
  (op as Record<string, unknown>)['x-overhear-hits'] = s.hits;

  const params: OpenAPIV3_1.ParameterObject[] = [];
  const templateNames = [...s.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  for (const name of templateNames) {
    const p = s.parameters.find((x) => x.location === 'path' && x.name === name);
    params.push({ name, in: 'path', required: true, schema: (p ? tidySchema(p.schema) : { type: 'string' }) as never });
  }
  for (const p of s.parameters) {
    if (p.location === 'path') continue;
    const param: OpenAPIV3_1.ParameterObject = { name: p.name, in: p.location, schema: tidySchema(p.schema) as never };
    if (p.count >= s.analysed) param.required = true;
    params.push(param);
  }
  if (params.length) op.parameters = params;

  const sensitiveFields = new Map<string, string[]>();
  for (const x of s.sensitive) {
    const list = sensitiveFields.get(x.location) ?? [];
    list.push(`${x.name}: ${x.type}`);
    sensitiveFields.set(x.location, list);
  }

  const reqBodies = s.bodies.filter((b) => b.direction === 'request');
  if (reqBodies.length) {
    const content: Record<string, OpenAPIV3_1.MediaTypeObject> = {};
    for (const b of reqBodies) content[b.mediaType] = { schema: bodySchema(b) as never };
    op.requestBody = { content };
    if (sensitiveFields.has('request.body')) (op.requestBody as Record<string, unknown>)['x-sensitive'] = sensitiveFields.get('request.body');
  }
  const statuses = [...new Set([...Object.keys(s.statusCodes), ...s.bodies.filter((b) => b.direction === 'response').map((b) => String(b.status))])].sort();
  for (const st of statuses) {
    const resp: OpenAPIV3_1.ResponseObject = { description: STATUS_TEXT[st] ?? `Status ${st}` };
    const bodies = s.bodies.filter((b) => b.direction === 'response' && String(b.status) === st);
    if (bodies.length) {
      resp.content = {};
      for (const b of bodies) resp.content[b.mediaType] = { schema: bodySchema(b) as never };
    }
    op.responses![st] = resp;
  }
  if (statuses.length === 0) op.responses!.default = { description: 'No response was seen' };
  if (sensitiveFields.has('response.body')) (op as Record<string, unknown>)['x-sensitive'] = sensitiveFields.get('response.body');

  const security = securityFor(s.credentials, schemes);
  if (security.length) op.security = security;
  return op;
}

function bodySchema(b: ShapeInput['bodies'][number]): OpenAPIV3_1.SchemaObject {
  if (b.schema) return tidySchema(b.schema) as OpenAPIV3_1.SchemaObject;
  if (b.fields) return { type: 'object', properties: Object.fromEntries(b.fields.map((f) => [f, { type: 'string' }])) } as OpenAPIV3_1.SchemaObject;
  return {};
}

/** "api-key-header:x-api-key" → a named apiKey scheme; "bearer" → http bearer. */
function securityFor(creds: string[], schemes: Record<string, OpenAPIV3_1.SecuritySchemeObject>): OpenAPIV3_1.SecurityRequirementObject[] {
  const out: OpenAPIV3_1.SecurityRequirementObject[] = [];
  for (const c of creds) {
    const [scheme, name] = c.split(':', 2) as [string, string | undefined];
    let id: string;
    let obj: OpenAPIV3_1.SecuritySchemeObject;
    switch (scheme) {
      case 'bearer':
        id = 'bearerAuth';
        obj = { type: 'http', scheme: 'bearer' };
        break;
      case 'basic':
        id = 'basicAuth';
        obj = { type: 'http', scheme: 'basic' };
        break;
      case 'digest':
        id = 'digestAuth';
        obj = { type: 'http', scheme: 'digest' };
        break;
      case 'api-key-header':
        id = `apiKeyHeader_${safeId(name ?? 'x-api-key')}`;
        obj = { type: 'apiKey', in: 'header', name: name ?? 'X-API-Key' };
        break;
      case 'api-key-query':
        id = `apiKeyQuery_${safeId(name ?? 'api_key')}`;
        obj = { type: 'apiKey', in: 'query', name: name ?? 'api_key' };
        break;
      case 'api-key-cookie':
      case 'session-cookie':
        id = `cookie_${safeId(name ?? 'session')}`;
        obj = { type: 'apiKey', in: 'cookie', name: name ?? 'session' };
        break;
      default:
        continue;
    }
    schemes[id] = obj;
    if (!out.some((r) => id in r)) out.push({ [id]: [] });
  }
  return out;
}

function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

function operationId(method: string, path: string, taken: Set<string>): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((seg) => seg.replace(/^\{(.+)\}$/, 'by-$1'))
    .flatMap((seg) => seg.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  const base = method + (words.join('') || 'Root');
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}${i}`;
  taken.add(id);
  return id;
}
