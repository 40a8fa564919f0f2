/**
 * Helpers for the dashboard's end-to-end tests: real `overhear` processes
 * (serve, ingest) on real SQLite catalogs in temporary folders.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture, cliBin, repoRoot, runCli } from '@overhear/testkit';
import { openCatalog } from '@overhear/pipeline';
import type { EndpointObservation, ObservationBatch } from '@overhear/model';

export const CHROMIUM = process.env.OVERHEAR_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Served {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `overhear serve --port 0` on a catalog and waits for the URL it prints. */
export function serve(db: string, extra: string[] = []): Promise<Served> {
  const proc = spawn(process.execPath, [cliBin, 'serve', '--db', db, '--port', '0', ...extra], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGTERM');
      reject(new Error(`overhear serve did not start in 20 s\nstdout: ${out}\nstderr: ${err}`));
    }, 20_000);
    proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /overhear dashboard: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!.replace(/#.*$/, ''),
          proc,
          stop: () =>
            new Promise<void>((r) => {
              if (proc.exitCode !== null) return r();
              proc.once('exit', () => r());
              proc.kill('SIGTERM');
              setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
            }),
        });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`overhear serve exited (${code})\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

/** `overhear ingest` with the real CLI; throws with its stderr on failure. */
export function ingest(db: string, ...files: string[]): string {
  const r = runCli(['ingest', '--db', db, ...files]);
  if (r.status !== 0) throw new Error(`overhear ingest failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** The same, in the background (the page must notice the change by itself). */
export function ingestInBackground(db: string, file: string): Promise<number> {
  const p = spawn(process.execPath, [cliBin, 'ingest', '--db', db, '-q', file], { cwd: repoRoot, stdio: 'ignore' });
  return new Promise((resolve) => p.once('exit', (c) => resolve(c ?? 1)));
}

const now = Date.parse('2026-11-22T12:00:00Z');
const obs = (host: string, method: string, path: string, extra: Partial<EndpointObservation>): EndpointObservation => ({
  host,
  method,
  path,
  hits: 0,
  analysed: extra.hits ?? 0,
  firstSeen: now,
  lastSeen: now,
  scheme: { http: 0, https: 0 },
  statusCodes: {},
  auth: {},
  parameters: [],
  bodies: [],
  hourly: {},
  sensitive: [],
  findings: [],
  consumers: [],
  servers: [],
  deprecationSignals: 0,
  ...extra,
});

/**
 * The demo catalog, plus what other issues will produce and the tests need
 * now: endpoint states (spec import is issue 4 — set here in SQLite directly),
 * findings, sensitive fields and consumers (written through the catalog's own
 * batch API, as the analyzer does). Returns the seeded facts.
 */
