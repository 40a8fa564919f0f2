/**
 * Bytes held across all flows, against the global cap; and, on an account of
 * their own, the memory parsed messages hold until their exchange is made
 * (requests waiting for an answer, mostly), against theirs.
 */
export class Budget {
  held = 0;
  peak = 0;
  messages = 0;
  messagesPeak = 0;
  constructor(
    readonly max: number,
    readonly maxMessages: number,
  ) {}
  addMessage(n: number): void {
    this.messages += n;
    if (this.messages > this.messagesPeak) this.messagesPeak = this.messages;
  }
  subMessage(n: number): void {
    this.messages -= n;
  }
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
