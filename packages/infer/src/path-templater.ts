import { paramNameFor } from './param-name.js';
import { segmentKind, type SegmentKind } from './segment-kind.js';

/**
 * Turns concrete paths into OpenAPI path templates, per host, consistently:
 * every template it hands out is remembered in a per-host segment tree, so
 * later paths are matched against it (literal children first, then the
 * parameter child) before anything new is invented.
 */

interface ParamSlot {
  name: string;
  /** Kinds this parameter accepts; undefined = any value (declared by a spec). */
  accepts: Set<SegmentKind> | undefined;
  node: TrieNode;
}

class TrieNode {
  literals = new Map<string, TrieNode>();
  param: ParamSlot | undefined;
  /** This node ends a template. */
  terminal = false;
}

export interface TemplateResult {
  template: string;
  /** Values of the path parameters, by name, as they appeared (still percent-encoded). */
  params: Array<{ name: string; value: string; kind: SegmentKind }>;
}

/** Identifier shapes that one parameter slot may hold together. */
const ID_FAMILY: ReadonlySet<SegmentKind> = new Set(['integer', 'uuid', 'hex', 'objectid', 'token', 'email', 'number']);
const DATE_FAMILY: ReadonlySet<SegmentKind> = new Set(['date', 'datetime']);

function familyOf(kind: SegmentKind): ReadonlySet<SegmentKind> | undefined {
  if (ID_FAMILY.has(kind)) return ID_FAMILY;
  if (DATE_FAMILY.has(kind)) return DATE_FAMILY;
  return undefined;
}

export function splitPath(path: string): string[] {
  if (path === '*' || path === '') return [];
  const segs = path.split('/');
  // Leading "" from the root slash; a trailing slash is not a different endpoint.
  segs.shift();
  if (segs.length > 0 && segs[segs.length - 1] === '') segs.pop();
  return segs;
}

export class PathTemplater {
  private readonly roots = new Map<string, TrieNode>();

  /** Makes a template known for a host, e.g. from the catalog or a declared spec. `{x}` marks a parameter. */
  addTemplate(host: string, template: string, acceptAny = true): void {
    let node = this.root(host);
    for (const seg of splitPath(template)) {
      const m = /^\{([^}]+)\}$/.exec(seg);
      if (m) {
        if (!node.param) node.param = { name: m[1]!, accepts: acceptAny ? undefined : new Set(ID_FAMILY), node: new TrieNode() };
        node = node.param.node;
      } else {
        let next = node.literals.get(seg);
        if (!next) node.literals.set(seg, (next = new TrieNode()));
        node = next;
      }
    }
    node.terminal = true;
  }

  template(host: string, path: string): TemplateResult {
    const segs = splitPath(path);
    const kinds = segs.map(segmentKind);
    const root = this.root(host);
    const matched = match(root, segs, kinds, 0, []);
    if (matched) return build(segs, kinds, matched);
    return build(segs, kinds, this.learn(root, segs, kinds));
  }

  /** Adds the template for a path that matched nothing known, reusing what prefix exists. */
  private learn(root: TrieNode, segs: string[], kinds: SegmentKind[]): Array<string | ParamSlot> {
    const steps: Array<string | ParamSlot> = [];
    const taken = new Set<string>();
    let node = root;
    let prevLiteral: string | undefined;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const kind = kinds[i]!;
      const lit = node.literals.get(seg);
      if (kind === 'literal' || (lit && !node.param)) {
        let next = lit;
        if (!next) node.literals.set(seg, (next = new TrieNode()));
        steps.push(seg);
        node = next;
        prevLiteral = seg;
        continue;
      }
      if (node.param && accepts(node.param, kind)) {
        // Reuse the existing slot (its name stays stable across paths).
      } else if (!node.param) {
        const name = paramNameFor(prevLiteral, taken, kind);
        const fam = familyOf(kind);
        node.param = { name, accepts: fam ? new Set(fam) : new Set([kind]), node: new TrieNode() };
      } else {
        // A slot of another family (e.g. dates beside ids): keep this value literal rather than mixing.
        let next = lit;
        if (!next) node.literals.set(seg, (next = new TrieNode()));
        steps.push(seg);
        node = next;
        prevLiteral = seg;
        continue;
      }
      taken.add(node.param.name);
      steps.push(node.param);
      node = node.param.node;
      prevLiteral = undefined;
    }
    node.terminal = true;
    return steps;
  }

  private root(host: string): TrieNode {
    let r = this.roots.get(host);
    if (!r) this.roots.set(host, (r = new TrieNode()));
    return r;
  }
}

function accepts(slot: ParamSlot, kind: SegmentKind): boolean {
  return slot.accepts === undefined || slot.accepts.has(kind);
}

/** Depth-first match of a known template: literals before the parameter, backtracking on dead ends. */
function match(node: TrieNode, segs: string[], kinds: SegmentKind[], i: number, acc: Array<string | ParamSlot>): Array<string | ParamSlot> | undefined {
  if (i === segs.length) return node.terminal ? acc.slice() : undefined;
  const seg = segs[i]!;
  const lit = node.literals.get(seg);
  if (lit) {
    acc.push(seg);
    const r = match(lit, segs, kinds, i + 1, acc);
    acc.pop();
    if (r) return r;
  }
  if (node.param && accepts(node.param, kinds[i]!)) {
    acc.push(node.param);
    const r = match(node.param.node, segs, kinds, i + 1, acc);
    acc.pop();
    if (r) return r;
  }
  return undefined;
}

function build(segs: string[], kinds: SegmentKind[], steps: Array<string | ParamSlot>): TemplateResult {
  const params: TemplateResult['params'] = [];
  const used = new Set<string>();
  const parts = steps.map((s, i) => {
    if (typeof s === 'string') return s;
    let name = s.name;
    for (let n = 2; used.has(name); n++) name = `${s.name}${n}`; // OpenAPI wants unique names per path
    used.add(name);
    params.push({ name, value: segs[i]!, kind: kinds[i]! });
    return `{${name}}`;
  });
  return { template: '/' + parts.join('/'), params };
}