export function seedDemoCatalog(db: string): { shadow: string[]; finding: { rule: string; path: string; evidence: string } } {
  ingest(db, capture('demo.har'));
  const cat = openCatalog(db);
  try {
    const sens = (type: string, location: 'query' | 'response.body' | 'request.body' | 'path', name: string, preview: string) => ({ type, location, name, preview, hash: `h-${type}-${name}`, count: 5, firstSeen: now, lastSeen: now });
    const batch: ObservationBatch = {
      tlsHosts: {},
      endpoints: [
        obs('shop.example.com', 'GET', '/api/v2/guest/orders/{orderId}', {
          sensitive: [sens('email', 'response.body', '$.customer.email', 'j***@e***.com'), sens('postal-address', 'response.body', '$.shipping.address', '1** M*** St'), sens('person-name', 'response.body', '$.customer.name', 'J*** D**')],
          findings: [{ rule: 'pii-in-url', key: 'e2e-pii-in-url', severity: 'high', owasp: 'API8:2023', evidence: 'query "token" carries a guest-order token that returns name and address (t***…9f2a)', count: 28, firstSeen: now, lastSeen: now }],
          consumers: [{ kind: 'user-agent', id: 'Chrome', count: 20, firstSeen: now, lastSeen: now }, { kind: 'user-agent', id: 'curl', count: 8, firstSeen: now, lastSeen: now }],
        }),
        obs('shop.example.com', 'POST', '/api/v2/login', {
          sensitive: [sens('password', 'request.body', '$.password', '********')],
          findings: [{ rule: 'verbose-error', key: 'e2e-verbose-error', severity: 'low', owasp: 'API8:2023', evidence: '401 body names the failing check ("password mismatch")', count: 13, firstSeen: now, lastSeen: now }],
          consumers: [{ kind: 'user-agent', id: 'Chrome', count: 17, firstSeen: now, lastSeen: now }],
        }),
        obs('track.courier.example', 'POST', '/v1/shipments', {
          sensitive: [sens('postal-address', 'request.body', '$.recipient.address', '1** M*** St'), sens('phone', 'request.body', '$.recipient.phone', '+44 ***** **123')],
          findings: [{ rule: 'pii-to-third-party', key: 'e2e-pii-to-third-party', severity: 'medium', owasp: 'API10:2023', evidence: 'recipient address and phone sent to track.courier.example', count: 8, firstSeen: now, lastSeen: now }],
          consumers: [{ kind: 'user-agent', id: 'shop-backend/1.0', count: 8, firstSeen: now, lastSeen: now }],
        }),
        obs('track.courier.example', 'GET', '/v1/rates', {
          sensitive: [sens('generic-secret', 'query', 'api_key', 'ck_…41bd')],
          findings: [{ rule: 'secret-in-url', key: 'e2e-secret-in-url', severity: 'critical', owasp: 'API2:2023', evidence: 'query "api_key" carries an API key (ck_…41bd)', count: 8, firstSeen: now, lastSeen: now }],
          consumers: [{ kind: 'user-agent', id: 'shop-backend/1.0', count: 8, firstSeen: now, lastSeen: now }],
        }),
      ],
    };
    cat.apply(batch);
    const shadow = ['/api/v1/orders/{orderId}', '/api/v2/health'];
    cat.db.prepare(`UPDATE endpoints SET state = 'documented' WHERE host_id = (SELECT id FROM hosts WHERE name = 'shop.example.com')`).run();
    for (const p of shadow) cat.db.prepare(`UPDATE endpoints SET state = 'shadow' WHERE path = ?`).run(p);
    cat.db.prepare(`UPDATE endpoints SET state = 'deprecated' WHERE path = '/api/v2/guest/orders/{orderId}'`).run();
    return { shadow, finding: { rule: 'pii-in-url', path: '/api/v2/guest/orders/{orderId}', evidence: 'query "token" carries a guest-order token' } };
  } finally {
    cat.close();
  }
}

/** Writes a live-capture sensor's status row, as `overhear monitor` will. */
export function writeSensor(db: string, name: string, stats: Record<string, unknown>): void {
  const cat = openCatalog(db);
  try {
    cat.db.prepare('INSERT INTO sensor_status (name, updated_at, stats) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at, stats = excluded.stats').run(name, Date.now(), JSON.stringify(stats));
  } finally {
    cat.close();
  }
}

interface HarEntry {
  method: string;
  url: string;
  headers?: Array<[string, string]>;
  status?: number;
  body?: unknown;
  requestBody?: unknown;
}

/** A small, valid HAR 1.2 file. */
export function writeHar(file: string, entries: HarEntry[], start = Date.now()): string {
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'overhear-e2e', version: '1' },
      entries: entries.map((e, i) => {
        const u = new URL(e.url);
        const text = e.body === undefined ? '' : JSON.stringify(e.body);
        const req: Record<string, unknown> = {
          method: e.method,
          url: e.url,
          httpVersion: 'HTTP/1.1',
          headers: [{ name: 'Host', value: u.host }, ...(e.headers ?? []).map(([name, value]) => ({ name, value }))],
          queryString: [...u.searchParams.entries()].map(([name, value]) => ({ name, value })),
          cookies: [],
          headersSize: -1,
          bodySize: -1,
        };
        if (e.requestBody !== undefined) {
          const t = JSON.stringify(e.requestBody);
          req.postData = { mimeType: 'application/json', text: t };
          req.bodySize = t.length;
        }
        return {
          startedDateTime: new Date(start + i * 1000).toISOString(),
          time: 5,
          request: req,
          response: {
            status: e.status ?? 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            headers: [{ name: 'Content-Type', value: 'application/json' }],
            cookies: [],
            content: { size: text.length, mimeType: 'application/json', text },
            redirectURL: '',
            headersSize: -1,
            bodySize: text.length,
          },
          cache: {},
          timings: { send: 1, wait: 3, receive: 1 },
        };
      }),
    },
  };
  writeFileSync(file, JSON.stringify(har));
  return file;
}

