import type { ServerResponse } from 'node:http';
import { Catalog, dataVersion } from '@overhear/catalog';

/**
 * Server-sent events. One dedicated read connection polls
 * `PRAGMA data_version` (a counter that moves only when another connection —
 * this server's upload writer, an `overhear ingest`, a monitor in another
 * process — commits) while at least one page listens, and pushes a
 * `catalog` event when it moved. Upload progress goes out as `upload` events.
 */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private conn: Catalog | undefined;
  private version = -1;
  private seq = 0;

  constructor(
    private readonly dbFile: string,
    private readonly pollMs: number,
  ) {}

  get listeners(): number {
    return this.clients.size;
  }

  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\n\n`);
    this.clients.add(res);
    this.send(res, 'hello', { seq: this.seq, at: new Date().toISOString() });
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    this.start();
  }

  broadcast(event: string, data: unknown): void {
    for (const c of this.clients) this.send(c, event, data);
  }

  private send(res: ServerResponse, event: string, data: unknown): void {
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private ensureConn(): void {
    if (this.conn) return;
    try {
      this.conn = new Catalog(this.dbFile, { readonly: true });
    } catch {
      this.conn = undefined; // not a catalog yet: try again at the next tick
    }
  }

  /** Checks once; returns true when the catalog changed since the last check. */
  poll(): boolean {
    this.ensureConn();
    if (!this.conn) return false;
    let v: number;
    try {
      v = dataVersion(this.conn.db);
    } catch {
      this.conn.close();
      this.conn = undefined;
      return false;
    }
    if (this.version === -1) {
      this.version = v;
      return false;
    }
    if (v === this.version) return false;
    this.version = v;
    this.seq++;
    this.broadcast('catalog', { seq: this.seq, at: new Date().toISOString() });
    return true;
  }

  /** Tells listeners now (for changes this process made and wants shown at once). */
  notifyChanged(): void {
    this.poll();
  }

  private start(): void {
    if (this.timer) return;
    this.poll();
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.write(': keep-alive\n\n');
    }, 15000);
    this.heartbeat.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = undefined;
    this.heartbeat = undefined;
  }

  close(): void {
    this.stop();
    for (const c of this.clients) c.end();
    this.clients.clear();
    this.conn?.close();
    this.conn = undefined;
  }
}
