import { InputError } from '@overhear/model';

/**
 * A regular file's bytes, read synchronously into memory the reader owns: a
 * slice small enough to stay in the CPU cache, or the fast path's own input
 * area, so no chunk is allocated and none copied (pipeline's `openInput`).
 */
export interface FileBytes {
  /** Fills `into` from the current position; the number of bytes read, 0 at the end. */
  readInto(into: Buffer): number;
  /**
   * Fills `into` from `position` of the bytes `readInto` reads (0: the
   * first), without moving the current position; the number of bytes read.
   * With it, the bodies the fast path reads stay in the file until they are
   * first looked at (see `FileRanges`): it must keep working as long as the
   * exchanges' bodies may be read.
   */
  readAt?(into: Buffer, position: number): number;
}

/** A file that bodies are read back from, and its name for messages. */
export interface BodyFile {
  readonly bytes: Required<FileBytes>;
  readonly name: string;
}

/**
 * Where one body's bytes are in the file: [start, end), then `more` ranges
 * (start, end, start, end…) when it came in several packets. Nothing is
 * copied until the bytes are read, which most bodies never are: ingest
 * analyses a sample of the exchanges and only counts the rest (Wireshark
 * keeps packets in the file, by offset, the same way).
 */
export class FileRanges {
  constructor(
    private readonly file: BodyFile,
    private readonly start: number,
    private readonly end: number,
    private readonly more: number[] | null,
  ) {}

  /** The bytes held in the ranges. */
  get length(): number {
    let n = this.end - this.start;
    const m = this.more;
    if (m !== null) for (let i = 0; i < m.length; i += 2) n += m[i + 1]! - m[i]!;
    return n;
  }

  /** The first `max` bytes (all when fewer), read from the file. */
  read(max: number): Buffer {
    const total = this.length;
    const out = Buffer.allocUnsafe(total < max ? total : max);
    let o = this.fill(out, 0, this.start, this.end);
    const m = this.more;
    if (m !== null) for (let i = 0; i < m.length && o < out.length; i += 2) o = this.fill(out, o, m[i]!, m[i + 1]!);
    return out;
  }

  private fill(out: Buffer, o: number, s: number, e: number): number {
    let at = s;
    const stop = Math.min(e, s + out.length - o);
    while (at < stop) {
      const n = this.file.bytes.readAt(out.subarray(o, o + stop - at), at);
      if (n <= 0) throw new InputError(this.file.name, 'the file ended or changed before a body in it was read', at);
      at += n;
      o += n;
    }
    return o;
  }
}
