import type { Budget } from './budget.js';
import { FileRanges, type BodyFile } from './file-bytes.js';

/** Ranges of the file a body may keep before it is read into memory (a body in many small pieces). */
const MAX_RANGES = 64;

/**
 * Collects one body's bytes up to a cap, counting every byte seen. Bytes the
 * fast path read out of a file that can be read back are not copied: the body
 * keeps where they are (`addFile`, `takeFile`), up to MAX_RANGES pieces. Bytes
 * copied go into one buffer that grows by doubling, so a body sent in a
 * million one-byte chunks costs its bytes (at most twice over), not an object
 * per piece.
 */
export class BodyCollector {
  /** Bytes kept in memory: buf[0, held). */
  private buf: Buffer | null = null;
  /** Set while every byte kept is in the file: [fileStart, fileEnd), then `more` ranges (start, end, …). */
  private file: BodyFile | null = null;
  private fileStart = 0;
  private fileEnd = 0;
  private more: number[] | null = null;
  private held = 0;
  /** Bytes seen on the wire (after transfer framing), gaps included. */
  length = 0;
  truncated = false;
  gap = false;

  constructor(
    private readonly keepMax: number,
    private readonly budget: Budget,
  ) {}

  /** Bytes v[s, e), copied (v is read into again). */
  add(v: Buffer, s: number, e: number): void {
    const take = this.room(e - s);
    if (take === 0) return;
    if (this.file !== null) this.readBack();
    this.reserve(take);
    v.copy(this.buf!, this.held, s, s + take);
    this.keep(take, e - s);
  }

  /** Bytes [s, e) of `file`, left there while the body is all in that file (in at most MAX_RANGES pieces). */
  addFile(file: BodyFile, s: number, e: number): void {
    const take = this.room(e - s);
    if (take === 0) return;
    if (this.held === 0) {
      this.file = file;
      this.fileStart = s;
      this.fileEnd = s + take;
    } else if (this.file === file && (this.more === null || this.more.length < 2 * (MAX_RANGES - 1))) {
      (this.more ??= []).push(s, s + take);
    } else {
      // many pieces, or after bytes that were copied (a flow handed between the engines inside a body)
      if (this.file !== null) this.readBack();
      this.reserve(take);
      file.read(this.buf!, this.held, s, s + take);
    }
    this.keep(take, e - s);
  }

  addGap(n: number): void {
    this.length += n;
    this.truncated = true;
    this.gap = true;
  }

  /** Where the kept bytes are in the file, when they are all there; releases them from the budget. Null: read them with `take`. */
  takeFile(): FileRanges | null {
    const file = this.file;
    if (file === null) return null;
    const r = new FileRanges(file, this.fileStart, this.fileEnd, this.more);
    this.file = null;
    this.more = null;
    this.budget.sub(this.held);
    this.held = 0;
    return r;
  }

  /** The kept bytes; releases them from the budget. */
  take(): Buffer {
    if (this.file !== null) this.readBack();
    const b = this.buf;
    const out = b === null ? Buffer.alloc(0) : b.length === this.held ? b : b.subarray(0, this.held);
    this.budget.sub(this.held);
    this.buf = null;
    this.held = 0;
    return out;
  }

  discard(): void {
    this.budget.sub(this.held);
    this.buf = null;
    this.file = null;
    this.more = null;
    this.held = 0;
  }

  /** The bytes kept in the file, read into memory (bytes copied are to follow). */
  private readBack(): void {
    this.buf = new FileRanges(this.file!, this.fileStart, this.fileEnd, this.more).read(this.held);
    this.file = null;
    this.more = null;
  }

  /** Room in `buf` for n more bytes: the first piece exactly, then doubling up to the cap. */
  private reserve(n: number): void {
    const need = this.held + n;
    const b = this.buf;
    if (b === null) this.buf = Buffer.allocUnsafe(need);
    else if (need > b.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, Math.min(this.keepMax, 2 * b.length)));
      b.copy(grown, 0, 0, this.held);
      this.buf = grown;
    }
  }

  /** How many of n bytes fit under the caps (all n count as seen); 0 marks the body truncated. */
  private room(n: number): number {
    this.length += n;
    const room = this.keepMax - this.held;
    if (room <= 0) {
      this.truncated = true;
      return 0;
    }
    const take = n < room ? n : room;
    if (!this.budget.fits(take)) {
      this.truncated = true;
      return 0;
    }
    return take;
  }

  private keep(take: number, n: number): void {
    this.held += take;
    this.budget.add(take);
    if (take < n) this.truncated = true;
  }
}
