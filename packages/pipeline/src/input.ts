import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { InputError } from '@overhear/model';
import type { FileBytes } from '@overhear/pcap';

/**
 * An input file or stdin as a stream of chunks, with its first bytes
 * available before the stream is consumed (format sniffing), and a running
 * SHA-256 and byte count (the source's identity in the catalog).
 */
export interface Input {
  name: string;
  /** Known for regular files; undefined for stdin and pipes. */
  size: number | undefined;
  head: Buffer;
  chunks: AsyncIterable<Buffer>;
  /**
   * A regular file's bytes, read synchronously into the caller's memory (what
   * the capture reader prefers: no chunk allocated, none copied); use either
   * this or `chunks`, and `close` when done: bodies in the file are read
   * back through it (`readAt`) until then. Undefined for stdin and pipes.
   */
  file: FileBytes | undefined;
  /** Releases the file (once the exchanges read from it are analysed, or a reader stopped early); idempotent. */
  close(): void;
  /** Valid once `chunks` is fully consumed. */
  digest(): string;
  bytesRead(): number;
}

const HEAD_BYTES = 64;
const CHUNK = 1024 * 1024;

export async function openInput(path: string, onBytes?: (total: number) => void): Promise<Input> {
  const hash: Hash = createHash('sha256');
  let total = 0;
  const account = (b: Buffer): Buffer => {
    hash.update(b);
    total += b.length;
    onBytes?.(total);
    return b;
  };
  let digest: string | undefined;
  const done = {
    digest: () => (digest ??= hash.digest('hex')),
    bytesRead: () => total,
  };
  if (path !== '-') {
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      throw cannotOpen(path, e);
    }
    if (st.isDirectory()) throw new InputError(path, 'is a directory');
    if (st.isFile()) return openFile(path, st.size, account, done);
  }
  const name = path === '-' ? '<stdin>' : path;
  const stream: NodeJS.ReadableStream = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: CHUNK });
  const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const pending: Buffer[] = [];
  let headLen = 0;
  try {
    while (headLen < HEAD_BYTES) {
      const r = await it.next();
      if (r.done) break;
      const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      pending.push(b);
      headLen += b.length;
    }
  } catch (e) {
    throw new InputError(name, `cannot read (${why(e)})`);
  }
  const head = Buffer.concat(pending).subarray(0, HEAD_BYTES);
  const chunks = (async function* (): AsyncGenerator<Buffer> {
    for (const b of pending.splice(0)) yield account(b);
    while (true) {
      let r: IteratorResult<Buffer | string>;
      try {
        r = await it.next();
      } catch (e) {
        throw new InputError(name, `read failed (${why(e)})`, total);
      }
      if (r.done) break;
      yield account(typeof r.value === 'string' ? Buffer.from(r.value) : r.value);
    }
  })();
  return { name, size: undefined, head, chunks, file: undefined, close: () => void it.return?.(), ...done };
}

/** What went wrong reading, for a message: the error code, else its text. */
function why(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function cannotOpen(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  return new InputError(path, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`);
}

/** A regular file, read from one descriptor: by `readInto` (synchronous, into the caller's memory, and `readAt` for bodies read back) or as `chunks`. */
function openFile(path: string, size: number, account: (b: Buffer) => Buffer, done: Pick<Input, 'digest' | 'bytesRead'>): Input {
  let fd: number | null;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw cannotOpen(path, e);
  }
  const close = (): void => {
    if (fd === null) return;
    closeSync(fd);
    fd = null;
  };
  let at = 0;
  const readInto = (into: Buffer): number => {
    if (fd === null) return 0;
    let n: number;
    try {
      n = readSync(fd, into, 0, into.length, at);
    } catch (e) {
      close();
      throw new InputError(path, `read failed (${why(e)})`, at);
    }
    if (n === 0) return 0;
    at += n;
    account(n === into.length ? into : into.subarray(0, n));
    return n;
  };
  const head = Buffer.alloc(HEAD_BYTES);
  let headLen: number;
  try {
    headLen = readSync(fd!, head, 0, HEAD_BYTES, 0);
  } catch (e) {
    close();
    throw new InputError(path, `cannot read (${why(e)})`);
  }
  const chunks = (async function* (): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const b = Buffer.allocUnsafe(CHUNK);
        const n = readInto(b);
        if (n === 0) return;
        yield n === CHUNK ? b : b.subarray(0, n);
        // reads are synchronous: the event loop gets a turn between chunks
        await new Promise(setImmediate);
      }
    } finally {
      close();
    }
  })();
  // bodies are read back from the file while their exchanges are analysed (pcap's readRanges): open until `close`
  const readAt = (into: Buffer, position: number): number => {
    if (fd === null) throw new InputError(path, 'closed before a body in it was read', position);
    try {
      return readSync(fd, into, 0, into.length, position);
    } catch (e) {
      throw new InputError(path, `read failed (${why(e)})`, position);
    }
  };
  return { name: path, size, head: head.subarray(0, headLen), chunks, file: { readInto, readAt }, close, ...done };
}
/** SHA-256 of a whole file, for the already-ingested check before parsing. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) h.update(chunk as Buffer);
  return h.digest('hex');
}
