/**
 * A seeded, structure-aware-enough mutator: byte flips, interesting values,
 * inserted/deleted/duplicated ranges, splices between seeds, truncation, and
 * length-field tampering (little- and big-endian 16/32-bit at aligned
 * offsets, where pcap, pcapng and IP keep their lengths).
 */

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
}

const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x22, 0x5c, 0x7b, 0x7d, 0x3a, 0x2c];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xffff, 0x10000, 65535 + 1, 1 << 30];
const TOKENS = ['\r\n', '\r\n\r\n', 'Content-Length: 99999999\r\n', 'Transfer-Encoding: chunked\r\n', 'ffffffffffffffff\r\n', '{', '}', '[', ']', '"', '\\u0000', '\\', '"$ref":"#/x"', 'null', '1e309', '-0', '\u2028', 'Content-Encoding: gzip\r\n', '%', '%zz', ':', ';'];

export function mutate(input: Buffer, rng: Rng, others: readonly Buffer[], maxLen: number): Buffer {
  let buf = Buffer.from(input);
  const rounds = 1 + rng.below(4);
  for (let r = 0; r < rounds; r++) {
    const n = buf.length;
    switch (rng.below(11)) {
      case 0: // flip a bit
        if (n) buf[rng.below(n)]! ^= 1 << rng.below(8);
        break;
      case 1: // interesting byte
        if (n) buf[rng.below(n)] = rng.pick(INTERESTING_8);
        break;
      case 2: {
        // interesting 32-bit value at an aligned offset, either byte order (length fields)
        if (n < 8) break;
        const at = rng.below(n >> 2) << 2;
        if (at + 4 > n) break;
        const v = rng.pick(INTERESTING_32);
        if (rng.below(2)) buf.writeUInt32LE(v >>> 0, at);
        else buf.writeUInt32BE(v >>> 0, at);
        break;
      }
      case 3: {
        // 16-bit tamper (IP total length, TCP offsets, ports)
        if (n < 4) break;
        const at = rng.below(n >> 1) << 1;
        if (at + 2 > n) break;
        buf.writeUInt16BE(rng.pick([0, 1, 0xffff, 0x7fff, 20, 40, 60]), at);
        break;
      }
      case 4: {
        // delete a range
        if (n < 2) break;
        const a = rng.below(n);
        const len = 1 + rng.below(Math.min(256, n - a));
        buf = Buffer.concat([buf.subarray(0, a), buf.subarray(a + len)]);
        break;
      }
      case 5: {
        // duplicate a range in place
        if (n < 2) break;
        const a = rng.below(n);
        const len = 1 + rng.below(Math.min(512, n - a));
        const at = rng.below(n);
        buf = Buffer.concat([buf.subarray(0, at), buf.subarray(a, a + len), buf.subarray(at)]);
        break;
      }
      case 6: {
        // insert a token that parsers care about
        const at = rng.below(n + 1);
        buf = Buffer.concat([buf.subarray(0, at), Buffer.from(rng.pick(TOKENS)), buf.subarray(at)]);
        break;
      }
      case 7: {
        // splice: our head, another seed's tail
        const other = others.length ? rng.pick(others) : buf;
        const a = rng.below(n + 1);
        const b = rng.below(other.length + 1);
        buf = Buffer.concat([buf.subarray(0, a), other.subarray(b)]);
        break;
      }
      case 8: // truncate
        buf = buf.subarray(0, rng.below(n + 1));
        break;
      case 9: {
        // random bytes run
        if (!n) break;
        const a = rng.below(n);
        const len = 1 + rng.below(Math.min(64, n - a));
        for (let i = 0; i < len; i++) buf[a + i] = rng.below(256);
        break;
      }
      default: {
        // repeat a small piece many times (deep nesting, long headers)
        if (!n) break;
        const a = rng.below(n);
        const piece = buf.subarray(a, a + 1 + rng.below(8));
        const times = 1 + rng.below(2000);
        const at = rng.below(n + 1);
        buf = Buffer.concat([buf.subarray(0, at), Buffer.alloc(piece.length * times, piece), buf.subarray(at)]);
        break;
      }
    }
    if (buf.length > maxLen) buf = buf.subarray(0, maxLen);
  }
  return buf;
}
