import type { JsonSchema, JsonSchemaType } from '@overhear/model';
import { stringFormat } from './value-format.js';
import { VALUES, codeLike, dynamicKey, enumOf, mergeValueSets, trackableName, type ValueSet } from './enum-values.js';

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 uses it) inferred from sample values,
 * and merged across samples. Merging is commutative and associative, so the
 * result does not depend on the order samples arrive in:
 * - `type` is the union of types seen (integer ∪ number = number; null makes it nullable),
 * - `required` is the intersection (a property is required only when always present),
 * - `format` is kept only while every string sample has the same format,
 * - arrays merge their items into one item schema,
 * - object keys that are values (ids, dates, hashes, UUIDs) are described by
 *   `additionalProperties`, not as properties (maps with dynamic keys),
 * - strings that look like codes keep a bounded value set (`x-values`),
 *   which `tidySchema` turns into `enum` when the evidence is strong.
 */

export interface SchemaCaps {
  maxDepth: number;
  /** Properties kept per object; beyond this the object is described by additionalProperties. */
  maxProperties: number;
}

export const defaultSchemaCaps: SchemaCaps = { maxDepth: 24, maxProperties: 300 };

/** Marker used while merging: a string schema whose samples disagreed on format. */
const NO_FORMAT = '';

export function inferSchema(value: unknown, caps: SchemaCaps = defaultSchemaCaps, depth = 0, name = ''): JsonSchema {
  if (value === null) return { type: 'null' };
  switch (typeof value) {
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'string': {
      const f = stringFormat(value);
      const out: JsonSchema = f ? { type: 'string', format: f } : { type: 'string' };
      out[VALUES] = !f && trackableName(name) && codeLike(value) ? { [value]: 1 } : false;
      return out;
    }
    case 'object':
      break;
    default:
      return {};
  }
  if (depth >= caps.maxDepth) return Array.isArray(value) ? { type: 'array' } : { type: 'object' };
  if (Array.isArray(value)) {
    let items: JsonSchema | undefined;
    for (const v of value) {
      const s = inferSchema(v, caps, depth + 1, name);
      items = items ? mergeSchemas(items, s, caps) : s;
    }
    return items ? { type: 'array', items } : { type: 'array' };
  }
  const obj = value as Record<string, unknown>;
  const properties: Record<string, JsonSchema> = {};
  const keys: string[] = [];
  let extra: JsonSchema | undefined;
  for (const k of Object.keys(obj)) {
    if (dynamicKey(k)) {
      const s = inferSchema(obj[k], caps, depth + 1);
      extra = extra ? mergeSchemas(extra, s, caps) : s;
    } else keys.push(k);
  }
  keys.sort();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const s = inferSchema(obj[k], caps, depth + 1, k);
    if (i < caps.maxProperties) properties[k] = s;
    else extra = extra ? mergeSchemas(extra, s, caps) : s;
  }
  const out: JsonSchema = { type: 'object', properties, required: keys.slice(0, caps.maxProperties) };
  if (extra) out.additionalProperties = extra;
  return out;
}

/** `a` already is what merging `b` into it gives: one scalar type, same format, no value set to grow. */
function sameScalar(a: JsonSchema, b: JsonSchema): boolean {
  const t = a.type;
  if (typeof t !== 'string' || t !== b.type || t === 'object' || t === 'array' || a.format !== b.format) return false;
  if (t === 'string' && (a[VALUES] !== false || (b[VALUES] !== undefined && b[VALUES] !== false))) return false;
  for (const k in a) if (k !== 'type' && k !== 'format' && k !== VALUES) return false;
  return true;
}

function typesOf(s: JsonSchema): JsonSchemaType[] {
  if (s.type === undefined) return [];
  return Array.isArray(s.type) ? s.type : [s.type];
}

const TYPE_ORDER: JsonSchemaType[] = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];

function unionTypes(a: JsonSchemaType[], b: JsonSchemaType[]): JsonSchemaType[] {
  const set = new Set([...a, ...b]);
  if (set.has('number')) set.delete('integer');
  return TYPE_ORDER.filter((t) => set.has(t));
}

