import type { JsonSchema, JsonSchemaType } from '@overhear/model';
import { defaultSchemaCaps, type SchemaCaps } from './json-schema.js';
import { stringFormat } from './value-format.js';

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
        if (n.format !== MIXED) {
          const f = stringFormat(v) ?? MIXED;
          n.format = n.format === UNSET ? f : n.format === f ? f : MIXED;
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
      for (const item of v) this.absorb((n.items ??= new Node()), item, depth + 1);
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
        if (i >= this.caps.maxProperties || props.size >= this.caps.maxProperties) {
          this.absorb((n.extra ??= new Node()), obj[k], depth + 1);
          i++;
          continue;
        }
        props.set(k, (p = { node: new Node(), count: 0 }));
      }
      p.count++;
      this.absorb(p.node, obj[k], depth + 1);
      i++;
    }
  }

  toSchema(): JsonSchema {
    return this.samples === 0 ? {} : build(this.root);
  }
}

function build(n: Node): JsonSchema {
  if (n.types & ANY) return {};
  let bits = n.types;
  if (bits & NUMBER) bits &= ~INTEGER;
  const types = ORDER.filter(([b]) => bits & b).map(([, t]) => t);
  const out: JsonSchema = { type: types.length === 1 ? types[0]! : types };
  if (bits & STRING && n.format) out.format = n.format;
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
