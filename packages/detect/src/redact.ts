/**
 * What may be stored instead of a sensitive value: a masked preview that
 * reveals almost nothing, and a keyed hash (HMAC-SHA256, first 16 bytes, hex)
 * so equal values correlate across exchanges without being recoverable.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { parsePhone } from './classifiers/phone.js';
import { cardDigits } from './classifiers/card.js';
import { keyPrefix } from './classifiers/cloud-keys.js';
import { isSecretType } from './types.js';

export interface Redactor {
  /** Masked preview of `value` for its type: "j***@e***.com", "sk_live_…9f2a", "**** **** **** 4242". */
  preview(type: string, value: string): string;
  /** Keyed HMAC-SHA256 of the value, hex, 32 characters (16 bytes). */
  hash(value: string): string;
}

export function createRedactor(key: Uint8Array): Redactor {
  if (key.length < 16) throw new Error('redaction key must be at least 16 bytes');
  // a KeyObject, made once: an HMAC keyed with it costs ~25% less than one keyed with the bytes
  const k = createSecretKey(Buffer.from(key));
  // Tokens, cookies and customers' details recur across a session's exchanges; an HMAC costs ~2 µs.
  const memo = new Map<string, string>();
  return {
    preview: maskValue,
    hash(value) {
      let h = memo.get(value);
      if (h === undefined) {
        h = createHmac('sha256', k).update(value, 'utf8').digest('hex').slice(0, 32);
        if (memo.size >= 4096) memo.clear();
        memo.set(value, h);
      }
      return h;
    },
  };
}

const ELL = '…';

/** The masked preview; pure and deterministic (no key needed). */
export function maskValue(type: string, value: string): string {
  switch (type) {
    case 'email':
      return maskEmail(value);
    case 'phone':
      return maskPhone(value);
    case 'credit-card': {
      const d = cardDigits(value);
      return d.length === 16 ? `**** **** **** ${d.slice(-4)}` : `${'*'.repeat(d.length - 4)}${d.slice(-4)}`;
    }
    case 'iban': {
      const c = value.replace(/\s/g, '');
      return `${c.slice(0, 2)}**${ELL}${c.slice(-4)}`;
    }
    case 'us-ssn':
      return '***-**-****';
    case 'ip-address':
      return maskIp(value);
    case 'date-of-birth':
      return '****-**-**';
    case 'person-name':
      return value
        .trim()
        .split(/\s+/)
        .map((w) => `${[...w][0] ?? ''}***`)
        .join(' ');
    case 'postal-address':
      return `${value.trim().split(/\s+/).length} words, ${value.length} chars`;
    case 'geolocation':
      return maskGeo(value);
    case 'password':
      return '********';
    case 'basic-auth':
      return value.includes('://') ? `${value.slice(0, value.indexOf('://') + 3)}***:***@${ELL}` : 'Basic ***';
    case 'private-key': {
      const m = /^-----BEGIN [^-]*-----/.exec(value);
      return `${m ? m[0] : '-----BEGIN PRIVATE KEY-----'}${ELL}`;
    }
    case 'jwt':
      return `eyJ${ELL}${tail(value)}`;
    case 'bearer-token': {
      const sp = value.indexOf(' ');
      const token = sp > 0 ? value.slice(sp + 1) : value;
      return `${sp > 0 ? value.slice(0, sp) + ' ' : ''}${ELL}${tail(token)}`;
    }
    default:
      if (isSecretType(type)) return `${keyPrefix(value)}${ELL}${tail(value)}`;
      return value.length >= 10 ? `${ELL}${value.slice(-2)}` : '***';
  }
}

/** Last 4 characters, only when the value is long enough for that to give nothing away. */
function tail(v: string): string {
  return v.length >= 20 ? v.slice(-4) : '';
}

function maskEmail(v: string): string {
  const at = v.lastIndexOf('@');
  if (at < 1) return '***';
  const domain = v.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot >= 0 ? domain.slice(dot) : '';
  return `${v[0]}***@${domain[0] ?? ''}***${tld}`;
}

function maskPhone(v: string): string {
  const p = parsePhone(v.trim(), true);
  const digits = v.replace(/\D/g, '');
  if (p) {
    const national = String(p.nationalNumber);
    return `+${p.countryCallingCode} ${'*'.repeat(Math.max(0, national.length - 4))} **${national.slice(-2)}`;
  }
  return `${'*'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2)}`;
}

function maskIp(v: string): string {
  if (v.indexOf(':') < 0) {
    const first = v.split('.')[0];
    return `${first}.***.***.***`;
  }
  const first = v.split(':')[0] || '';
  return `${first}:***`;
}

function maskGeo(v: string): string {
  const nums = v.match(/-?\d+(?:\.\d+)?/g) ?? [];
  if (nums.length < 2) return '**.*, **.*';
  return `${Math.trunc(Number(nums[0]))}.*, ${Math.trunc(Number(nums[1]))}.*`;
}
