/**
 * One value → at most one type. The field name's hint is consulted first (a
 * Map lookup, cached); then formats that identify themselves are tried, chosen
 * by the value's first character and length so that most values (short words,
 * numbers, UUIDs, timestamps) are dismissed without running any regex.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { isCardNumber } from './classifiers/card.js';
import { isIban } from './classifiers/iban.js';
import { isSsn } from './classifiers/ssn.js';
import { isEmail } from './classifiers/email.js';
import { isIpAddress, isIpv4, isIpv6 } from './classifiers/ip.js';
import { parsePhone } from './classifiers/phone.js';
import { isDateOfBirth } from './classifiers/date-of-birth.js';
import { looksLikePersonName } from './classifiers/person-name.js';
import { looksLikePostalAddress } from './classifiers/postal-address.js';
import { isLatLonString } from './classifiers/geolocation.js';
import { looksLikePassword } from './classifiers/password.js';
import { looksRandomToken } from './classifiers/entropy.js';
import { classifyKey } from './classifiers/cloud-keys.js';
import { hasUrlCredentials, parseAuthorization } from './classifiers/authorization.js';
import type { CustomType } from './classifiers/custom.js';
import { isJwt } from './jwt.js';
import { isAddressParent, isPersonParent, nameHint, type NameHint } from './names.js';

export interface ClassifyContext {
  /** The field name (JSON key, parameter, header or cookie name). */
  name?: string;
  /** The enclosing object's key, for names that are ambiguous alone ("name", "line1"). */
  parent?: string;
  /** The value was a JSON number, not a string. */
  fromNumber?: boolean;
  /** Regions tried for national-format phone numbers. */
  phoneRegions?: readonly CountryCode[];
  custom?: readonly CustomType[];
}

/** The sensitive type of `value` in its context, or undefined. */
export function classifyValue(value: string, ctx: ClassifyContext = {}): string | undefined {
  if (ctx.custom) {
    for (const c of ctx.custom) if (c.test(ctx.name, value)) return c.type;
  }
  const hint = ctx.name === undefined ? undefined : nameHint(ctx.name);
  const n = value.length;
  if (n === 0) return undefined;
  if (hint !== undefined) {
    const t = byHint(value, hint, ctx);
    if (t !== undefined) return t === '' ? undefined : t;
  }
  if (n < 6) return undefined;
  return byFormat(value, hint, ctx);
}

/** '' means "decided: not sensitive"; undefined means "no opinion, try formats". */
function byHint(value: string, hint: NameHint, ctx: ClassifyContext): string | undefined {
  switch (hint) {
    case 'password':
      if (ctx.fromNumber) return looksLikePassword(value) ? 'password' : '';
      return selfEvident(value) ?? (looksLikePassword(value) ? 'password' : '');
    case 'secret':
    case 'session': {
      if (ctx.fromNumber) return '';
      const s = selfEvident(value);
      if (s) return s;
      return looksRandomToken(value) ? (hint === 'session' ? 'session-token' : 'generic-secret') : undefined;
    }
    case 'authorization': {
      const a = parseAuthorization(value);
      if (!a) return undefined;
      return a.type === 'bearer-token' && isJwt(a.token) ? 'jwt' : a.type;
    }
    case 'email':
      return isEmail(value) ? 'email' : undefined;
    case 'phone':
      return parsePhone(value, true, ctx.phoneRegions) ? 'phone' : undefined;
    case 'card':
      return isCardNumber(value) ? 'credit-card' : undefined;
    case 'iban':
      return isIban(value.toUpperCase()) ? 'iban' : undefined;
    case 'ssn':
      return isSsn(value, true) ? 'us-ssn' : undefined;
    case 'ip':
      return isIpAddress(value) ? 'ip-address' : undefined;
    case 'dob':
      return isDateOfBirth(value) ? 'date-of-birth' : undefined;
    case 'person-name':
      return !ctx.fromNumber && looksLikePersonName(value) ? 'person-name' : undefined;
    case 'name':
      return !ctx.fromNumber && isPersonParent(ctx.parent) && looksLikePersonName(value) ? 'person-name' : undefined;
    case 'address':
      return !ctx.fromNumber && !isIpAddress(value) && !isEmail(value) && looksLikePostalAddress(value) ? 'postal-address' : undefined;
    case 'street':
      return !ctx.fromNumber && isAddressParent(ctx.parent) && looksLikePostalAddress(value) ? 'postal-address' : undefined;
    case 'geo':
      return isLatLonString(value) ? 'geolocation' : undefined;
    case 'not-sensitive':
      // Ids, times, versions, counts: only formats that identify themselves beyond doubt.
      return selfEvident(value) ?? (value.indexOf('@') > 0 && isEmail(value) ? 'email' : '');
    default:
      return undefined;
  }
}

/** Formats that are credentials whatever the field is called. */
function selfEvident(value: string): string | undefined {
  const n = value.length;
  if (n < 15) return undefined;
  const c0 = value.charCodeAt(0);
  if (c0 === 101 /* e */ && value.startsWith('eyJ')) return isJwt(value) ? 'jwt' : undefined;
  const k = classifyKey(value);
  if (k) return k;
  if (c0 === 104 /* h */ || c0 === 102 /* f */ || c0 === 109 /* m */ || c0 === 112 /* p */ || c0 === 114 /* r */ || c0 === 97 /* a */) {
    if (value.indexOf('@') > 0 && hasUrlCredentials(value)) return 'basic-auth';
  }
  return undefined;
}

function byFormat(value: string, hint: NameHint | undefined, ctx: ClassifyContext): string | undefined {
  const n = value.length;
  const c0 = value.charCodeAt(0);
  const isDigit = c0 >= 48 && c0 <= 57;
  if (isDigit || c0 === 43 /* + */ || c0 === 40 /* ( */) {
    if (n >= 12 && n <= 23 && isDigit && isCardNumber(value)) return 'credit-card';
    if (ctx.fromNumber) return undefined;
    if (n >= 35 && n <= 37 && value.charCodeAt(32) === 45 /* - */) return classifyKey(value);
    if (n === 11 && isDigit && isSsn(value, false)) return 'us-ssn';
    if (n >= 7 && n <= 15 && isDigit && value.indexOf('.') > 0 && isIpv4(value)) return 'ip-address';
    if (n >= 8 && c0 !== 43 && isDigit && value.indexOf(':') > 0 && isIpv6(value)) return 'ip-address';
    if (n >= 8 && (c0 === 43 || c0 === 40) && parsePhone(value, hint === 'phone', ctx.phoneRegions)) return 'phone';
    if (isDigit && value.indexOf('@') > 0 && isEmail(value)) return 'email';
    return undefined;
  }
  if (ctx.fromNumber) return undefined;
  const s = selfEvident(value);
  if (s) return s;
  const at = value.indexOf('@');
  if (at > 0) return isEmail(value) ? 'email' : undefined;
  if (c0 >= 65 && c0 <= 90 && n >= 15 && n <= 42) {
    const c1 = value.charCodeAt(1);
    if (c1 >= 65 && c1 <= 90 && isIban(value)) return 'iban';
  }
  if (value.indexOf(':') >= 0 && n <= 45 && isIpv6(value)) return 'ip-address';
  return undefined;
}
