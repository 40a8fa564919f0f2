import { spawn } from 'node:child_process';
import { closeSync, createReadStream, openSync, readFileSync, readSync } from 'node:fs';
import type { Exchange, SourceStats } from '@overhear/model';
import { bytesAsFile } from '@overhear/testkit';
import { readCapture } from '../src/index.js';
import type { CaptureCaps } from '../src/caps.js';

export interface Ingested {
  exchanges: Exchange[];
  stats: SourceStats;
}

type Input = Parameters<typeof readCapture>[0];

/** Reads `input` with readCapture to the end: its exchanges and stats. */
async function collect(input: Input, file: string, caps?: Partial<CaptureCaps>, engine?: 'fast' | 'js'): Promise<Ingested> {
  const src = readCapture(input, { file, ...(caps ? { caps } : {}), ...(engine ? { engine } : {}) });
  const exchanges: Exchange[] = [];
  for await (const ex of src) exchanges.push(ex);
  return { exchanges, stats: src.stats };
}

export function ingestFile(file: string, caps?: Partial<CaptureCaps>, engine?: 'fast' | 'js'): Promise<Ingested> {
  return collect(createReadStream(file), file, caps, engine);
}

/**
 * Reads a file as ingest does: synchronously, into the reader's own memory,
 * bodies left in the file until read (FileBytes with readAt). Every body is
 * read before the file is closed, as ingest analyses each exchange before it
 * closes the file.
 */
export async function ingestFileBytes(file: string, caps?: Partial<CaptureCaps>, engine?: 'fast' | 'js'): Promise<Ingested> {
  const fd = openSync(file, 'r');
  try {
    const r = await collect({ readInto: (into) => readSync(fd, into, 0, into.length, null), readAt: (into, at) => readSync(fd, into, 0, into.length, at) }, file, caps, engine);
    for (const ex of r.exchanges) readBodies(ex);
    return r;
  } finally {
    closeSync(fd);
  }
}

/** Reads an exchange's bodies (a body left in the file is read from it the first time). */
function readBodies(ex: Exchange): void {
  void ex.request.body?.bytes;
  void ex.response?.body?.bytes;
}

/** `bytes` as FileBytes that fill at most `most` bytes a call (short reads, bodies read back short too). */
export function ingestShortReads(bytes: Uint8Array, file: string, most: number, engine?: 'fast' | 'js'): Promise<Ingested> {
  return collect(bytesAsFile(bytes, most), file, undefined, engine);
}

/** Feeds `bytes` in chunks of `chunk` bytes (to exercise records straddling chunks). */
export function ingestBytes(bytes: Uint8Array, file = 'fixture.pcap', chunk = 65_536, caps?: Partial<CaptureCaps>, engine?: 'fast' | 'js'): Promise<Ingested> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, Math.min(bytes.length, i + chunk));
  }
  return collect(chunks(), file, caps, engine);
}

export interface PcapRecord {
  sec: number;
  frac: number;
  origLen: number;
  data: Buffer;
}

/** Splits a little-endian classic pcap into its header and records (to transform real captures). */
export function readPcap(file: string | Buffer): { header: Buffer; records: PcapRecord[] } {
  const b = typeof file === 'string' ? readFileSync(file) : file;
  if (b.readUInt32LE(0) !== 0xa1b2c3d4 && b.readUInt32LE(0) !== 0xa1b23c4d) throw new Error('expected a little-endian pcap');
  const records: PcapRecord[] = [];
  let o = 24;
  while (o + 16 <= b.length) {
    const incl = b.readUInt32LE(o + 8);
    records.push({ sec: b.readUInt32LE(o), frac: b.readUInt32LE(o + 4), origLen: b.readUInt32LE(o + 12), data: b.subarray(o + 16, o + 16 + incl) });
    o += 16 + incl;
  }
  return { header: b.subarray(0, 24), records };
}

