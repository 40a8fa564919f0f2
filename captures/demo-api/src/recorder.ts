/**
 * An HTTP client that writes down every exchange as a HAR 1.2 entry, the way
 * a browser's exporter would: headers in wire order and case, cookies, query
 * parameters, sizes, timings. It connects to 127.0.0.1:PORT but names the
 * virtual host in the Host header and in the recorded URL.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import {
  type Har, type HarCookie, type HarEntry, type HarNameValue, headerBlockSize, requestCookies, responseCookie,
} from './har.js';

export interface SendOptions {
  /** Connection pool to use: one per simulated client; requests from one client share keep-alive connections. */
  client: string;
  host: string;
  method: string;
  path: string;
  query?: [string, string][];
  /** Headers after Host, in order; Content-Type/Content-Length/Connection are added here. */
  headers: [string, string][];
  body?: { mimeType: string; text: string };
  /** false: `Connection: close` on a fresh connection, like a link opened from an email. */
  keepAlive?: boolean;
}

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
  json<T>(): T;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

function pairs(raw: string[]): HarNameValue[] {
  const out: HarNameValue[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push({ name: raw[i] ?? '', value: raw[i + 1] ?? '' });
  return out;
}

export class HarRecorder {
  readonly entries: HarEntry[] = [];
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly target: { address: string; port: number }) {}

  private agentFor(client: string): Agent {
    let agent = this.agents.get(client);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxSockets: 1 });
      this.agents.set(client, agent);
    }
    return agent;
  }

  send(opts: SendOptions): Promise<Reply> {
    const keepAlive = opts.keepAlive ?? true;
    const qs = opts.query?.length ? `?${new URLSearchParams(opts.query).toString()}` : '';
    const target = `${opts.path}${qs}`;
    const body = opts.body ? Buffer.from(opts.body.text) : undefined;
    const headers: [string, string][] = [['Host', opts.host], ...opts.headers];
    if (opts.body && body) headers.push(['Content-Type', opts.body.mimeType], ['Content-Length', String(body.length)]);
    headers.push(['Connection', keepAlive ? 'keep-alive' : 'close']);

    const startedDateTime = new Date().toISOString();
    const t0 = performance.now();
    let tSocket = t0;
    let tConnect: number | undefined;
    let tSent = t0;
    let tFirst = t0;
    let reused = false;
    let localPort = 0;

    return new Promise<Reply>((resolve, reject) => {
      const req = request({
        host: this.target.address,
        port: this.target.port,
        method: opts.method,
        path: target,
        headers: Object.fromEntries(headers),
        setHost: false,
        agent: keepAlive ? this.agentFor(opts.client) : false,
      });
      req.on('socket', (socket) => {
        tSocket = performance.now();
        reused = req.reusedSocket;
        if (socket.connecting) {
          socket.once('connect', () => {
            tConnect = performance.now();
            localPort = socket.localPort ?? 0;
          });
        } else {
          localPort = socket.localPort ?? 0;
        }
      });
      req.on('finish', () => (tSent = performance.now()));
      req.on('error', reject);
      req.on('response', (res) => {
        tFirst = performance.now();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const tEnd = performance.now();
          const raw = Buffer.concat(chunks);
          const gzip = /gzip/i.test(String(res.headers['content-encoding'] ?? ''));
          const decoded = gzip ? gunzipSync(raw) : raw;
          const connect = reused || tConnect === undefined ? -1 : round(tConnect - tSocket);
          const timings = {
            blocked: round(tSocket - t0),
            dns: -1,
            connect,
            ssl: -1,
            send: round(tSent - (tConnect ?? tSocket)),
            wait: round(tFirst - tSent),
            receive: round(tEnd - tFirst),
          };
          const reqHeaders = headers.map(([name, value]) => ({ name, value }));
          const resHeaders = pairs(res.rawHeaders);
          const receivedAt = new Date();
          const setCookies = resHeaders.filter((h) => h.name.toLowerCase() === 'set-cookie');
          const cookieHeader = headers.find(([n]) => n.toLowerCase() === 'cookie')?.[1];
          const mimeType = String(res.headers['content-type'] ?? 'application/octet-stream');
          this.entries.push({
            startedDateTime,
            time: round(Object.values(timings).reduce((s, v) => s + Math.max(0, v), 0)),
            request: {
              method: opts.method,
              url: `http://${opts.host}${target}`,
              httpVersion: 'HTTP/1.1',
              cookies: requestCookies(cookieHeader),
              headers: reqHeaders,
              queryString: (opts.query ?? []).map(([name, value]) => ({ name, value })),
              ...(opts.body ? { postData: { mimeType: opts.body.mimeType, text: opts.body.text, params: [] } } : {}),
              headersSize: headerBlockSize(`${opts.method} ${target} HTTP/1.1`, reqHeaders),
              bodySize: body?.length ?? 0,
            },
            response: {
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              httpVersion: `HTTP/${res.httpVersion}`,
              cookies: setCookies.map((h): HarCookie => responseCookie(h.value, receivedAt)),
              headers: resHeaders,
              // A gzip body is kept decoded (as browsers do) but base64-encoded, so HAR readers meet `encoding` too.
              content: gzip
                ? { size: decoded.length, compression: decoded.length - raw.length, mimeType, text: decoded.toString('base64'), encoding: 'base64' }
                : { size: decoded.length, mimeType, text: decoded.toString('utf8') },
              redirectURL: String(res.headers.location ?? ''),
              headersSize: headerBlockSize(`HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}`, resHeaders),
              bodySize: raw.length,
            },
            cache: {},
            timings,
            serverIPAddress: this.target.address,
            connection: String(localPort),
          });
          const text = decoded.toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
        });
      });
      req.end(body);
    });
  }

  har(comment?: string): Har {
    return {
      log: {
        version: '1.2',
        creator: { name: 'overhear-demo-recorder', version: '0.1.0' },
        entries: this.entries,
        ...(comment ? { comment } : {}),
      },
    };
  }

  /** Closes the kept-alive connections so the capture sees every TCP stream end. */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
