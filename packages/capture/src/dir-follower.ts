import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface DirFile {
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export interface DirFollowerOptions {
  dir: string;
  /** How often the directory is listed (default 1 s). */
  pollMs?: number;
  /**
   * A file whose size and time have not changed for this long is complete even
   * when no newer file exists (default 30 s: the last file of a rotation that stopped).
   */
  idleMs?: number;
  /** True when this version of the file (name, size, time) was handled before. */
  isDone(f: DirFile): boolean;
  /** Handles one complete file; files are handed over one at a time, oldest first. */
  handle(f: DirFile): Promise<void>;
  onError?(f: DirFile, e: unknown): void;
}

interface Seen {
  size: number;
  mtimeMs: number;
  /** When this size/time was first seen. */
  since: number;
  polls: number;
}

/**
 * Follows a directory that another tool writes rotated captures into
 * (`tcpdump -G/-C/-W`, `dumpcap -b`): a file is complete once its size and
 * time held still across two listings and either a newer file exists (the
 * writer moved on) or it has been idle for `idleMs`. Files whose names start
 * with a dot are ignored (temporary files).
 */
export class DirFollower {
  private readonly seen = new Map<string, Seen>();
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private stopped = false;
  readonly stats = { files: 0, pending: 0, handled: 0, failed: 0, polls: 0 };

  constructor(private readonly opts: DirFollowerOptions) {}

  start(): void {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.busy = this.poll(false).finally(() => {
        this.busy = undefined;
        this.schedule(this.opts.pollMs ?? 1000);
      });
    }, ms);
  }

  /** Lists the directory and hands over every complete file not handled yet. */
  async poll(final: boolean): Promise<void> {
    this.stats.polls++;
    const now = Date.now();
    const files: DirFile[] = [];
    for (const name of readdirSync(this.opts.dir)) {
      if (name.startsWith('.')) continue;
      const path = join(this.opts.dir, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue; // removed meanwhile
      }
      if (!st.isFile()) continue;
      files.push({ name, path, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
    }
    this.stats.files = files.length;
    for (const name of this.seen.keys()) if (!files.some((f) => f.name === name)) this.seen.delete(name);
    files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const ready: DirFile[] = [];
    let pending = 0;
    for (let i = 0; i < files.length; i++) {
      const f = files[i]!;
      const s = this.seen.get(f.name);
      if (!s || s.size !== f.size || s.mtimeMs !== f.mtimeMs) {
        this.seen.set(f.name, { size: f.size, mtimeMs: f.mtimeMs, since: now, polls: 1 });
        if (!this.opts.isDone(f)) pending++;
        continue;
      }
      s.polls++;
      if (this.opts.isDone(f)) continue;
      const newer = i < files.length - 1;
      const idle = now - Math.max(s.since, f.mtimeMs) >= (this.opts.idleMs ?? 30_000);
      if (f.size > 0 && (newer || idle)) ready.push(f);
      else pending++;
    }
    this.stats.pending = pending;
    void final;
    for (const f of ready) {
      if (this.stopped && !final) break;
      try {
        await this.opts.handle(f);
        this.stats.handled++;
      } catch (e) {
        this.stats.failed++;
        this.opts.onError?.(f, e);
      }
    }
  }

  /** Stops following; waits for the file being handled. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.busy;
  }
}