export const screenshotDir = join(repoRoot, 'docs', 'screenshots');

/**
 * A small pcap (Ethernet/IPv4/TCP, one connection per exchange, handshake and
 * FIN included) of plain-HTTP exchanges, as a mirrored port would show them.
 */
export function writePcap(file: string, host: string, exchanges: Array<{ method: string; path: string; status: number; body: unknown }>, startMs = Date.now()): string {
  const frames: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  frames.push(header);
  let tUs = startMs * 1000;
  exchanges.forEach((ex, i) => {
    const c = { cip: 0x0a000002 + i, sip: 0x0a000901, cport: 40000 + i, cseq: 1000 * (i + 1), sseq: 5000 * (i + 1), ipId: 1 };
    const packet = (fromClient: boolean, flags: number, payload: Buffer = Buffer.alloc(0)): void => {
      const ipLen = 40 + payload.length;
      const frame = Buffer.alloc(16 + 14 + ipLen);
      tUs += 150;
      frame.writeUInt32LE(Math.floor(tUs / 1e6), 0);
      frame.writeUInt32LE(tUs % 1e6, 4);
      frame.writeUInt32LE(14 + ipLen, 8);
      frame.writeUInt32LE(14 + ipLen, 12);
      let o = 16;
      frame.writeUInt32BE(0x02000000, o);
      frame.writeUInt16BE(fromClient ? 2 : 1, o + 4);
      frame.writeUInt32BE(0x02000000, o + 6);
      frame.writeUInt16BE(fromClient ? 1 : 2, o + 10);
      frame.writeUInt16BE(0x0800, o + 12);
      o += 14;
      frame[o] = 0x45;
      frame.writeUInt16BE(ipLen, o + 2);
      frame.writeUInt16BE(c.ipId++ & 0xffff, o + 4);
      frame.writeUInt16BE(0x4000, o + 6);
      frame[o + 8] = 64;
      frame[o + 9] = 6;
      frame.writeUInt32BE(fromClient ? c.cip : c.sip, o + 12);
      frame.writeUInt32BE(fromClient ? c.sip : c.cip, o + 16);
      o += 20;
      frame.writeUInt16BE(fromClient ? c.cport : 80, o);
      frame.writeUInt16BE(fromClient ? 80 : c.cport, o + 2);
      frame.writeUInt32BE(fromClient ? c.cseq : c.sseq, o + 4);
      frame.writeUInt32BE(fromClient ? c.sseq : c.cseq, o + 8);
      frame[o + 12] = 0x50;
      frame[o + 13] = flags;
      frame.writeUInt16BE(65535, o + 14);
      payload.copy(frame, o + 20);
      frames.push(frame);
      const adv = payload.length + (flags & 3 ? 1 : 0);
      if (fromClient) c.cseq = (c.cseq + adv) >>> 0;
      else c.sseq = (c.sseq + adv) >>> 0;
    };
    const body = Buffer.from(JSON.stringify(ex.body));
    const req = Buffer.from(`${ex.method} ${ex.path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: e2e-pcap/1.0\r\nAccept: application/json\r\n\r\n`);
    const res = Buffer.concat([Buffer.from(`HTTP/1.1 ${ex.status} OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
    packet(true, 0x02);
    packet(false, 0x12);
    packet(true, 0x10);
    packet(true, 0x18, req);
    packet(false, 0x18, res);
    packet(true, 0x11);
    packet(false, 0x11);
    packet(true, 0x10);
  });
  writeFileSync(file, Buffer.concat(frames));
  return file;
}

/** `overhear monitor --pcap-dir DIR` (a live sensor following rotated captures), until stopped. */
export function monitor(db: string, pcapDir: string, name: string): { stop(): Promise<void>; output(): string } {
  const proc = spawn(process.execPath, [cliBin, 'monitor', '--pcap-dir', pcapDir, '--db', db, '--name', name, '--flush-interval', '1', '--file-idle', '1'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return {
    output: () => out,
    stop: () =>
      new Promise<void>((r) => {
        if (proc.exitCode !== null) return r();
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }),
  };
}
