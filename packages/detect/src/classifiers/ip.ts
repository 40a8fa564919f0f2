/** IPv4 and IPv6 addresses, validated by node:net (octet ranges, "::" rules, embedded IPv4). */
import { isIPv4, isIPv6 } from 'node:net';

export function isIpAddress(value: string): boolean {
  const n = value.length;
  if (n < 2 || n > 45) return false;
  if (n >= 7 && n <= 15 && value.charCodeAt(0) >= 48 && value.charCodeAt(0) <= 57 && value.indexOf(':') < 0) return isIpv4(value);
  if (value.indexOf(':') < 0) return false;
  return isIpv6(value);
}

/** Dotted quad; leading zeros ("1.2.3.04") are rejected as they read as octal in some parsers and are rarely addresses. */
export function isIpv4(value: string): boolean {
  return isIPv4(value);
}

export function isIpv6(value: string): boolean {
  // "::" alone and "1:2" are valid or near-valid but are usually tokens of other text; require two colons and a hex digit.
  if (value.length < 3 || !/[0-9a-fA-F]/.test(value)) return false;
  const pct = value.indexOf('%');
  const addr = pct >= 0 ? value.slice(0, pct) : value;
  if (pct >= 0 && !/^[A-Za-z0-9._-]{1,16}$/.test(value.slice(pct + 1))) return false;
  return isIPv6(addr);
}

/** Not private, loopback, link-local, CGNAT, documentation, multicast or unspecified. */
export function isPublicIp(value: string): boolean {
  if (isIPv4(value)) {
    const [a, b] = value.split('.').map(Number) as [number, number, number, number];
    if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    if ((a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19 || b === 51)) || (a === 203 && b === 0)) return false;
    return true;
  }
  if (!isIpv6(value)) return false;
  const v = value.toLowerCase();
  if (v === '::' || v === '::1') return false;
  if (/^(fe[89ab]|fc|fd|ff)/.test(v) || v.startsWith('2001:db8')) return false;
  return true;
}
