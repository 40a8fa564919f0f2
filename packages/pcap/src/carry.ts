/**
 * Bytes of a record that straddles two input chunks. Only the straddling record
 * is copied; everything else is read in place from the chunk.
 */
export class Carry {
  buf: Buffer = Buffer.allocUnsafe(65_536);
  len = 0;

  append(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (this.len + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.len + n) size *= 2;
      const next = Buffer.allocUnsafe(size);
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.buf.set(src.subarray(start, end), this.len);
    this.len += n;
  }

  /** Drops a grown scratch buffer so one huge record does not pin memory. */
  reset(): void {
    this.len = 0;
    if (this.buf.length > 1_048_576) this.buf = Buffer.allocUnsafe(65_536);
  }
}

export function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
