import type { TemplateEvidence } from './path-templater.js';
import { dynamicKey } from './enum-values.js';

/**
 * A coarse class of a response's shape, as evidence for path templating.
 * The shape is the set of top-level keys and the keys one level down
 * ("data.id", "items[].sku"), so envelopes ({data, meta}) do not make every
 * response look alike. Two shapes are in the same class when they share most
 * top-level keys (≥ 70 % of the smaller set, ≥ 50 % of the larger) — optional
 * properties come and go between samples of one endpoint — and, when both are
 * envelopes (≤ 4 top-level keys), most keys one level down by the same rule
 * (a different resource in the same envelope shares few). Responses that say little (no body, non-JSON, not 2xx, no
 * keys) are WEAK.
 */
export const WEAK = 'w';

const MAX_REPS = 4096;
const MAX_CACHE = 65536;
const MAX_KEYS = 96;
/** A top level with this many keys or fewer is an envelope: the keys one level down decide. */
const ENVELOPE = 4;

function keysOf(v: object, prefix: string, out: string[], depth: number): void {
  let n = 0;
  for (const k in v as Record<string, unknown>) {
    if (out.length >= MAX_KEYS || n++ >= 48) return;
    // Keys that are values (ids, dates) say nothing about the shape: a map.
    const name = dynamicKey(k) ? '*' : k;
    const key = prefix + name;
    if (name === '*' && n > 1 && out[out.length - 1] === key) continue;
    out.push(key);
    if (depth > 0) {
      let x = (v as Record<string, unknown>)[k];
      let p = `${key}.`;
      if (Array.isArray(x)) {
        x = x.find((e) => e !== null && typeof e === 'object');
        p = `${key}[].`;
      }
      if (x !== null && typeof x === 'object' && !Array.isArray(x)) keysOf(x, p, out, depth - 1);
    }
  }
}

export function shapeKey(body: unknown): string {
  if (body === null || typeof body !== 'object') return '';
  let v: unknown = body;
  let kind = 'o:';
  if (Array.isArray(v)) {
    kind = 'a:';
    v = v.find((x) => x !== null && x !== undefined);
    if (v === undefined) return '';
    if (typeof v !== 'object' || Array.isArray(v)) return `a:${Array.isArray(v) ? 'array' : typeof v}`;
  }
  const top: string[] = [];
  keysOf(v as object, '', top, 0);
  if (top.length === 0) return '';
  if (top.length > ENVELOPE) return `${kind}${top.join(',')}|`;
  // An envelope: the keys one level down decide (see shapeCluster).
  const keys: string[] = [];
  keysOf(v as object, '', keys, 1);
  return `${kind}${top.join(',')}|${keys.filter((k) => k.includes('.')).join(',')}`;
}

interface Rep {
  kind: string;
  keys: Set<string>;
  nested: Set<string>;
  id: string;
}

function overlap(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const k of a) if (b.has(k)) inter++;
  return inter;
}

export function shapeCluster(ev: TemplateEvidence, cache: Map<string, string>, reps: Rep[]): string {
  const st = ev.status ?? 0;
  if (st < 200 || st > 299 || ev.body === undefined) return WEAK;
  const key = shapeKey(ev.body);
  if (!key) return WEAK;
  const bar = key.indexOf('|');
  const topList = bar < 0 ? key.slice(2) : key.slice(2, bar);
  const nestedList = bar < 0 ? '' : key.slice(bar + 1);
  // Fewer than three keys in all ({ok}, {data: {liked}}) say too little: many endpoints answer alike.
  if (key.startsWith('o:') && (topList ? topList.split(',').length : 0) + (nestedList ? nestedList.split(',').length : 0) < 3) return WEAK;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const kind = key.slice(0, 2);
  const keys = new Set(topList ? topList.split(',') : []);
  const nested = new Set(nestedList ? nestedList.split(',') : []);
  let id: string | undefined;
  for (const r of reps) {
    if (r.kind !== kind) continue;
    // Mostly the same top-level keys (optional ones come and go), and, one level down, the smaller
    // set mostly within the larger (an expanded sub-object adds keys). A class is its first shape.
    const inter = overlap(keys, r.keys);
    if (inter < 0.7 * Math.min(keys.size, r.keys.size) || inter < 0.5 * Math.max(keys.size, r.keys.size)) continue;
    // Envelopes on both sides ({data}, {data, meta}): what they carry must match too.
    if (keys.size <= ENVELOPE && r.keys.size <= ENVELOPE && nested.size && r.nested.size) {
      const n = overlap(nested, r.nested);
      if (n < 0.7 * Math.min(nested.size, r.nested.size) || n < 0.5 * Math.max(nested.size, r.nested.size)) continue;
    }
    id = r.id;
    break;
  }
  if (id === undefined) {
    id = `c${reps.length}`;
    if (reps.length < MAX_REPS) reps.push({ kind, keys, nested, id });
  }
  if (cache.size < MAX_CACHE) cache.set(key, id);
  return id;
}

/**
 * A fingerprint of a response's shape for comparing two responses loosely: the
 * top-level keys and the keys one level down, each hashed to one of 128 bits
 * (four 32-bit words). Undefined when the response says little (see shapeCluster).
 * Unlike shape classes, it does not depend on which shape came first, and
 * optional keys that come and go change only a few bits.
 */
export function shapeMask(ev: TemplateEvidence): number[] | undefined {
  const st = ev.status ?? 0;
  if (st < 200 || st > 299 || ev.body === null || typeof ev.body !== 'object') return undefined;
  let v: unknown = ev.body;
  if (Array.isArray(v)) v = v.find((x) => x !== null && typeof x === 'object' && !Array.isArray(x));
  if (v === undefined || v === null || typeof v !== 'object') return undefined;
  const keys: string[] = [];
  keysOf(v, '', keys, 1);
  if (keys.length < 3) return undefined;
  const m = [0, 0, 0, 0];
  for (const k of keys) {
    let h = 0x811c9dc5;
    for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 16777619);
    const bit = (h >>> 0) & 127;
    m[bit >>> 5]! |= 1 << (bit & 31);
  }
  return m;
}

function bits(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Jaccard similarity of two shape fingerprints (shapeMask), 0 to 1. */
export function maskSimilarity(a: number[], b: number[]): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < 4; i++) {
    inter += bits(a[i]! & b[i]!);
    union += bits(a[i]! | b[i]!);
  }
  return union ? inter / union : 0;
}
