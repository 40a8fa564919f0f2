import type { JsonSchema, JsonSchemaType } from '@overhear/model';
import { defaultSchemaCaps, type SchemaCaps } from './json-schema.js';
import { stringFormat } from './value-format.js';
import { MAX_VALUES, VALUES, codeLike, dynamicKey, sortKeys, trackableName } from './enum-values.js';

/**
 * Builds a schema from many samples in place: each sample walks a mutable
 * tree and only allocates where it brings something new, so the common case
 * (the same shape again) costs a walk, not a new schema plus a merge.
 * `toSchema()` gives the same result `mergeSchemas` over `inferSchema` of
 * every sample would give (a test holds them equal).
 */

const NULL = 1;
const BOOLEAN = 2;
const INTEGER = 4;
const NUMBER = 8;
const STRING = 16;
const ARRAY = 32;
const OBJECT = 64;
const ANY = 128; // a value inferSchema describes as {} (e.g. undefined)

const ORDER: Array<[number, JsonSchemaType]> = [
  [OBJECT, 'object'],
  [ARRAY, 'array'],
  [STRING, 'string'],
  [NUMBER, 'number'],
  [INTEGER, 'integer'],
  [BOOLEAN, 'boolean'],
  [NULL, 'null'],
];

/** No format seen yet; a format; or formats disagreed (none). */
const UNSET = undefined;
const MIXED = '';

class Node {
  types = 0;
  format: string | undefined = UNSET;
  /** Code-like string values seen (bounded); null once given up (free text, too many, or a sensitive name). */
  values: Map<string, number> | null | undefined;
  constructor(readonly name = '') {}
  objects = 0;
  props: Map<string, { node: Node; count: number }> | undefined;
  extra: Node | undefined;
  items: Node | undefined;
  /** An object or array at the depth cap: its type is known, its content not described. */
  capped = false;
}

export class SchemaAccumulator {
  private readonly root = new Node();
  samples = 0;

  constructor(private readonly caps: SchemaCaps = defaultSchemaCaps) {}

  add(value: unknown): void {
    this.samples++;
    this.absorb(this.root, value, 0);
  }

  private absorb(n: Node, v: unknown, depth: number): void {
    if (v === null) {
      n.types |= NULL;
      return;
    }
    switch (typeof v) {
      case 'boolean':
        n.types |= BOOLEAN;
        return;
      case 'number':
        n.types |= Number.isInteger(v) ? INTEGER : NUMBER;
        return;
      case 'string': {
        n.types |= STRING;
        let f: string | undefined;
        if (n.format !== MIXED) {
          f = stringFormat(v) ?? MIXED;
          n.format = n.format === UNSET ? f : n.format === f ? f : MIXED;
        }
        if (n.values !== null) {
          const c = n.values?.get(v);
          if (c !== undefined) n.values!.set(v, c + 1);
          else if ((f ?? stringFormat(v) ?? MIXED) !== MIXED || !codeLike(v) || (n.values === undefined && !trackableName(n.name)) || (n.values?.size ?? 0) >= MAX_VALUES) n.values = null;
          else (n.values ??= new Map()).set(v, 1);
        }
        return;
      }
      case 'object':
        break;
      default:
        n.types |= ANY;
        return;
    }
    if (Array.isArray(v)) {
      n.types |= ARRAY;
      if (depth >= this.caps.maxDepth) return;
      for (const item of v) this.absorb((n.items ??= new Node(n.name)), item, depth + 1);
      return;
    }
    n.types |= OBJECT;
    if (depth >= this.caps.maxDepth) return;
    n.objects++;
    const props = (n.props ??= new Map());
    const obj = v as Record<string, unknown>;
    let i = 0;
    for (const k in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
      let p = props.get(k);
      if (!p) {
        if (i >= this.caps.maxProperties || props.size >= this.caps.maxProperties || dynamicKey(k)) {
          // A key that is a value (id, date, hash): the object is a map.
          this.absorb((n.extra ??= new Node()), obj[k], depth + 1);
          i++;
          continue;
        }
        props.set(k, (p = { node: new Node(k), count: 0 }));
      }
      p.count++;
      this.absorb(p.node, obj[k], depth + 1);
      i++;
    }
  }

  toSchema(): JsonSchema {
    return this.samples === 0 ? {} : build(this.root);
  }

  /** Takes in another accumulator's samples (same caps); returns this. The other one must not be used after. */
  merge(other: SchemaAccumulator): SchemaAccumulator {
    this.samples += other.samples;
    mergeNode(this.root, other.root);
    return this;
  }
}

function mergeNode(a: Node, b: Node): void {
  const hadString = (a.types & STRING) !== 0;
  a.types |= b.types;
  if (b.format !== UNSET) a.format = a.format === UNSET ? b.format : a.format === b.format ? a.format : MIXED;
  if (b.types & STRING) {
    if (!hadString) a.values = b.values;
    else if (a.values === null || b.values === null || a.values === undefined || b.values === undefined) a.values = a.values === undefined && b.values === undefined ? undefined : null;
    else {
      for (const [v, c] of b.values) a.values.set(v, (a.values.get(v) ?? 0) + c);
      if (a.values.size > MAX_VALUES) a.values = null;
    }
  }
  a.objects += b.objects;
  a.capped ||= b.capped;
  if (b.items) {
    if (a.items) mergeNode(a.items, b.items);
    else a.items = b.items;
  }
  if (b.extra) {
    if (a.extra) mergeNode(a.extra, b.extra);
    else a.extra = b.extra;
  }
  if (b.props) {
    const props = (a.props ??= new Map());
    for (const [k, p] of b.props) {
      const q = props.get(k);
      if (q) {
        q.count += p.count;
        mergeNode(q.node, p.node);
      } else props.set(k, p);
    }
  }
}

function build(n: Node): JsonSchema {
  if (n.types & ANY) return {};
  let bits = n.types;
  if (bits & NUMBER) bits &= ~INTEGER;
  const types = ORDER.filter(([b]) => bits & b).map(([, t]) => t);
  const out: JsonSchema = { type: types.length === 1 ? types[0]! : types };
  if (bits & STRING && n.format) out.format = n.format;
  if (bits & STRING) out[VALUES] = n.values ? sortKeys(Object.fromEntries(n.values)) : false;
  if (bits & ARRAY && n.items) out.items = build(n.items);
  if (bits & OBJECT && n.props) {
    const keys = [...n.props.keys()].sort();
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const k of keys) {
      const p = n.props.get(k)!;
      properties[k] = build(p.node);
      if (p.count === n.objects) required.push(k);
    }
    out.properties = properties;
    out.required = required;
    if (n.extra) out.additionalProperties = build(n.extra);
  }
  return out;
}
