import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { tidySchema } from '@overhear/infer';
import {
  Catalog,
  CatalogError,
  endpointDetail,
  endpointFacets,
  endpointShapes,
  findingById,
  listHosts,
  listSources,
  overview,
  queryEndpoints,
  queryFindings,
  sensitiveMatrix,
  sensorStatus,
  serviceGraph,
  topRisks,
  trafficSeries,
  type EndpointSort,
} from '@overhear/catalog';
import { openCatalog, type OverhearConfig } from '@overhear/pipeline';
import { catalogSpecImport } from './spec-upload.js';
import { exportOpenApi } from '@overhear/spec';
import { EventHub } from './events.js';
import { HttpError, Query, isLoopback, parseCookies, sendError, sendJson, setSecurityHeaders } from './http-util.js';
import { apiDescription } from './openapi.js';
import { serveStatic } from './static.js';
import { receiveUpload, type SpecImportHook } from './uploads.js';

export interface ServerOptions {
  /** The catalog file; created (empty) when missing so files can be uploaded into it. */
  db: string;
  /** Default 7878; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Any non-loopback address requires an access token. */
  bind?: string;
  /** Access token. Generated when binding a non-loopback address without one; when set, every /api route requires it. */
  token?: string;
  /** The built dashboard (default: web/dist of this repository); null serves the API only. */
  webDir?: string | null;
  /** Upload size limit in bytes (default 2 GiB). */
  maxUploadBytes?: number;
  /** Where uploads are staged (default: the OS temp folder). */
  uploadDir?: string;
  /** How often the catalog is checked for changes while a page listens (default 500 ms). */
  pollMs?: number;
  /** Spec import for uploaded OpenAPI documents. Default: the same steps as `overhear spec import`; null refuses spec uploads (501). */
  specImport?: SpecImportHook | null;
  /** Settings (rules, custom types, first-party domains), as the CLI's --config; used by uploads. */
  config?: OverhearConfig;
  /** Request log lines (default: none). */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  bind: string;
  /** Set when the API requires a token. */
  token: string | undefined;
  /** The URL to open: carries the token in the fragment (never sent to the server in logs) when one is needed. */
  openUrl: string;
  server: Server;
  events: EventHub;
  close(): Promise<void>;
}

/** This file is packages/server/dist/src/server.js; the dashboard builds to web/dist. */
export const defaultWebDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../web/dist');

export const DEFAULT_PORT = 7878;
const TOKEN_COOKIE = 'overhear_token';
const DAY = 24 * 3600 * 1000;

