/** Input formats are told by content, never by file name. */
export type InputFormat = 'har' | 'pcap' | 'pcapng' | 'ndjson';

export function sniffFormat(head: Uint8Array): InputFormat | undefined {
  if (head.length >= 4) {
    const m = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
    if (m === 0x0a0d0d0a) return 'pcapng';
    if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  }
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  // NDJSON exchange stream (packages/pipeline/src/ndjson.ts): the first record starts with the version field.
  if (head[i] === 0x7b && /^\{\s*"overhear"\s*:\s*\d/.test(Buffer.from(head.subarray(i)).toString('latin1'))) return 'ndjson';
  if (head[i] === 0x7b) return 'har';
  return undefined;
}
