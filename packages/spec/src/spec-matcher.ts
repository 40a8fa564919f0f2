import type { JsonSchema } from '@overhear/model';
import type { DeclaredOperation } from './declared.js';

/**
 * Finds the declared path template a concrete path belongs to, per host.
 * A segment tree: at each level a map of literal segments and at most a few
 * parameter edges. Literal segments beat parameters, a longer literal prefix
 * beats a shorter one (depth-first, literals first, backtracking), and a
 * parameter only takes a value its schema allows where the schema decides
 * (`/items/{id}` with an integer id does not take `/items/export`).
 * Paths are compared percent-decoded, without a trailing slash.
 */

interface ParamEdge {
  /** What values the edge takes ("integer", "enum:a|b", "any"…): parameters taking the same values share an edge. */
  key: string;
  test: (value: string) => boolean;
  /** How strict the edge is: typed parameters are tried before "any string" ones. */
  rank: number;
  node: Node;
}

interface Node {
  literals: Map<string, Node>;
  params: ParamEdge[];
  /** Method → template, for templates ending here. */
  ends: Map<string, string> | undefined;
  /** Any template ending here (for "documented under another method"). */
  template: string | undefined;
}

const newNode = (): Node => ({ literals: new Map(), params: [], ends: undefined, template: undefined });

/** The edge of `node` that takes the values `vt` takes, made when missing: parameters taking the same values at one position share an edge (their names may differ per template). Edges stay in rank order. */
function paramEdge(node: Node, vt: ValueTest): ParamEdge {
  let edge = node.params.find((e) => e.key === vt.key);
  if (!edge) {
    edge = { ...vt, node: newNode() };
    node.params.push(edge);
    node.params.sort((a, b) => a.rank - b.rank);
  }
  return edge;
}

export interface SpecMatch {
  /** The declared template, e.g. "/api/v2/orders/{orderId}". */
  template: string;
  /** The method is declared for that template (false: the path is, the method is not). */
  methodDeclared: boolean;
}

export function splitSegments(path: string): string[] {
  const segs = path.split('/');
  segs.shift();
  if (segs.length && segs[segs.length - 1] === '') segs.pop();
  return segs.map(decodeSegment);
}

function decodeSegment(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

type ValueTest = Omit<ParamEdge, 'node'>;

function valueTest(schema: JsonSchema | undefined): ValueTest {
  const type = Array.isArray(schema?.type) ? schema.type.find((t) => t !== 'null') : schema?.type;
  if (Array.isArray(schema?.enum)) {
    const en = new Set(schema.enum.map(String));
    return { key: `enum:${[...en].sort().join('|')}`, test: (v) => en.has(v), rank: 0 };
  }
  if (type === 'integer') return { key: 'integer', test: (v) => /^-?\d+$/.test(v), rank: 1 };
  if (type === 'number') return { key: 'number', test: (v) => /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v), rank: 1 };
  if (type === 'boolean') return { key: 'boolean', test: (v) => v === 'true' || v === 'false', rank: 1 };
  if (schema?.format === 'uuid') return { key: 'uuid', test: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v), rank: 1 };
  if (typeof schema?.pattern === 'string') {
    try {
      const re = new RegExp(schema.pattern, 'u');
      return { key: `pattern:${schema.pattern}`, test: (v) => re.test(v), rank: 2 };
    } catch {
      /* an invalid pattern decides nothing */
    }
  }
  return { key: 'any', test: (v) => v.length > 0, rank: 3 };
}

function segmentPattern(raw: string): ValueTest {
  const shape = raw.replace(/\{[^}]*\}/g, '{}');
  const re = new RegExp(`^${shape.split('{}').map((lit) => lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.+?)')}$`, 'u');
  return { key: `segment:${shape}`, test: (v) => re.test(v), rank: 2 };
}

export class SpecMatcher {
  private readonly roots = new Map<string, Node>();
  private size = 0;

  get operations(): number {
    return this.size;
  }

  add(host: string, op: Pick<DeclaredOperation, 'method' | 'path' | 'parameters'>): void {
    let root = this.roots.get(host);
    if (!root) this.roots.set(host, (root = newNode()));
    let node: Node = root;
    for (const raw of splitSegments(op.path)) {
      const m = /^\{([^}]+)\}$/.exec(raw);
      if (!m && raw.includes('{')) {
        // Parameters inside a segment ("{name}.{ext}", "names(name='{name}')"): a pattern edge.
        node = paramEdge(node, segmentPattern(raw)).node;
        continue;
      }
      if (!m) {
        let next: Node | undefined = node.literals.get(raw);
        if (!next) node.literals.set(raw, (next = newNode()));
        node = next;
        continue;
      }
      const schema = op.parameters.find((p) => p.in === 'path' && p.name === m[1])?.schema;
      node = paramEdge(node, valueTest(schema)).node;
    }
    node.ends ??= new Map();
    node.ends.set(op.method.toUpperCase(), op.path);
    node.template ??= op.path;
    this.size++;
  }

  hasHost(host: string): boolean {
    return this.roots.has(host);
  }

  match(host: string, method: string, path: string): SpecMatch | undefined {
    const root = this.roots.get(host);
    if (!root) return undefined;
    const segs = splitSegments(path);
    const m = method.toUpperCase();
    // First a template declaring this method; failing that, any template for the path.
    const withMethod = walk(root, segs, 0, (n) => n.ends?.get(m));
    if (withMethod) return { template: withMethod, methodDeclared: true };
    const any = walk(root, segs, 0, (n) => n.template);
    return any ? { template: any, methodDeclared: false } : undefined;
  }
}

function walk(node: Node, segs: string[], i: number, end: (n: Node) => string | undefined): string | undefined {
  if (i === segs.length) return end(node);
  const seg = segs[i]!;
  const lit = node.literals.get(seg);
  if (lit) {
    const r = walk(lit, segs, i + 1, end);
    if (r) return r;
  }
  for (const e of node.params) {
    if (!e.test(seg)) continue;
    const r = walk(e.node, segs, i + 1, end);
    if (r) return r;
  }
  return undefined;
}
