/** Bytes held across all flows, against the global cap. */
export class Budget {
  held = 0;
  peak = 0;
  constructor(readonly max: number) {}
  add(n: number): void {
    this.held += n;
    if (this.held > this.peak) this.peak = this.held;
  }
  sub(n: number): void {
    this.held -= n;
  }
  fits(n: number): boolean {
    return this.held + n <= this.max;
  }
}
