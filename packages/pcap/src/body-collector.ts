import type { Budget } from './budget.js';

/** Collects one body's bytes up to a cap, counting every byte seen. */
export class BodyCollector {
  // most bodies arrive in one piece: an array only from the second
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;
  private held = 0;
  /** Bytes seen on the wire (after transfer framing), gaps included. */
  length = 0;
  truncated = false;
  gap = false;

  constructor(
    private readonly keepMax: number,
    private readonly budget: Budget,
  ) {}

  add(v: Buffer, s: number, e: number): void {
    const n = e - s;
    this.length += n;
    const room = this.keepMax - this.held;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const take = n < room ? n : room;
    if (!this.budget.fits(take)) {
      this.truncated = true;
      return;
    }
    const c = Buffer.allocUnsafe(take);
    v.copy(c, 0, s, s + take);
    if (this.first === null) this.first = c;
    else (this.rest ??= []).push(c);
    this.held += take;
    this.budget.add(take);
    if (take < n) this.truncated = true;
  }

  addGap(n: number): void {
    this.length += n;
    this.truncated = true;
    this.gap = true;
  }

  /** The kept bytes; releases them from the budget. */
  take(): Buffer {
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
    this.held = 0;
  }
}
