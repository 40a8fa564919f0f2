import { createHash, type Hash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { InputError } from '@overhear/model';

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
  /** Valid once `chunks` is fully consumed. */
  digest(): string;
  bytesRead(): number;
}

const HEAD_BYTES = 64;
const CHUNK = 1024 * 1024;

export async function openInput(path: string, onBytes?: (total: number) => void): Promise<Input> {
  let size: number | undefined;
  let stream: NodeJS.ReadableStream;
  if (path === '-') {
    stream = process.stdin;
  } else {
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(path, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`);
    }
    if (st.isDirectory()) throw new InputError(path, 'is a directory');
    size = st.isFile() ? st.size : undefined;
    stream = createReadStream(path, { highWaterMark: CHUNK });
  }
  const name = path === '-' ? '<stdin>' : path;
  const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const hash: Hash = createHash('sha256');
  let total = 0;
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
    throw new InputError(name, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const head = Buffer.concat(pending).subarray(0, HEAD_BYTES);
  const chunks = (async function* (): AsyncGenerator<Buffer> {
    const account = (b: Buffer): Buffer => {
      hash.update(b);
      total += b.length;
      onBytes?.(total);
      return b;
    };
    for (const b of pending.splice(0)) yield account(b);
    while (true) {
      let r: IteratorResult<Buffer | string>;
      try {
        r = await it.next();
      } catch (e) {
        throw new InputError(name, `read failed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, total);
      }
      if (r.done) break;
      yield account(typeof r.value === 'string' ? Buffer.from(r.value) : r.value);
    }
  })();
  let digest: string | undefined;
  return {
    name,
    size,
    head,
    chunks,
    digest: () => (digest ??= hash.digest('hex')),
    bytesRead: () => total,
  };
}

/** SHA-256 of a whole file, for the already-ingested check before parsing. */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) h.update(chunk as Buffer);
  return h.digest('hex');
}
