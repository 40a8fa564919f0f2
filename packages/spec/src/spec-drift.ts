import type { JsonSchema, JsonSchemaType, ParamLocation } from '@overhear/model';
import type { DeclaredOperation } from './declared.js';

/**
 * Conformance of observed traffic to a declared operation: what the spec
 * would need to say to match reality. Inputs are the catalog's observed
 * shapes (inferred schemas, parameter names and ranges, status codes).
 */

export type DriftKind =
  | 'undocumented-query-parameter'
  | 'parameter-out-of-range'
  | 'undocumented-status'
  | 'undocumented-media-type'
  | 'undocumented-request-property'
  | 'undocumented-response-property'
  | 'type-mismatch'
  | 'format-mismatch'
  | 'missing-required-property';

export interface DriftItem {
  kind: DriftKind;
  /** Where: "query sort", "response 200 $.nextCursor", "request $.items[*].qty". */
  where: string;
  /** What differs, in a few words (never a value from traffic beyond numbers). */
  detail: string;
}

export interface ObservedShape {
  parameters: Array<{ location: ParamLocation; name: string; schema: JsonSchema; min?: number | null; max?: number | null }>;
  bodies: Array<{ direction: 'request' | 'response'; status: number; mediaType: string; schema?: JsonSchema }>;
  statusCodes: Record<string, number>;
}