export function writePcap(header: Buffer, records: PcapRecord[], opts: { bigEndian?: boolean; nanoseconds?: boolean; linkType?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.from(header);
  const le = !opts.bigEndian;
  const magic = opts.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4;
  const w32 = (b: Buffer, v: number, o: number): void => void (le ? b.writeUInt32LE(v >>> 0, o) : b.writeUInt32BE(v >>> 0, o));
  const w16 = (b: Buffer, v: number, o: number): void => void (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const link = opts.linkType ?? header.readUInt32LE(20);
  w32(h, magic, 0);
  w16(h, 2, 4);
  w16(h, 4, 6);
  w32(h, 0, 8);
  w32(h, 0, 12);
  w32(h, header.readUInt32LE(16), 16);
  w32(h, link, 20);
  parts.push(h);
  for (const r of records) {
    const rh = Buffer.alloc(16);
    w32(rh, r.sec, 0);
    w32(rh, opts.nanoseconds ? r.frac * 1000 : r.frac, 4);
    w32(rh, r.data.length, 8);
    w32(rh, r.origLen, 12);
    parts.push(rh, r.data);
  }
  return Buffer.concat(parts);
}

/** Rewrites a little-endian pcapng in big-endian byte order (SHB, IDB with options, EPB, SPB). */
export function pcapngToBigEndian(src: Buffer): Buffer {
  const b = Buffer.from(src);
  let o = 0;
  const swap32 = (p: number): void => void b.writeUInt32BE(src.readUInt32LE(p), p);
  const swap16 = (p: number): void => void b.writeUInt16BE(src.readUInt16LE(p), p);
  const swapOptions = (p: number, end: number, eight: Set<number>): void => {
    while (p + 4 <= end) {
      const code = src.readUInt16LE(p);
      const len = src.readUInt16LE(p + 2);
      swap16(p);
      swap16(p + 2);
      if (eight.has(code) && len === 8) {
        // 64-bit option value: swap as one big-endian quantity
        const hi = src.readUInt32LE(p + 8);
        const lo = src.readUInt32LE(p + 4);
        b.writeUInt32BE(hi, p + 4);
        b.writeUInt32BE(lo, p + 8);
      }
      if (code === 0) break;
      p += 4 + ((len + 3) & ~3);
    }
  };
  while (o + 12 <= src.length) {
    const type = src.readUInt32LE(o);
    const len = src.readUInt32LE(o + 4);
    swap32(o);
    swap32(o + 4);
    swap32(o + len - 4);
    if (type === 0x0a0d0d0a) {
      swap32(o + 8);
      swap16(o + 12);
      swap16(o + 14);
      const hi = src.readUInt32LE(o + 20);
      const lo = src.readUInt32LE(o + 16);
      b.writeUInt32BE(hi, o + 16);
      b.writeUInt32BE(lo, o + 20);
      swapOptions(o + 24, o + len - 4, new Set());
    } else if (type === 1) {
      swap16(o + 8);
      swap16(o + 10);
      swap32(o + 12);
      swapOptions(o + 16, o + len - 4, new Set([14]));
    } else if (type === 6) {
      for (const k of [8, 12, 16, 20, 24]) swap32(o + k);
      const cap = src.readUInt32LE(o + 20);
      swapOptions(o + 28 + ((cap + 3) & ~3), o + len - 4, new Set());
    } else if (type === 3) {
      swap32(o + 8);
    }
    o += len;
  }
  return b;
}

export interface TcpInfo {
  sport: number;
  dport: number;
  seq: number;
  flags: number;
  payloadLen: number;
}

/** TCP fields of an Ethernet/IPv4 or loopback-Ethernet frame (test transformations only). */
export function tcpOf(frame: Buffer): TcpInfo | undefined {
  if (frame.readUInt16BE(12) !== 0x0800) return undefined;
  const ip = 14;
  if (frame[ip + 9] !== 6) return undefined;
  const ihl = (frame[ip]! & 15) * 4;
  const t = ip + ihl;
  const total = frame.readUInt16BE(ip + 2);
  const off = (frame[t + 12]! >> 4) * 4;
  return { sport: frame.readUInt16BE(t), dport: frame.readUInt16BE(t + 2), seq: frame.readUInt32BE(t + 4), flags: frame[t + 13]!, payloadLen: total - ihl - off };
}

/** Runs a command and resolves with its stdout. */
export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`))));
  });
}

/** Starts tcpdump and resolves once it listens; `stop()` ends it cleanly (the file is complete after). */
/** tcpdump writing a capture; `stop()` resolves with the packets it says the kernel dropped. */
export async function startTcpdump(args: string[]): Promise<{ stop: () => Promise<number> }> {
  const p = spawn('tcpdump', ['-U', '--immediate-mode', '-B', '32768', '-s', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => {
      if (err.includes('listening on')) {
        p.stderr!.off('data', onData);
        resolve();
      }
    };
    p.stderr!.on('data', onData);
    p.on('error', reject);
    p.on('exit', (code) => reject(new Error(`tcpdump exited ${code}: ${err}`)));
  });
  return {
    stop: () =>
      new Promise<number>((resolve) => {
        p.removeAllListeners('exit');
        p.on('exit', () => {
          const dropped = [...err.matchAll(/(\d+) packets? dropped by (?:kernel|interface)/g)].reduce((a, m) => a + Number(m[1]), 0);
          resolve(dropped);
        });
        p.kill('SIGINT');
      }),
  };
}

export function byPath(exchanges: Exchange[], path: string): Exchange[] {
  return exchanges.filter((e) => e.request.path === path);
}
