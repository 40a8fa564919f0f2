import type { Body } from '@overhear/model';
import type { Budget } from './budget.js';
import { readRanges, type BodyFile } from './file-bytes.js';

/** Ranges of the file a body may keep before it is read into memory (a body in many small pieces). */
const MAX_RANGES = 64;

/**
 * Collects one body's bytes up to a cap, counting every byte seen, and once
 * the message is over (`finish`) is the exchange's Body itself: a body costs
 * one object from its first byte to the analysis that reads it.
 *
 * Bytes the fast path read out of a file that can be read back are not
 * copied: the body keeps where they are (`addFile`), up to MAX_RANGES pieces,
 * and reads them when `bytes` is first looked at, which most bodies never are
 * (see `readRanges`). Bytes copied go into one buffer that grows by doubling,
 * so a body sent in a million one-byte chunks costs its bytes (at most twice
 * over), not an object per piece.
 */
export class BodyCollector implements Body {
  /** Bytes kept in memory: buf[0, held). */
  private buf: Buffer | null = null;
  /** Set while every byte kept is in the file: [fileStart, fileEnd), then `more` ranges (start, end, …). */
  private file: BodyFile | null = null;
  private fileStart = 0;
  private fileEnd = 0;
  private more: number[] | null = null;
  private held = 0;
  /** Bytes handed out by `bytes` (set by `finish`). */
  private max = 0;
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

  /**
   * The message is over: the kept bytes leave the budget's account (the
   * exchange holds them from here), and at most `max` of them are handed out
   * as `bytes` (the rest cut the body short); by default every byte kept.
   */
  finish(max = this.keepMax): void {
    this.budget.sub(this.held);
    this.max = max;
    if (this.held > max || this.held < this.length) this.truncated = true;
  }

  /** The first `max` bytes kept (see `finish`), read from the file the first time. */
  get bytes(): Uint8Array {
    const b = this.raw();
    return this.held <= this.max ? b : b.subarray(0, this.max);
  }

  /** Every byte kept (a content-coded body's, to decode). */
  raw(): Buffer {
    if (this.file !== null) this.readBack();
    const b = this.buf;
    if (b === null) return EMPTY;
    // one view from here, so that every read hands out the same object
    if (b.length !== this.held) this.buf = b.subarray(0, this.held);
    return this.buf!;
  }

  /** The message was let go before it finished: its bytes leave the budget's account. */
  discard(): void {
    this.budget.sub(this.held);
    this.buf = null;
    this.file = null;
    this.more = null;
    this.held = 0;
  }

  toJSON(): Body {
    return { bytes: this.bytes, length: this.length, truncated: this.truncated };
  }

  /** The bytes kept in the file, read into memory (bytes copied are to follow). */
  private readBack(): void {
    this.buf = readRanges(this.file!, this.fileStart, this.fileEnd, this.more);
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

const EMPTY = Buffer.alloc(0);