export function driftOf(observed: ObservedShape, declared: DeclaredOperation): DriftItem[] {
  const out: DriftItem[] = [];
  const declaredQuery = new Map(declared.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
  for (const p of observed.parameters) {
    if (p.location !== 'query') continue;
    const d = declaredQuery.get(p.name);
    if (!d) {
      out.push({ kind: 'undocumented-query-parameter', where: `query ${p.name}`, detail: `sent ${typeName(p.schema)} values; not declared` });
      continue;
    }
    const max = typeof d.schema?.maximum === 'number' ? d.schema.maximum : undefined;
    const min = typeof d.schema?.minimum === 'number' ? d.schema.minimum : undefined;
    if (max !== undefined && typeof p.max === 'number' && p.max > max) out.push({ kind: 'parameter-out-of-range', where: `query ${p.name}`, detail: `declared maximum ${max}; traffic sent up to ${p.max}` });
    if (min !== undefined && typeof p.min === 'number' && p.min < min) out.push({ kind: 'parameter-out-of-range', where: `query ${p.name}`, detail: `declared minimum ${min}; traffic sent down to ${p.min}` });
    // On the wire a query value is text: a declared string or array (form-serialised) takes any value.
    const dt = typesOf(d.schema);
    if (!dt.has('string') && !dt.has('array')) compareSchemas(p.schema, d.schema, `query ${p.name}`, 'undocumented-request-property', out, false);
  }

  for (const status of Object.keys(observed.statusCodes).sort()) {
    if (!responseFor(declared, status)) out.push({ kind: 'undocumented-status', where: `response ${status}`, detail: `${observed.statusCodes[status]} responses; status not declared` });
  }

  for (const b of observed.bodies) {
    const declaredContent = b.direction === 'request' ? declared.requestBody : responseFor(declared, String(b.status));
    const where = b.direction === 'request' ? 'request' : `response ${b.status}`;
    if (!declaredContent) {
      if (b.direction === 'request') out.push({ kind: 'undocumented-media-type', where, detail: `${b.mediaType} request body; the operation declares none` });
      continue; // an undeclared status was reported above
    }
    if (Object.keys(declaredContent).length === 0) continue; // declared without content: nothing to compare
    const schema = mediaFor(declaredContent, b.mediaType);
    if (schema === null) {
      out.push({ kind: 'undocumented-media-type', where, detail: `${b.mediaType} not declared (declared: ${Object.keys(declaredContent).join(', ')})` });
      continue;
    }
    if (b.schema && schema) compareSchemas(b.schema, schema, `${where} $`, b.direction === 'request' ? 'undocumented-request-property' : 'undocumented-response-property', out, true);
  }
  return out;
}

function responseFor(op: DeclaredOperation, status: string): Record<string, JsonSchema | undefined> | undefined {
  return op.responses[status] ?? op.responses[`${status[0]}XX`] ?? op.responses.DEFAULT;
}

/** The declared schema for a media type (exact, then type/*, then *\/*); null when not declared. */
function mediaFor(content: Record<string, JsonSchema | undefined>, mt: string): JsonSchema | undefined | null {
  if (mt in content) return content[mt];
  const wild = `${mt.split('/')[0]}/*`;
  if (wild in content) return content[wild];
  if ('*/*' in content) return content['*/*'];
  // application/json declared, application/problem+json sent: same syntax, different name → still a media type drift.
  return null;
}

const STRING_FORMATS = new Set(['date-time', 'date', 'email', 'uuid', 'uri', 'ipv4', 'ipv6']);

function typesOf(s: JsonSchema | undefined): Set<JsonSchemaType> {
  if (!s?.type) return new Set();
  return new Set(Array.isArray(s.type) ? s.type : [s.type]);
}

function typeName(s: JsonSchema): string {
  return [...typesOf(s)].join('|') || 'any';
}

/** Alternatives of an anyOf/oneOf, flattened into one schema whose properties are the union. */
function flatten(d: JsonSchema): JsonSchema {
  if (!Array.isArray(d.anyOf)) return d;
  const alts = (d.anyOf as JsonSchema[]).map(flatten);
  const types = new Set<JsonSchemaType>(typesOf(d));
  const props: Record<string, JsonSchema> = { ...(d.properties ?? {}) };
  let items = d.items;
  let open = false;
  for (const a of alts) {
    typesOf(a).forEach((t) => types.add(t));
    if (!a.type) open = true;
    Object.assign(props, a.properties ?? {});
    items ??= a.items;
    if (a.additionalProperties !== undefined && a.additionalProperties !== false) open = true;
  }
  const out: JsonSchema = { properties: props };
  if (types.size && !open) out.type = [...types];
  if (items) out.items = items;
  if (open) out.additionalProperties = true;
  return out;
}

const MAX_ITEMS = 50;

function compareSchemas(obs: JsonSchema, declaredRaw: JsonSchema | undefined, where: string, undocumented: DriftKind, out: DriftItem[], checkRequired: boolean, depth = 0): void {
  if (!declaredRaw || depth > 12 || out.length >= MAX_ITEMS) return;
  const dec = flatten(declaredRaw);
  const dt = typesOf(dec);
  const ot = typesOf(obs);
  if (dt.size > 0 && ot.size > 0) {
    const bad = [...ot].filter((t) => !(dt.has(t) || (t === 'integer' && dt.has('number'))));
    if (bad.length) out.push({ kind: 'type-mismatch', where, detail: `seen ${[...ot].join('|')}, declared ${[...dt].join('|')}` });
  }
  if (typeof dec.format === 'string' && STRING_FORMATS.has(dec.format) && ot.has('string') && obs.format !== dec.format) {
    out.push({ kind: 'format-mismatch', where, detail: `declared format ${dec.format}; values seen ${obs.format ? `are ${obs.format}` : 'do not all match it'}` });
  }
  if (ot.has('object') && obs.properties) {
    const dprops = dec.properties ?? {};
    const open = dec.additionalProperties !== undefined && dec.additionalProperties !== false;
    const declaresShape = dec.properties !== undefined || dec.additionalProperties === false;
    const named = new Set(Array.isArray(dec.required) ? (dec.required as string[]) : []);
    for (const [k, s] of Object.entries(obs.properties)) {
      const child = `${where}.${k}`;
      if (k in dprops) compareSchemas(s, dprops[k], child, undocumented, out, checkRequired, depth + 1);
      else if (named.has(k)) continue; // required without a schema: declared, of any type
      else if (typeof dec.additionalProperties === 'object') compareSchemas(s, dec.additionalProperties, child, undocumented, out, checkRequired, depth + 1);
      else if (declaresShape && !open) out.push({ kind: undocumented, where: child, detail: `${typeName(s)} property not declared` });
    }
    if (checkRequired && Array.isArray(dec.required)) {
      const always = new Set(obs.required ?? []);
      for (const k of dec.required as string[]) {
        if (!always.has(k)) out.push({ kind: 'missing-required-property', where: `${where}.${k}`, detail: k in obs.properties ? 'declared required; missing in some messages' : 'declared required; never seen' });
      }
    }
  }
  if (ot.has('array') && obs.items && dec.items) compareSchemas(obs.items, dec.items, `${where}[*]`, undocumented, out, checkRequired, depth + 1);
}
