/**
 * Sensitive values inside free text (plain-text, HTML or XML bodies, JSON cut
 * at a cap, log lines). Four passes, each proposing spans that the value
 * classifiers then confirm:
 *  1. `key = value` / `"key": "value"` pairs, so the key is used as evidence;
 *  2. credentials after an auth scheme ("Bearer …", "Basic …");
 *  3. number groups that may span spaces (cards, phones, SSNs, IBANs);
 *  4. single tokens between delimiters.
 * Overlapping spans keep the earliest-found, then the longest.
 */
import { classifyValue, type ClassifyContext } from './classify.js';
import { parseAuthorization } from './classifiers/authorization.js';
import { isJwt } from './jwt.js';
import { classifyKey } from './classifiers/cloud-keys.js';
import { isIpAddress } from './classifiers/ip.js';

export interface TextMatch {
  type: string;
  start: number;
  end: number;
  /** The key the value was assigned to, when found in a `key: value` pair. */
  name?: string;
}

export interface TextScanOptions extends Pick<ClassifyContext, 'phoneRegions' | 'custom'> {
  /** Stop after this many matches. */
  maxMatches?: number;
}

const pairRe = /(["'`]?)([A-Za-z_][A-Za-z0-9_.-]{0,60})\1[ \t]*(?::=|=>|===|!==|==|!=|=|:)[ \t]*(?:"([^"\n]{1,2000})"|'([^'\n]{1,2000})'|`([^`\n]{1,2000})`|([^\s"'`,;)}\]]{1,2000}))/g;
const authRe = /\b(Bearer|Basic|Token|Api-Token)[ \t]+([A-Za-z0-9._~+/=-]{8,4096})/g;
const numberGroupRe = /(?<![\w+.@-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d[\d .-]{5,24}\d(?![\w@]|\.\d)/g;
const ibanRe = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;
const pemRe = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]{0,16384}?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g;
const tokenSplit = /[\s"'`<>()[\]{},;|\\]+/;
const phoneWords = /(?:phone|tel\b|telephone|mobile|cell|fax|whatsapp|call|sms)[^\n]{0,24}\n?[^\n]{0,2}$/i;
const weakPhoneWords = /number[^\n]{0,20}$|\b(?:US|UK|CN|IN|BR|IL|DE|FR|JP)\b[^\n]{0,4}$/i;
const ssnWords = /(?:ssn|social security|\bsocial\b)[^\n]{0,20}$/i;

export function findInText(text: string, opts: TextScanOptions = {}): TextMatch[] {
  const max = opts.maxMatches ?? 1000;
  const out: TextMatch[] = [];
  const taken: Array<[number, number]> = [];
  const overlaps = (s: number, e: number) => taken.some(([a, b]) => s < b && e > a);
  const add = (type: string, start: number, end: number, name?: string) => {
    if (out.length >= max || overlaps(start, end)) return;
    taken.push([start, end]);
    out.push(name === undefined ? { type, start, end } : { type, start, end, name });
  };
  const ctx = (name?: string): ClassifyContext => ({ ...(name !== undefined && { name }), ...(opts.phoneRegions && { phoneRegions: opts.phoneRegions }), ...(opts.custom && { custom: opts.custom }) });

  for (const m of text.matchAll(pemRe)) {
    const v = m[0];
    if (classifyKey(v.trimEnd()) === 'private-key') add('private-key', m.index!, m.index! + v.length);
  }
  for (const m of text.matchAll(authRe)) {
    const a = parseAuthorization(`${m[1]} ${m[2]}`);
    if (!a) continue;
    const start = m.index!;
    const type = a.type === 'bearer-token' && isJwt(a.token) ? 'jwt' : (classifyKey(a.token) ?? a.type);
    add(type, start, start + m[0].length);
  }
  for (const m of text.matchAll(pairRe)) {
    const key = m[2]!;
    const raw = m[3] ?? m[4] ?? m[5] ?? m[6]!;
    const value = raw.trim();
    if (!value) continue;
    const type = classifyValue(value, ctx(key));
    if (!type) continue;
    const start = m.index! + m[0].lastIndexOf(raw) + raw.indexOf(value);
    add(type, start, start + value.length, key);
  }
  for (const m of text.matchAll(numberGroupRe)) {
    const v = m[0].replace(/[ .-]+$/, '');
    const start = m.index!;
    const before = text.slice(Math.max(0, start - 40), start);
    let type = classifyValue(v, ctx());
    if (!type && /[ ()-]/.test(v) && (phoneWords.test(before) || weakPhoneWords.test(before))) type = classifyValue(v, ctx('phone'));
    else if (!type && phoneWords.test(before)) type = classifyValue(v, ctx('phone'));
    if (!type && ssnWords.test(before)) type = classifyValue(v, ctx('ssn'));
    if (type) add(type, start, start + v.length);
  }
  for (const m of text.matchAll(ibanRe)) {
    if (classifyValue(m[0], ctx()) === 'iban') add('iban', m.index!, m.index! + m[0].length);
  }
  let pos = 0;
  for (const tok of text.split(tokenSplit)) {
    const start = text.indexOf(tok, pos);
    pos = start + tok.length;
    if (tok.length < 6 || out.length >= max) continue;
    const [v, off] = trimToken(tok);
    if (v.length < 6) continue;
    const type = classifyValue(v, ctx()) ?? ipWithSuffix(v);
    if (type) add(type, start + off, start + off + (type === 'ip-address' ? ipLength(v) : v.length));
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Trims punctuation that ends sentences or wraps tokens; returns the token and its offset. */
function trimToken(tok: string): [string, number] {
  let s = 0;
  let e = tok.length;
  while (s < e && /[.:!?=*#]/.test(tok[s]!)) s++;
  while (e > s && /[.:,!?=*#]/.test(tok[e - 1]!)) e--;
  return [tok.slice(s, e), s];
}

/** "10.0.0.0/8", "1.2.3.4:8080", "192.168.2.1@eth0", "fe80::1%eth0/64": an address with a suffix. */
function ipWithSuffix(v: string): string | undefined {
  const m = /^([0-9a-fA-F:.]+?)(?:%[A-Za-z0-9]+)?(?:\/\d{1,3}|:\d{1,5}|@.*)?$/.exec(v);
  return m && m[1] !== v && isIpAddress(m[1]!) ? 'ip-address' : undefined;
}

function ipLength(v: string): number {
  const m = /^([0-9a-fA-F:.]+?)(?:%[A-Za-z0-9]+)?(?:\/\d{1,3}|:\d{1,5}|@.*)?$/.exec(v);
  return m && isIpAddress(m[1]!) ? m[1]!.length : v.length;
}
