import type { Budget } from './budget.js';
import { FileRanges, type BodyFile } from './file-bytes.js';

/**
 * Collects one body's bytes up to a cap, counting every byte seen. Bytes the
 * fast path read out of a file that can be read back are not copied: the body
 * keeps where they are (`addFile`, `takeFile`).
 */
export class BodyCollector {
  // most bodies arrive in one piece: an array only from the second
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;
  /** Set while every byte kept is in the file: [fileStart, fileEnd), then `more` ranges. */
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
    const c = Buffer.allocUnsafe(take);
    v.copy(c, 0, s, s + take);
    if (this.first === null) this.first = c;
    else (this.rest ??= []).push(c);
    this.keep(take, e - s);
  }

  /** Bytes [s, e) of `file`, left there while the body is all in that file. */
  addFile(file: BodyFile, s: number, e: number): void {
    const take = this.room(e - s);
    if (take === 0) return;
    if (this.held === 0) {
      this.file = file;
      this.fileStart = s;
      this.fileEnd = s + take;
    } else if (this.file === file) {
      (this.more ??= []).push(s, s + take);
    } else {
      // after bytes that were copied (rare: a flow handed between the engines inside a body)
      const c = new FileRanges(file, s, s + take, null).read(take);
      if (this.first === null) this.first = c;
      else (this.rest ??= []).push(c);
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
    const out = this.first === null ? Buffer.alloc(0) : this.rest === null ? this.first : Buffer.concat([this.first, ...this.rest], this.held);
    this.budget.sub(this.held);
    this.first = null;
    this.rest = null;
    this.held = 0;
    return out;
  }

  discard(): void {
    this.budget.sub(this.held);
    this.first = null;
    this.rest = null;
    this.file = null;
    this.more = null;
    this.held = 0;
  }

  /** The bytes kept in the file, read into memory (bytes copied are to follow). */
  private readBack(): void {
    this.first = new FileRanges(this.file!, this.fileStart, this.fileEnd, this.more).read(this.held);
    this.file = null;
    this.more = null;
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
