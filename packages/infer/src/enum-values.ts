import { segmentKind } from './segment-kind.js';

/**
 * Bookkeeping for low-cardinality strings (`enum`) and dynamic map keys,
 * shared by `inferSchema`/`mergeSchemas` and `SchemaAccumulator` so both
 * give the same schema whatever the order of samples.
 *
 * Value sets: a string schema carries `x-values` (value → count) while every
 * value seen looks like a code ("open", "in_progress", "USD") and the field's
 * name does not suggest personal or secret data; at most MAX_VALUES values,
 * beyond that (or on the first value that does not look like a code) it is
 * `false` for good. `tidySchema` turns a set into `enum` when the evidence is
 * strong (ENUM_MIN_SAMPLES samples, at most ENUM_MAX_VALUES values, each value
 * seen ENUM_MIN_SHARE of the time on average) and always removes the bookkeeping.
 */

export const VALUES = 'x-values';
export const MAX_VALUES = 16;
export const ENUM_MIN_SAMPLES = 20;
export const ENUM_MAX_VALUES = 10;
/** Samples per distinct value, at least. */
export const ENUM_MIN_PER_VALUE = 4;

/** Field names whose values may be personal or secret: never tracked. */
const SENSITIVE_NAME = /mail|name|phone|mobile|fax|addr|street|city|zip|postal|post_?code|birth|dob|ssn|social|passport|licen[cs]e|card|iban|bic|swift|account|token|secret|passw|pwd|pass$|key|auth|session|cookie|cred|signature|hash|ip$|^ip|ipv|lat|lon|lng|geo|location|user|login|owner|customer|person|contact|first|last|surname|gender|sex|nationality|tax|salary|income|religion|ethnic|health|diagnos|note|comment|message|text|body|content|description|title|query|search|url|uri|link|path|file/i;

const CODE = /^[A-Za-z][A-Za-z0-9_.:/+-]*(?: [A-Za-z0-9_.:/+-]+){0,2}$/;

export function trackableName(name: string): boolean {
  return !SENSITIVE_NAME.test(name);
}

/** A value that looks like a code, not free text, an identifier or a personal value. */
export function codeLike(v: string): boolean {
  return v.length >= 1 && v.length <= 40 && CODE.test(v) && segmentKind(v.replace(/ /g, '_')) === 'literal';
}

export type ValueSet = Record<string, number> | false;

export function mergeValueSets(a: ValueSet | undefined, b: ValueSet | undefined): ValueSet {
  if (!a || !b) return false;
  const out: Record<string, number> = { ...a };
  let n = Object.keys(out).length;
  for (const [k, c] of Object.entries(b)) {
    if (out[k] === undefined) {
      if (++n > MAX_VALUES) return false;
      out[k] = c;
    } else out[k] += c;
  }
  return sortKeys(out);
}

export function sortKeys(o: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}

/** The enum for a value set, when the evidence is strong; else undefined. */
export function enumOf(set: unknown): string[] | undefined {
  if (!set || typeof set !== 'object') return undefined;
  const entries = Object.entries(set as Record<string, number>);
  const k = entries.length;
  if (k === 0 || k > ENUM_MAX_VALUES) return undefined;
  let n = 0;
  for (const [, c] of entries) n += c;
  if (n < ENUM_MIN_SAMPLES || n < k * ENUM_MIN_PER_VALUE) return undefined;
  return entries.map(([v]) => v).sort();
}

/** An object key that is a value (id, date, hash, UUID, email…), not a property name: the object is a map. */
export function dynamicKey(key: string): boolean {
  const k = segmentKind(key);
  if (k === 'literal') return false;
  // "thumb_160", "address_line_2", "x-rate-limit-60": words with a number are property names.
  if (k === 'token' && /[A-Za-z]{3,}[_-]|[_-][A-Za-z]{3,}/.test(key)) return false;
  return true;
}
