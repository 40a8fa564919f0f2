/**
 * The API describes itself (served at /api/openapi.json). Kept by hand next
 * to the routes in server.ts; a test checks every route here answers.
 */

type Param = { name: string; in: 'query' | 'path'; description: string; schema: Record<string, unknown>; required?: boolean };

const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }): Param => ({ name, in: 'query', description, schema });
const idParam: Param = { name: 'id', in: 'path', required: true, description: 'numeric id', schema: { type: 'integer', minimum: 0 } };
const paging = [q('offset', 'rows to skip', { type: 'integer', minimum: 0, default: 0 }), q('limit', 'rows to return', { type: 'integer', minimum: 1, maximum: 1000, default: 100 })];
const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  '400': { $ref: '#/components/responses/Error' },
  '401': { $ref: '#/components/responses/Error' },
};

const severity = { type: 'string', enum: ['critical', 'high', 'medium', 'low', 'info'] };
const state = { type: 'string', enum: ['documented', 'shadow', 'deprecated', 'unused', 'undocumented'] };

const endpointSummary = {
  type: 'object',
  required: ['id', 'host', 'method', 'path', 'hits', 'firstSeen', 'lastSeen', 'state', 'risk', 'statusCodes', 'auth', 'sensitiveTypes', 'findings'],
  properties: {
    id: { type: 'integer' },
    host: { type: 'string' },
    method: { type: 'string' },
    path: { type: 'string', description: 'OpenAPI path template' },
    hits: { type: 'integer' },
    firstSeen: { type: 'string', format: 'date-time' },
    lastSeen: { type: 'string', format: 'date-time' },
    state,
    risk: { type: 'number' },
    statusCodes: { type: 'object', additionalProperties: { type: 'integer' } },
    auth: { type: 'array', items: { type: 'string' } },
    unauthenticatedHits: { type: 'integer' },
    sensitiveTypes: { type: 'array', items: { type: 'string' } },
    findings: { type: 'integer' },
    maxSeverity: { oneOf: [severity, { type: 'null' }] },
  },
};

const finding = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    endpointId: { type: 'integer' },
    rule: { type: 'string' },
    severity,
    owasp: { type: 'string', examples: ['API8:2023'] },
    host: { type: 'string' },
    method: { type: 'string' },
    path: { type: 'string' },
    count: { type: 'integer' },
    firstSeen: { type: 'string', format: 'date-time' },
    lastSeen: { type: 'string', format: 'date-time' },
    evidence: { type: 'string', description: 'redacted: never a raw secret or PII value' },
  },
};

