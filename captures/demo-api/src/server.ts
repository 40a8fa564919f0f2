/**
 * The demo API: two virtual hosts (shop.example.com, track.courier.example)
 * served as plain HTTP on one port, chosen by the Host header.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Router, sendJson } from './http-kit.js';
import { SHOP_HOST, shopRouter } from './shop.js';
import { COURIER_HOST, courierRouter } from './courier.js';

export { SHOP_HOST } from './shop.js';
export { COURIER_HOST } from './courier.js';

export interface DemoApiOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

export interface DemoApi {
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

interface VirtualHost {
  router: Router;
  server: string;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function dispatch(hosts: Map<string, VirtualHost>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const hostName = String(req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const vhost = hosts.get(hostName);
  const body = await readBody(req);
  if (!vhost) return sendJson(res, 421, { error: 'misdirected_request', message: `No site for host ${hostName || '(none)'}` });
  res.setHeader('Server', vhost.server);
  const url = new URL(req.url ?? '/', 'http://placeholder');
  const method = req.method ?? 'GET';
  const found = vhost.router.match(method, url.pathname);
  if (found === 'not-found') return sendJson(res, 404, { error: 'not_found', message: `No route for ${url.pathname}` });
  if (found === 'method-not-allowed') return sendJson(res, 405, { error: 'method_not_allowed' });
  await found.handler({ req, res, method, path: url.pathname, query: url.searchParams, params: found.params, body });
}

export function startDemoApi({ port, host = '127.0.0.1' }: DemoApiOptions): Promise<DemoApi> {
  const hosts = new Map<string, VirtualHost>([
    [SHOP_HOST, { router: shopRouter(), server: 'nginx/1.18.0' }],
    [COURIER_HOST, { router: courierRouter(), server: 'courier-edge/4.1' }],
  ]);
  const server = createServer((req, res) => {
    dispatch(hosts, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
      else res.destroy(err instanceof Error ? err : undefined);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
