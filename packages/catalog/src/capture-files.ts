import type Database from 'better-sqlite3';

/**
 * Which files of a followed capture directory (`overhear monitor --pcap-dir`)
 * were handled, by name, size and modification time: a restart neither skips
 * nor repeats a file. A file whose size or time changed (a ring buffer reusing
 * the name) is a new file. The content itself is de-duplicated by the
 * `sources` table (SHA-256), so a crash between the two writes repeats nothing.
 */
export interface CaptureFileRecord {
  dir: string;
  name: string;
  size: number;
  mtime: number;
  /** 'ingested' | 'duplicate' (same content seen before) | 'failed' (not a capture, unreadable). */
  status: string;
  exchanges: number;
  error?: string;
  doneAt: number;
}

export function captureFileDone(db: Database.Database, dir: string, name: string, size: number, mtime: number): boolean {
  return db.prepare('SELECT 1 FROM capture_files WHERE dir = ? AND name = ? AND size = ? AND mtime = ?').get(dir, name, size, mtime) !== undefined;
}

export function recordCaptureFile(db: Database.Database, r: CaptureFileRecord): void {
  db.prepare(
    `INSERT INTO capture_files (dir, name, size, mtime, status, exchanges, error, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (dir, name) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, status = excluded.status,
       exchanges = excluded.exchanges, error = excluded.error, done_at = excluded.done_at`,
  ).run(r.dir, r.name, r.size, r.mtime, r.status, r.exchanges, r.error ?? null, r.doneAt);
}

export function listCaptureFiles(db: Database.Database, dir?: string): CaptureFileRecord[] {
  const rows = (dir === undefined ? db.prepare('SELECT * FROM capture_files ORDER BY dir, done_at, name').all() : db.prepare('SELECT * FROM capture_files WHERE dir = ? ORDER BY done_at, name').all(dir)) as Array<{
    dir: string; name: string; size: number; mtime: number; status: string; exchanges: number; error: string | null; done_at: number;
  }>;
  return rows.map((r) => ({ dir: r.dir, name: r.name, size: r.size, mtime: r.mtime, status: r.status, exchanges: r.exchanges, ...(r.error ? { error: r.error } : {}), doneAt: r.done_at }));
}

/** The sensor's health row (table `sensor_status`, read by the dashboard). */
export function writeSensorStatus(db: Database.Database, name: string, stats: Record<string, unknown>, at = Date.now()): void {
  db.prepare('INSERT INTO sensor_status (name, updated_at, stats) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at, stats = excluded.stats').run(name, at, JSON.stringify(stats));
}