export function apiDescription(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'overhear dashboard API',
      version: '0.1.0',
      description:
        'Read-only JSON over the overhear catalog, uploads of captures, and server-sent events when the catalog changes. ' +
        'When the server is bound to a non-loopback address every route except /api/health, /api/session and /api/openapi.json requires the access token ' +
        '(Authorization: Bearer TOKEN, or the cookie set by POST /api/session). POST routes also require the header X-Overhear-Request: 1 and refuse other origins. ' +
        'Errors are JSON: {"error": "message", "status": N}.',
    },
    paths: {
      '/api/health': { get: { summary: 'liveness; whether a token is required; upload limit', responses: { '200': json('ok') } } },
      '/api/session': {
        get: { summary: 'whether a token is required and whether this request carries it', responses: { '200': json('session') } },
        post: { summary: 'exchange the bearer token for an HttpOnly, SameSite=Strict cookie (for EventSource and downloads)', responses: { '200': json('cookie set'), '401': { $ref: '#/components/responses/Error' } } },
      },
      '/api/overview': {
        get: {
          summary: 'counts (hosts, endpoints per state, sensitive endpoints, findings by severity), top risks, endpoints new since `since`, traffic per hour',
          parameters: [q('since', 'ISO date or ms; default 24 h ago'), q('top', 'how many top risks', { type: 'integer', minimum: 1, maximum: 100, default: 10 })],
          responses: { '200': json('overview'), ...errors },
        },
      },
      '/api/hosts': { get: { summary: 'hosts with hits, endpoint counts, first/last seen', responses: { '200': json('hosts', { type: 'array' }), ...errors } } },
      '/api/facets': { get: { summary: 'values the inventory filters can take (hosts, states, methods, auth schemes, sensitive types) with counts', responses: { '200': json('facets'), ...errors } } },
      '/api/sources': { get: { summary: 'ingested files', responses: { '200': json('sources', { type: 'array' }), ...errors } } },
      '/api/endpoints': {
        get: {
          summary: 'one page of the inventory, filtered and sorted',
          parameters: [
            q('host', 'exact host'),
            q('state', 'endpoint state', state),
            q('method', 'HTTP method'),
            q('auth', 'auth scheme family seen (bearer, basic, api-key-header, session-cookie, …) or "none"'),
            q('sensitive', 'sensitive data type carried (email, credit-card, …) or "any"'),
            q('q', 'case-insensitive substring of host, method or path'),
            q('since', 'first seen at or after (ISO date or ms)'),
            q('sort', 'sort key', { type: 'string', enum: ['path', 'host', 'method', 'hits', 'risk', 'lastSeen', 'firstSeen', 'findings'], default: 'path' }),
            q('order', 'default: ascending for names, descending for numbers and times', { type: 'string', enum: ['asc', 'desc'] }),
            ...paging,
          ],
          responses: { '200': json('page', { type: 'object', properties: { total: { type: 'integer' }, offset: { type: 'integer' }, limit: { type: 'integer' }, items: { type: 'array', items: endpointSummary } } }), ...errors },
        },
      },
      '/api/endpoints/{id}': {
        get: {
          summary: 'one endpoint: parameters, request/response schemas, status codes, auth, sensitive fields (masked previews), findings, consumers, hits per hour, declared operations',
          parameters: [idParam],
          responses: { '200': json('endpoint'), '404': { $ref: '#/components/responses/Error' }, ...errors },
        },
      },
      '/api/findings': {
        get: {
          summary: 'findings, most severe first, with facet counts',
          parameters: [q('rule', 'rule id'), q('severity', 'severity', severity), q('owasp', 'OWASP API Top 10 category, e.g. API8:2023'), q('host', 'exact host'), q('endpoint', 'endpoint id', { type: 'integer' }), q('q', 'substring of host, path, rule or evidence'), ...paging],
          responses: { '200': json('page', { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: finding }, facets: { type: 'object' } } }), ...errors },
        },
      },
      '/api/findings/{id}': { get: { summary: 'one finding', parameters: [idParam], responses: { '200': json('finding', finding), '404': { $ref: '#/components/responses/Error' }, ...errors } } },
      '/api/sensitive': {
        get: {
          summary: 'sensitive-data matrix: endpoints × data types (counts and locations), and sensitive data sent to third-party hosts',
          parameters: [q('host', 'exact host'), q('limit', 'endpoints (rows) to return', { type: 'integer', minimum: 1, maximum: 2000, default: 200 }), q('firstParty', 'comma-separated first-party domains (default: the domain with the most traffic)')],
          responses: { '200': json('matrix'), ...errors },
        },
      },
      '/api/traffic': {
        get: {
          summary: 'hits per hour',
          parameters: [q('host', 'exact host'), q('endpoint', 'endpoint id', { type: 'integer' }), q('from', 'ISO date or ms (inclusive)'), q('to', 'ISO date or ms (exclusive)')],
          responses: { '200': json('series', { type: 'array', items: { type: 'object', properties: { hour: { type: 'string', format: 'date-time' }, hits: { type: 'integer' } } } }), ...errors },
        },
      },
      '/api/service-map': {
        get: {
          summary: 'graph: clients → hosts → endpoint groups, weighted by traffic',
          parameters: [q('clients', 'which consumers are clients', { type: 'string', enum: ['user-agent', 'client-ip', 'credential'] }), q('maxClients', 'top clients kept', { type: 'integer', default: 12 }), q('maxGroups', 'top endpoint groups kept', { type: 'integer', default: 40 })],
          responses: { '200': json('graph'), ...errors },
        },
      },
      '/api/sensor': { get: { summary: 'live capture sensors (table sensor_status): name, last update, counters', responses: { '200': json('sensors'), ...errors } } },
      '/api/export/openapi': {
        get: { summary: 'OpenAPI 3.1 of what was seen (download)', parameters: [q('host', 'only this host')], responses: { '200': json('OpenAPI document'), '404': { $ref: '#/components/responses/Error' }, ...errors } },
      },
      '/api/uploads': {
        post: {
          summary: 'upload a HAR, pcap or pcapng (raw body), ingested with the same code as `overhear ingest`; or an OpenAPI document (JSON/YAML), imported as `overhear spec import` does (states and drift re-evaluated). 501 when the server was started without spec import.',
          parameters: [q('name', 'the file name to show and record'), q('id', 'client-chosen id (letters, digits, _ and -) that the `upload` events carry'), q('host', 'for a spec naming no server: the host(s) it documents, comma-separated')],
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } },
          responses: {
            '200': json('{kind: "capture", summary} or {kind: "spec", result}'),
            '413': { $ref: '#/components/responses/Error' },
            '422': { $ref: '#/components/responses/Error' },
            '501': { $ref: '#/components/responses/Error' },
            ...errors,
          },
        },
      },
      '/api/events': {
        get: {
          summary: 'server-sent events: `hello` on connect, `catalog` when the catalog changed (any process), `upload` with upload progress',
          responses: { '200': { description: 'event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
        },
      },
      '/api/openapi.json': { get: { summary: 'this document', responses: { '200': json('OpenAPI 3.1') } } },
    },
    components: {
      responses: {
        Error: json('error', { type: 'object', required: ['error', 'status'], properties: { error: { type: 'string' }, status: { type: 'integer' } } }),
      },
      securitySchemes: { token: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'overhear_token' } },
    },
    security: [{}, { token: [] }, { cookie: [] }],
  };
}
