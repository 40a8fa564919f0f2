/** Tiny routing and response helpers over node:http; the demo API has no dependencies. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: Buffer;
}

export type Handler = (ctx: Ctx) => void | Promise<void>;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

/** Matches OpenAPI-style templates (`/orders/{orderId}`); the first route registered wins. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ method, regex: new RegExp(`^${pattern}$`), names, handler });
    return this;
  }

  /** The handler and path parameters, or a 404/405 hint. */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'not-found' | 'method-not-allowed' {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
      return { handler: r.handler, params };
    }
    return pathMatched ? 'method-not-allowed' : 'not-found';
  }
}

export type HeaderList = Record<string, string | string[]>;

/** A JSON response with an exact Content-Length (so no chunking). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: HeaderList = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': data.length, ...headers });
  res.end(data);
}

/** A JSON response compressed with gzip when the client accepts it. */
export function sendGzipJson(ctx: Ctx, status: number, body: unknown, headers: HeaderList = {}): void {
  const accepts = /\bgzip\b/.test(String(ctx.req.headers['accept-encoding'] ?? ''));
  if (!accepts) return sendJson(ctx.res, status, body, headers);
  const data = gzipSync(Buffer.from(JSON.stringify(body)), { level: 6 });
  ctx.res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Encoding': 'gzip',
    'Content-Length': data.length,
    Vary: 'Accept-Encoding',
    ...headers,
  });
  ctx.res.end(data);
}

/** A JSON array streamed one element per write, so Node frames it with Transfer-Encoding: chunked. */
export async function sendChunkedJsonArray(res: ServerResponse, status: number, items: unknown[], headers: HeaderList = {}): Promise<void> {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.write('[');
  for (let i = 0; i < items.length; i++) {
    res.write((i ? ',' : '') + JSON.stringify(items[i]));
    // Yield so that each element can leave as its own chunk, as a streaming database cursor would.
    if (i % 4 === 3) await new Promise<void>((r) => setImmediate(r));
  }
  res.end(']');
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  return m?.[1];
}

export function jsonBody<T>(ctx: Ctx): T | undefined {
  try {
    return JSON.parse(ctx.body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export const isNumericId = (s: string | undefined): s is string => s !== undefined && /^\d{1,9}$/.test(s);