/** Merges two inferred schemas; neither input is modified. `{}` (any) absorbs everything. */
export function mergeSchemas(a: JsonSchema, b: JsonSchema, caps: SchemaCaps = defaultSchemaCaps): JsonSchema {
  if (sameScalar(a, b)) return a; // the common case for parameters: nothing new
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (ta.length === 0 || tb.length === 0) return {};
  const types = unionTypes(ta, tb);
  const out: JsonSchema = { type: types.length === 1 ? types[0]! : types };

  if (types.includes('string')) {
    const fa = ta.includes('string') ? (a.format ?? NO_FORMAT) : undefined;
    const fb = tb.includes('string') ? (b.format ?? NO_FORMAT) : undefined;
    const f = fa === undefined ? fb : fb === undefined ? fa : fa === fb ? fa : NO_FORMAT;
    if (f) out.format = f;
    const va = ta.includes('string') ? ((a[VALUES] as ValueSet | undefined) ?? false) : undefined;
    const vb = tb.includes('string') ? ((b[VALUES] as ValueSet | undefined) ?? false) : undefined;
    out[VALUES] = va === undefined ? vb! : vb === undefined ? va : mergeValueSets(va, vb);
  }

  if (types.includes('array')) {
    const ia = ta.includes('array') ? a.items : undefined;
    const ib = tb.includes('array') ? b.items : undefined;
    const items = ia && ib ? mergeSchemas(ia, ib, caps) : (ia ?? ib);
    if (items) out.items = items;
  }

  if (types.includes('object')) mergeObjects(a, ta.includes('object'), b, tb.includes('object'), out, caps);
  return out;
}

function mergeObjects(a: JsonSchema, aIsObj: boolean, b: JsonSchema, bIsObj: boolean, out: JsonSchema, caps: SchemaCaps): void {
  if (!aIsObj || !bIsObj) {
    const only = aIsObj ? a : b;
    if (only.properties) out.properties = only.properties;
    if (only.required) out.required = only.required;
    if (only.additionalProperties !== undefined) out.additionalProperties = only.additionalProperties;
    return;
  }
  const pa = a.properties ?? {};
  const pb = b.properties ?? {};
  const props: Record<string, JsonSchema> = {};
  let extra: JsonSchema | undefined = mergeExtra(a.additionalProperties, b.additionalProperties, caps);
  const keys: string[] = [];
  for (const k of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
    if (!dynamicKey(k)) keys.push(k);
    else {
      // Stored before map detection: an id-like key is a map entry.
      const sa = pa[k];
      const sb = pb[k];
      const s = sa && sb ? mergeSchemas(sa, sb, caps) : (sa ?? sb)!;
      extra = extra ? mergeSchemas(extra, s, caps) : s;
    }
  }
  keys.sort();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const sa = pa[k];
    const sb = pb[k];
    const s = sa && sb ? mergeSchemas(sa, sb, caps) : (sa ?? sb)!;
    if (i < caps.maxProperties) props[k] = s;
    else extra = extra ? mergeSchemas(extra, s, caps) : s;
  }
  out.properties = props;
  const rb = new Set(b.required ?? []);
  out.required = (a.required ?? []).filter((k) => rb.has(k) && k in props).sort();
  if (extra) out.additionalProperties = extra;
}

function mergeExtra(a: JsonSchema['additionalProperties'], b: JsonSchema['additionalProperties'], caps: SchemaCaps): JsonSchema | undefined {
  const sa = typeof a === 'object' ? a : undefined;
  const sb = typeof b === 'object' ? b : undefined;
  return sa && sb ? mergeSchemas(sa, sb, caps) : (sa ?? sb);
}

/** Drops empty `required` arrays and other merge bookkeeping, for output; strong value sets become `enum`. */
export function tidySchema(s: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...s };
  if (VALUES in out) {
    const e = enumOf(out[VALUES]);
    delete out[VALUES];
    const t = out.type;
    if (e && (t === 'string' || (Array.isArray(t) && t.length === 2 && t.includes('string') && t.includes('null')))) {
      out.enum = t === 'string' ? e : [...e, null];
    }
  }
  if (out.required && out.required.length === 0) delete out.required;
  if (out.properties) {
    const p: Record<string, JsonSchema> = {};
    for (const [k, v] of Object.entries(out.properties)) p[k] = tidySchema(v);
    out.properties = p;
  }
  if (out.items) out.items = tidySchema(out.items);
  else if (out.type === 'array' || (Array.isArray(out.type) && out.type.includes('array'))) out.items = {}; // only empty arrays seen
  if (typeof out.additionalProperties === 'object') out.additionalProperties = tidySchema(out.additionalProperties);
  return out;
}