type Handler = (ctx: Ctx) => Promise<void> | void;
interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  query: Query;
  params: string[];
}
interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
  /** Open without a token (health, session, the API description). */
  open?: boolean;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const bind = opts.bind ?? '127.0.0.1';
  const loopback = isLoopback(bind);
  const token = opts.token ?? (loopback ? undefined : randomBytes(24).toString('base64url'));
  if (token !== undefined && token.length < 16) throw new CatalogError('the access token must be at least 16 characters');
  const webDir = opts.webDir === null ? undefined : (opts.webDir ?? defaultWebDir);
  const web = webDir && existsSync(resolve(webDir, 'index.html')) ? webDir : undefined;
  const maxUploadBytes = opts.maxUploadBytes ?? 2 * 1024 ** 3;
  const dbFile = resolve(opts.db);

  // The writer (uploads) migrates or creates the catalog; readers then open it read-only.
  let writer: Catalog | undefined;
  try {
    writer = openCatalog(dbFile);
  } catch (e) {
    if (e instanceof CatalogError) throw e;
    if (!existsSync(dbFile)) throw e;
    opts.log?.(`catalog ${dbFile} is not writable (${(e as Error).message}): uploads are disabled`);
  }
  const reader = new Catalog(dbFile, { readonly: true });
  const events = new EventHub(dbFile, opts.pollMs ?? 500);
  const db = reader.db;

  const routes: Route[] = [];
  const get = (p: RegExp, handler: Handler, open = false): void => void routes.push({ method: 'GET', pattern: p, handler, open });
  const post = (p: RegExp, handler: Handler, open = false): void => void routes.push({ method: 'POST', pattern: p, handler, open });

  get(/^\/api\/health$/, ({ res }) => sendJson(res, 200, { ok: true, tokenRequired: token !== undefined, uploads: writer !== undefined, maxUploadBytes }), true);
  get(/^\/api\/openapi\.json$/, ({ res }) => sendJson(res, 200, apiDescription()), true);
  get(
    /^\/api\/session$/,
    ({ req, res }) => sendJson(res, 200, { tokenRequired: token !== undefined, authenticated: token === undefined || authorised(req) }),
    true,
  );
  post(
    /^\/api\/session$/,
    ({ req, res }) => {
      if (token === undefined) return sendJson(res, 200, { tokenRequired: false, authenticated: true });
      if (!authorised(req)) throw new HttpError(401, 'wrong or missing access token (send it as "Authorization: Bearer TOKEN")');
      sendJson(res, 200, { tokenRequired: true, authenticated: true }, { 'Set-Cookie': `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` });
    },
    true,
  );
  get(/^\/api\/overview$/, ({ res, query }) => {
    const since = query.time('since') ?? Date.now() - DAY;
    sendJson(res, 200, {
      ...overview(db, since),
      topRisks: topRisks(db, query.int('top', { min: 1, max: 100 }) ?? 10),
      newest: queryEndpoints(db, { since, sort: 'firstSeen', limit: 10 }).items,
      traffic: trafficSeries(db, {}),
    });
  });
  get(/^\/api\/hosts$/, ({ res }) => sendJson(res, 200, listHosts(db)));
  get(/^\/api\/facets$/, ({ res }) => sendJson(res, 200, endpointFacets(db)));
  get(/^\/api\/sources$/, ({ res }) => sendJson(res, 200, listSources(db)));
  get(/^\/api\/endpoints$/, ({ res, query }) => {
    const q = {
      host: query.str('host'),
      state: query.oneOf('state', ['documented', 'shadow', 'deprecated', 'unused', 'undocumented'] as const),
      method: query.str('method', 16),
      auth: query.str('auth', 64),
      sensitive: query.str('sensitive', 64),
      q: query.str('q', 200),
      since: query.time('since'),
      sort: query.oneOf<EndpointSort>('sort', ['path', 'host', 'method', 'hits', 'risk', 'lastSeen', 'firstSeen', 'findings']),
      order: query.oneOf('order', ['asc', 'desc'] as const),
      offset: query.int('offset', { min: 0 }),
      limit: query.int('limit', { min: 1, max: 1000 }),
    };
    sendJson(res, 200, queryEndpoints(db, Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined))));
  });
  get(/^\/api\/endpoints\/(\d{1,15})$/, ({ res, params }) => {
    const d = endpointDetail(db, Number(params[0]));
    if (!d) throw new HttpError(404, `no endpoint ${params[0]}`);
    // Stored schemas carry merge bookkeeping (x-values for enum evidence); show them as the export would.
    for (const p of d.parameters) p.schema = tidySchema(p.schema);
    for (const b of d.bodies) if (b.schema) b.schema = tidySchema(b.schema);
    sendJson(res, 200, d);
  });
  get(/^\/api\/findings$/, ({ res, query }) => {
    const q = {
      rule: query.str('rule', 100),
      severity: query.oneOf('severity', ['critical', 'high', 'medium', 'low', 'info'] as const),
      owasp: query.str('owasp', 32),
      host: query.str('host'),
      endpointId: query.int('endpoint', { min: 0 }),
      q: query.str('q', 200),
      offset: query.int('offset', { min: 0 }),
      limit: query.int('limit', { min: 1, max: 1000 }),
    };
    sendJson(res, 200, queryFindings(db, Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined))));
  });
  get(/^\/api\/findings\/(\d{1,15})$/, ({ res, params }) => {
    const f = findingById(db, Number(params[0]));
    if (!f) throw new HttpError(404, `no finding ${params[0]}`);
    sendJson(res, 200, f);
  });
  get(/^\/api\/sensitive$/, ({ res, query }) => {
    const fp = query.str('firstParty', 1000);
    const o: Parameters<typeof sensitiveMatrix>[1] = {};
    const host = query.str('host');
    const limit = query.int('limit', { min: 1, max: 2000 });
    if (host) o.host = host;
    if (limit) o.limit = limit;
    if (fp) o.firstParty = fp.split(',').map((s) => s.trim());
    sendJson(res, 200, sensitiveMatrix(db, o));
  });
  get(/^\/api\/traffic$/, ({ res, query }) => {
    const o: Parameters<typeof trafficSeries>[1] = {};
    const host = query.str('host');
    const endpointId = query.int('endpoint', { min: 0 });
    const from = query.time('from');
    const to = query.time('to');
    if (host) o.host = host;
    if (endpointId !== undefined) o.endpointId = endpointId;
    if (from !== undefined) o.from = from;
    if (to !== undefined) o.to = to;
    sendJson(res, 200, trafficSeries(db, o));
  });
  get(/^\/api\/service-map$/, ({ res, query }) => {
    const o: Parameters<typeof serviceGraph>[1] = {};
    const kind = query.oneOf('clients', ['user-agent', 'client-ip', 'credential'] as const);
    const maxClients = query.int('maxClients', { min: 1, max: 100 });
    const maxGroups = query.int('maxGroups', { min: 1, max: 500 });
    if (kind) o.clientKind = kind;
    if (maxClients) o.maxClients = maxClients;
    if (maxGroups) o.maxGroups = maxGroups;
    sendJson(res, 200, serviceGraph(db, o));
  });
  get(/^\/api\/sensor$/, ({ res }) => sendJson(res, 200, { now: new Date().toISOString(), sensors: sensorStatus(db) }));
  get(/^\/api\/export\/openapi$/, ({ res, query }) => {
    const host = query.str('host');
    const shapes = endpointShapes(db, host ? { host } : {});
    if (shapes.length === 0) throw new HttpError(404, host ? `no endpoints for host ${host}` : 'no endpoints yet: ingest or upload a capture first');
    const https = new Map<string, { s: number; p: number }>();
    for (const r of db.prepare('SELECT h.name AS host, sum(e.https_hits) AS s, sum(e.http_hits) AS p FROM endpoints e JOIN hosts h ON h.id = e.host_id GROUP BY h.name').all() as Array<{ host: string; s: number; p: number }>) {
      https.set(r.host, r);
    }
    const doc = exportOpenApi(shapes, { schemeOf: (h) => ((https.get(h)?.s ?? 0) === 0 && (https.get(h)?.p ?? 0) > 0 ? 'http' : 'https') });
    const fname = `${(host ?? 'overhear').replace(/[^A-Za-z0-9.-]/g, '_')}.openapi.json`;
    const text = JSON.stringify(doc, null, 2) + '\n';
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fname}"`,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    });
    res.end(text);
  });
  post(/^\/api\/uploads$/, async ({ req, res, query }) => {
    const name = query.str('name', 500) ?? (req.headers['x-file-name'] as string | undefined);
    const id = query.str('id', 64) ?? (req.headers['x-upload-id'] as string | undefined);
    const host = query.str('host', 255);
    const result = await receiveUpload(req, writer, name, id, {
      tmpDir: opts.uploadDir ?? tmpdir(),
      maxBytes: maxUploadBytes,
      specImport: opts.specImport === null ? undefined : (opts.specImport ?? (writer ? catalogSpecImport(writer, opts.config ?? {}) : undefined)),
      specHosts: host ? host.split(',').map((h) => h.trim()).filter(Boolean) : undefined,
      config: opts.config,
      onProgress: (p) => events.broadcast('upload', p),
    });
    events.notifyChanged();
    sendJson(res, 200, result);
  });
  get(/^\/api\/events$/, ({ res }) => events.attach(res));

  function authorised(req: IncomingMessage): boolean {
    if (token === undefined) return true;
    const h = req.headers.authorization;
    if (h && /^Bearer\s+/i.test(h) && sameToken(h.replace(/^Bearer\s+/i, '').trim(), token)) return true;
    const c = parseCookies(req)[TOKEN_COOKIE];
    return c !== undefined && sameToken(c, token);
  }

  let port = 0;
  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    const started = process.hrtime.bigint();
    res.on('finish', () => opts.log?.(`${req.method} ${req.url} ${res.statusCode} ${Number(process.hrtime.bigint() - started) / 1e6}ms`));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendError(res, 400, 'bad request URL');
    }
    // DNS rebinding: a loopback server answers only to loopback names.
    if (loopback && token === undefined && !allowedHosts().has((req.headers.host ?? '').toLowerCase())) {
      return sendError(res, 421, 'unexpected Host header (this server answers to 127.0.0.1, localhost and [::1] only)');
    }
    const path = url.pathname;
    if (!path.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'method not allowed');
      if (serveStatic(req, res, web, path)) return;
      return sendError(res, 404, 'not found');
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const matching = routes.filter((r) => r.pattern.test(path));
    if (matching.length === 0) return sendError(res, 404, `no such API route: ${path}`);
    const route = matching.find((r) => r.method === method);
    if (!route) {
      res.setHeader('Allow', [...new Set(matching.map((r) => r.method))].join(', '));
      return sendError(res, 405, `${req.method} is not allowed on ${path}`);
    }
    if (route.method === 'POST') {
      // No CORS: a state-changing call must come from this origin and carry a header no cross-site form can send.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return sendError(res, 403, 'cross-origin requests are refused');
      if (req.headers['x-overhear-request'] !== '1') return sendError(res, 403, 'missing header X-Overhear-Request: 1 (state-changing calls need it)');
    }
    if (!route.open && !authorised(req)) {
      return sendError(res, 401, 'this server requires an access token: send "Authorization: Bearer TOKEN", or open the URL printed at start', { tokenRequired: true });
    }
    const params = (route.pattern.exec(path) ?? []).slice(1);
    try {
      await route.handler({ req, res, url, query: new Query(url.searchParams), params });
    } catch (e) {
      if (e instanceof HttpError) return sendError(res, e.status, e.message, e.extra);
      const err = e instanceof Error ? e : new Error(String(e));
      opts.log?.(`internal error on ${req.method} ${path}: ${err.stack ?? err.message}`);
      process.stderr.write(`overhear serve: internal error on ${req.method} ${path}: ${err.message}\n`);
      return sendError(res, 500, 'internal error (see the server log)');
    }
  }

  const server = createHttpServer((req, res) => {
    handle(req, res).catch((e: unknown) => sendError(res, 500, `internal error: ${(e as Error).message}`));
  });
  server.requestTimeout = 0; // uploads of large captures may take long
  server.headersTimeout = 30_000;

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_PORT, bind, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostPart = bind.includes(':') ? `[${bind}]` : bind;
  const url = `http://${hostPart === '0.0.0.0' || hostPart === '[::]' ? 'localhost' : hostPart}:${port}/`;
  return {
    url,
    port,
    bind,
    token,
    openUrl: token ? `${url}#token=${token}` : url,
    server,
    events,
    close: async () => {
      events.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      reader.close();
      writer?.close();
    },
  };
}
