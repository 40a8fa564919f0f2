export type CaptureFormat = 'pcap' | 'pcapng';

/** Capture format from the first bytes (at least 4), for content sniffing. */
export function captureFormat(firstBytes: Uint8Array): CaptureFormat | undefined {
  if (firstBytes.length < 4) return undefined;
  const m = ((firstBytes[0]! << 24) | (firstBytes[1]! << 16) | (firstBytes[2]! << 8) | firstBytes[3]!) >>> 0;
  switch (m) {
    case 0xa1b2c3d4:
    case 0xd4c3b2a1:
    case 0xa1b23c4d:
    case 0x4d3cb2a1:
      return 'pcap';
    case 0x0a0d0d0a:
      return 'pcapng';
    default:
      return undefined;
  }
}
