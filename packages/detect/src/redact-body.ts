/**
 * Body samples safe to keep: sensitive values replaced by "<type:preview>".
 * JSON is rewritten by the matches' JSON paths (the same "$.a[*].b" names the
 * scanner reports), and every other leaf is classified again so a value the
 * scan capped or de-duplicated away is not left behind.
 */
import type { SensitiveMatch } from '@overhear/model';
import { classifyValue } from './classify.js';
import { isLatLonPair } from './classifiers/geolocation.js';
import { findInText, type TextScanOptions } from './scan-text.js';
import { maskValue } from './redact.js';

const simpleKey = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function redactJson(value: unknown, matches: readonly SensitiveMatch[] = []): unknown {
  const byPath = new Map<string, string>();
  for (const m of matches) if (m.location.endsWith('.body') && m.name.startsWith('$')) byPath.set(m.name, m.type);
  return walk(value, '$', undefined, undefined, 0);

  function walk(v: unknown, path: string, key: string | undefined, parent: string | undefined, depth: number): unknown {
    const known = byPath.get(path);
    if (typeof v === 'string') {
      const type = known ?? classifyValue(v, key === undefined ? {} : { name: key, ...(parent !== undefined && { parent }) });
      return type ? `<${type}:${maskValue(type, v)}>` : v;
    }
    if (typeof v === 'number') {
      const s = String(v);
      const type = known ?? (key !== undefined && Number.isSafeInteger(v) ? classifyValue(s, { name: key, fromNumber: true }) : undefined);
      return type && type !== 'geolocation' ? `<${type}:${maskValue(type, s)}>` : v;
    }
    if (v === null || typeof v !== 'object' || depth > 64) return v;
    if (Array.isArray(v)) {
      if (known === 'geolocation' && v.length === 2) return `<geolocation:${maskValue('geolocation', `${v[1]},${v[0]}`)}>`;
      return v.map((item) => walk(item, `${path}[*]`, key, parent, depth + 1));
    }
    const obj = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const geo = known === 'geolocation';
    for (const k of Object.keys(obj)) {
      const child = obj[k];
      if (geo && (typeof child === 'number' || typeof child === 'string') && /^(lat|latitude|lon|lng|long|longitude)$/i.test(k)) {
        out[k] = '<geolocation:*>';
        continue;
      }
      out[k] = walk(child, simpleKey.test(k) ? `${path}.${k}` : `${path}['${k.replace(/'/g, "\\'")}']`, k, key, depth + 1);
    }
    if (!geo) {
      const lat = obj.lat ?? obj.latitude;
      const lon = obj.lon ?? obj.lng ?? obj.longitude;
      if (lat !== undefined && lon !== undefined && isLatLonPair(lat, lon)) {
        for (const k of ['lat', 'latitude', 'lon', 'lng', 'longitude']) if (k in out) out[k] = '<geolocation:*>';
      }
    }
    return out;
  }
}

/** Free text with every sensitive value found replaced by "<type:preview>". */
export function redactText(text: string, opts: TextScanOptions = {}): string {
  const found = findInText(text, opts);
  let out = '';
  let pos = 0;
  for (const m of found) {
    out += text.slice(pos, m.start) + `<${m.type}:${maskValue(m.type, text.slice(m.start, m.end))}>`;
    pos = m.end;
  }
  return out + text.slice(pos);
}
