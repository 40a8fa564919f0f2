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
   * first looked at (see `readRanges`): it must keep working as long as the
   * exchanges' bodies may be read.
   */
  readAt?(into: Buffer, position: number): number;
}

/**
 * A file that bodies are read back from, through a window of the last
 * WINDOW bytes read: bodies are read back in about the order they were
 * parsed (every exchange, when all are analysed), so most are copied from the
 * window instead of costing a system call each.
 */
export class BodyFile {
  private window: Buffer | null = null;
  private windowPos = 0;
  private windowLen = 0;

  constructor(
    private readonly bytes: Required<FileBytes>,
    readonly name: string,
  ) {}

  /** Bytes [s, e) of the file into out at o; throws when the file ends before e. */
  read(out: Buffer, o: number, s: number, e: number): void {
    if (s < this.windowPos || e > this.windowPos + this.windowLen) {
      if (e - s >= WINDOW) {
        this.fill(out, o, s, e);
        return;
      }
      const w = (this.window ??= Buffer.allocUnsafe(WINDOW));
      this.windowPos = s;
      // empty while it fills: a read that throws leaves no stale bytes claimed
      this.windowLen = 0;
      this.windowLen = this.fillSome(w, s);
      if (e > s + this.windowLen) throw this.ended(s + this.windowLen);
    }
    this.window!.copy(out, o, s - this.windowPos, e - this.windowPos);
  }

  /** Reads [s, e) into out at o, whole. */
  private fill(out: Buffer, o: number, s: number, e: number): void {
    const got = this.fillSome(out.subarray(o, o + e - s), s);
    if (got < e - s) throw this.ended(s + got);
  }

  /** Fills w from s as far as the file goes; the bytes read. */
  private fillSome(w: Buffer, s: number): number {
    let got = 0;
    while (got < w.length) {
      const n = this.bytes.readAt(w.subarray(got), s + got);
      if (n <= 0) break;
      got += n;
    }
    return got;
  }

  private ended(at: number): InputError {
    return new InputError(this.name, 'the file ended or changed before a body in it was read', at);
  }
}

const WINDOW = 65_536;

/**
 * The bytes of a body's ranges of the file: [start, end), then `more` (start,
 * end, start, end…) when it came in several packets. Bodies stay in the file until first read, which most never are:
 * ingest analyses a sample of the exchanges and only counts the rest
 * (Wireshark keeps packets in the file, by offset, the same way).
 */
export function readRanges(file: BodyFile, start: number, end: number, more: number[] | null): Buffer {
  let total = end - start;
  if (more !== null) for (let i = 0; i < more.length; i += 2) total += more[i + 1]! - more[i]!;
  const out = Buffer.allocUnsafe(total);
  file.read(out, 0, start, end);
  let o = end - start;
  if (more !== null) {
    for (let i = 0; i < more.length; i += 2) {
      file.read(out, o, more[i]!, more[i + 1]!);
      o += more[i + 1]! - more[i]!;
    }
  }
  return out;
}
