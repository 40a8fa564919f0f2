import { paramNameFor, wordParamName } from './param-name.js';
import { classifySegment, isReservedWord, type SegmentKind } from './segment-kind.js';
import { HOLE_STRIDE, LiteralRuns, skeleton, type Skeleton } from './path-skeleton.js';
import { maskSimilarity, shapeCluster, shapeMask, WEAK } from './response-shape.js';

/**
 * Turns concrete paths into OpenAPI path templates, per host, deciding from
 * all the traffic seen for the host, not one URL at a time.
 *
 * A per-host tree of segments. Identifier-shaped segments (numbers, UUIDs,
 * hashes, tokens, dates…) become a parameter at once — except at a version
 * position (`/1/…`, `/2.0/…`, `/2010-04-01/…`). Word-like segments start as
 * literals; sibling evidence turns them into one `{param}`: when several
 * sibling words are followed by the same continuation (same rest-of-path
 * shape, method and response shape) and each is seen about once — values
 * vary per request, literals recur — they are merged. Recurring literals
 * beside a parameter (`me`, `search`, `export`, `new`…) stay literal.
 *
 * Because a decision can change as traffic arrives, templates handed out
 * earlier may be merged: `takeMerges()` reports "these templates are now
 * this one", for the caller to merge what it aggregated under them.
 * Templates added with `addTemplate` (declared) always win and are never
 * merged; templates from a catalog (`learnTemplate`) are re-decided like
 * traffic.
 */

export interface TemplateResult {
  template: string;
  /** Values of the path parameters, by name, as they appeared (still percent-encoded, without a fixed suffix such as ".json"). */
  params: Array<{ name: string; value: string; kind: SegmentKind }>;
}

/** What else is known about the request, used as evidence for word-like segments. */
export interface TemplateEvidence {
  method: string;
  /** Response status (0 or absent when no response). */
  status?: number;
  /** Parsed JSON response body; only its top-level shape (keys) is looked at. */
  body?: unknown;
}

/** Templates handed out earlier that are now one: merge what was filed under `from` into `into`. */
export interface TemplateMerge {
  host: string;
  from: string[];
  into: string;
}

export interface TemplaterOptions {
  /** Siblings needed to merge words into a parameter (default 4; one more when responses say little). */
  minSiblings?: number;
}

interface ParamSlot {
  name: string;
  /** Kinds this parameter accepts; undefined = any value (declared by a spec). */
  accepts: Set<SegmentKind> | undefined;
  /** Accepts word-like values (made from sibling evidence, or declared). */
  words: boolean;
  /** Fixed text after the value inside the segment, e.g. ".json" in "{sid}.json". */
  suffix: string;
  /** Fixed text before the value, e.g. "thumbnail." in "thumbnail.{format}". */
  prefix: string;
  node: TrieNode;
  declared: boolean;
}

class TrieNode {
  literals = new Map<string, TrieNode>();
  params: ParamSlot[] = [];
  terminal = false;
  declared = false;
  /** May be merged into a parameter by sibling evidence (a word, not declared, not reserved). */
  word = false;
  parent: TrieNode | undefined;
  edge: string | ParamSlot | undefined;
  hits = 0;
  /** As a child: evidence key → hits (capped). */
  ev: Map<string, number> | undefined;
  /**
   * As a child: continuation without the response shape ("rest\u0001method") → hits (capped).
   * A parameter node routes new words here by it when responses say little.
   */
  ck: Map<string, number> | undefined;
  /** As a child: distinct concrete continuations (the rest of the path as sent, and the method), up to DISTINCT_MAX. */
  dk: Set<string> | undefined;
  /** As a child: fingerprint of its responses' shapes (shapeMask, or-ed), when any said something. */
  mask: number[] | undefined;
  /** As a parent: evidence key → child literal → hits (capped). */
  kids: Map<string, Map<string, number>> | undefined;
  /** As a parent: continuation without the response shape → child literal → hits (capped). */
  ckids: Map<string, Map<string, number>> | undefined;
}

const ID_FAMILY: ReadonlySet<SegmentKind> = new Set(['integer', 'uuid', 'hex', 'objectid', 'token', 'email', 'number']);
const DATE_FAMILY: ReadonlySet<SegmentKind> = new Set(['date', 'datetime']);
const WORD_KINDS: ReadonlySet<SegmentKind> = new Set([...ID_FAMILY, 'literal']);

/** A child's hits count up to this in the evidence (a hot value is not a literal). */
const CAP = 4;
/** Past this many hits, a child that does not behave like a value stops collecting evidence. */
const LITERAL_AFTER = 32;
/** Past this many hits a literal child stops collecting evidence (it is plainly a literal, or already judged). */
const SETTLED = 512;
/** A value is seen about once per continuation; a literal many times (see valueLike). */
const VALUE_HITS_PER_KEY = 2.5;
/** Distinct concrete continuations counted per word (more: plainly many). */
const DISTINCT_MAX = 32;
/** Words needed under one node to judge them together, without one shared continuation. */
const POOL_MIN = 8;
/** Most evidence keys per node. */
const MAX_KEYS = 512;
/** Beyond this many literal children, rarely seen words are merged whatever the evidence (memory bound). */
const MAX_LITERALS = 1000;
/** Settle after this many new literal words (bounds memory on long captures). */
const SETTLE_EVERY = 20000;

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

/** One request being templated: its segments, their kinds, and lazily its evidence keys. */
class Walk {
  readonly kinds: SegmentKind[] = [];
  /** Stem without a fixed suffix ("AC12…" of "AC12….json"); same as the segment when none. */
  readonly stems: string[] = [];
  readonly suffixes: string[] = [];
  /** Segment is a literal by position (version) even though typed. */
  readonly versionPos: boolean[] = [];
  private rest: string[] | undefined;
  private cluster: string | undefined;
  private shape: number[] | undefined | null = null;

  constructor(readonly segs: string[], readonly ev: TemplateEvidence | undefined, private readonly templater: PathTemplater) {
    let apiPrefix = true;
    for (let i = 0; i < segs.length; i++) {
      const c = classifySegment(segs[i]!, apiPrefix);
      this.kinds.push(c.kind);
      this.stems.push(c.stem);
      this.suffixes.push(c.suffix);
      this.versionPos.push(c.version);
      if (!c.prefixLike) apiPrefix = false;
    }
  }

  /** Kind as the tree sees it: a typed segment at a version position is a literal. */
  treeKind(i: number): SegmentKind {
    return this.versionPos[i] ? 'literal' : this.kinds[i]!;
  }

  /** Shape of the path after segment i: words as "*", typed values as "{}". */
  restShape(i: number): string {
    if (!this.rest) {
      const n = this.segs.length;
      const r = new Array<string>(n);
      let acc = '';
      for (let j = n - 1; j >= 0; j--) {
        r[j] = acc;
        const s = this.treeKind(j) === 'literal' ? '*' + this.suffixes[j] : '{}' + this.suffixes[j];
        acc = acc ? `${s}/${acc}` : s;
      }
      this.rest = r;
    }
    return this.rest[i]!;
  }

  method(): string {
    return this.ev?.method ?? '';
  }

  clusterId(): string {
    if (this.cluster === undefined) this.cluster = this.ev ? this.templater.clusterOf(this.ev) : WEAK;
    return this.cluster;
  }

  key(i: number): string {
    return `${this.restShape(i)}\u0001${this.method()}\u0001${this.clusterId()}`;
  }

  /** Fingerprint of the response's shape (undefined when it says little). */
  mask(): number[] | undefined {
    if (this.shape === null) this.shape = this.ev ? shapeMask(this.ev) : undefined;
    return this.shape;
  }

  /** The concrete continuation: the rest of the path as sent, and the method. */
  concrete(i: number): string {
    let s = this.method();
    for (let j = i + 1; j < this.segs.length; j++) s += '/' + this.segs[j]!;
    return s;
  }

  /** The continuation without the response shape: rest of the path and method. */
  coarseKey(i: number): string {
    return `${this.restShape(i)}\u0001${this.method()}`;
  }
}

export class PathTemplater {
  private readonly roots = new Map<string, TrieNode>();
  private merges: TemplateMerge[] = [];
  private readonly minSiblings: number;
  private readonly clusters = new Map<string, string>();
  private readonly reps: Array<{ kind: string; keys: Set<string>; nested: Set<string>; id: string }> = [];
  /** Literal words added since the last settle. */
  private newLiterals = 0;
  /** A node has more literal children than MAX_LITERALS. */
  private crowded = false;

  constructor(opts: TemplaterOptions = {}) {
    this.minSiblings = opts.minSiblings ?? 4;
  }

  /**
   * Makes a template known for a host as declared (e.g. by a spec): it always
   * wins, and it is never merged. `{x}` marks a parameter that accepts any value.
   */
  addTemplate(host: string, template: string, acceptAny = true): void {
    this.fast.clear();
    let node = this.root(host);
    for (const seg of splitPath(template)) {
      const m = TEMPLATE_SEG.exec(seg);
      if (m) {
        const prefix = m[1]!;
        const suffix = m[3]!;
        let slot = node.params.find((p) => p.suffix === suffix && p.prefix === prefix);
        if (!slot) {
          slot = this.newSlot(node, m[2]!, acceptAny ? undefined : new Set(ID_FAMILY), acceptAny, suffix, prefix);
          slot.declared = true;
        } else if (acceptAny) {
          slot.accepts = undefined;
          slot.words = true;
          slot.declared = true;
        }
        node = slot.node;
      } else {
        node = this.literalChild(node, seg, false);
      }
      node.declared = true;
      node.word = false;
    }
    node.terminal = true;
  }

  /**
   * Makes a template known as if it had been inferred before (e.g. from the
   * catalog): new traffic matches it, and evidence may still merge it.
   */
  learnTemplate(host: string, template: string): void {
    this.fast.clear();
    let node = this.root(host);
    const segs = splitPath(template);
    let apiPrefix = true;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const m = TEMPLATE_SEG.exec(seg);
      if (m) {
        const prefix = m[1]!;
        const suffix = m[3]!;
        let slot = node.params.find((p) => p.suffix === suffix && p.prefix === prefix);
        if (!slot) {
          // A name without "Id" was made from words (see wordParamName): it takes words again.
          const words = !/(Id|id|ID)\d*$|^date\d*$/.test(m[2]!);
          const fam = /^date\d*$/.test(m[2]!) ? DATE_FAMILY : ID_FAMILY;
          slot = this.newSlot(node, m[2]!, new Set(words ? WORD_KINDS : fam), words, suffix, prefix);
        }
        node = slot.node;
        apiPrefix = false;
      } else {
        const c = classifySegment(seg, apiPrefix);
        if (!c.prefixLike) apiPrefix = false;
        node = this.literalChild(node, seg, c.kind === 'literal' || c.version);
      }
    }
    node.terminal = true;
  }

  /** Templates merged since the last call (in the order they happened). */
  takeMerges(): TemplateMerge[] {
    const m = this.merges;
    this.merges = [];
    return m;
  }

  get hasMerges(): boolean {
    return this.merges.length > 0;
  }

  template(host: string, path: string, evidence?: TemplateEvidence): TemplateResult {
    const sk = skeleton(host, path);
    if (sk) {
      const hit = this.fast.get(sk.hash)?.apply(host, path, sk);
      if (hit) return hit;
    }
    const w = new Walk(splitPath(path), evidence, this);
    const root = this.root(host);
    let learned = false;
    let steps = match(root, w, 0, []);
    if (!steps) {
      learned = true;
      steps = this.learn(root, w);
    }
    if (evidence) this.observe(w, steps);
    if (this.newLiterals >= SETTLE_EVERY || this.crowded) {
      // Bounded memory: decide now rather than keep thousands of literal words until the next settle.
      this.settle();
      learned = true;
      steps = match(root, w, 0, []) ?? this.learn(root, w);
    }
    const result = build(w, steps);
    if (sk && !learned) {
      const f = FastWalk.of(root, w, steps, result, host, path, sk);
      if (f) {
        if (this.fast.size >= FAST_MAX) this.fast.clear();
        this.fast.set(sk.hash, f);
      }
    }
    return result;
  }

  /**
   * Walks to reuse for paths of one skeleton (host + path without its integer
   * and UUID segments). Valid while the tree does not change: emptied when it
   * learns, settles or is told templates.
   */
  private readonly fast = new Map<number, FastWalk>();

  /**
   * Decides, from all the evidence gathered so far, which sibling words are
   * values of one parameter, and merges them (see takeMerges). Deciding late
   * sees literals recur (each endpoint is called many times) where early on
   * a few calls to different literals look like different values. Call it
   * before handing aggregates on (the Analyzer does, in drain()).
   */
  settle(): void {
    this.fast.clear();
    this.newLiterals = 0;
    this.crowded = false;
    for (const [host, root] of this.roots) this.rejudge(host, root, 0);
  }

  /** Response shape → cluster id: same top-level keys (Jaccard ≥ 0.6) → same cluster. */
  clusterOf(ev: TemplateEvidence): string {
    return shapeCluster(ev, this.clusters, this.reps);
  }

  /** Adds the template for a path that matched nothing known, reusing what prefix exists. */
  private learn(root: TrieNode, w: Walk): TrieNode[] {
    this.fast.clear();
    const steps: TrieNode[] = [];
    let node = root;
    for (let i = 0; i < w.segs.length; i++) {
      const seg = w.segs[i]!;
      const kind = w.treeKind(i);
      const lit = node.literals.get(seg);
      if (lit) {
        node = lit;
        steps.push(node);
        continue;
      }
      const slot = node.params.find((p) => fitsSuffix(p, w, i) && acceptsAt(p, w, i));
      if (slot) {
        node = slot.node;
        steps.push(node);
        continue;
      }
      if (kind === 'literal') {
        node = this.literalChild(node, seg, !isReservedWord(seg));
        steps.push(node);
        continue;
      }
      const same = node.params.find((p) => p.suffix === w.suffixes[i] && !p.prefix);
      if (same) {
        // A slot of another family (e.g. dates beside ids): keep this value literal rather than mixing.
        node = this.literalChild(node, seg, false);
        steps.push(node);
        continue;
      }
      const fam = familyOf(kind);
      const name = paramNameFor(typeof node.edge === 'string' ? node.edge : undefined, takenAbove(node), kind);
      node = this.newSlot(node, name, new Set(fam ?? [kind]), false, w.suffixes[i]!).node;
      steps.push(node);
    }
    node.terminal = true;
    return steps;
  }

  /**
   * Records the evidence of one request along its path (decided on in settle()).
   */
  private observe(w: Walk, steps: TrieNode[]): void {
    for (let i = 0; i < steps.length; i++) {
      const node = steps[i]!;
      const parent = node.parent!;
      if (typeof node.edge !== 'string') {
        // Through a word parameter: remember what follows it, so new words can be routed here.
        const slot = node.edge!;
        if (slot.words && !slot.declared && node.hits < SETTLED) {
          node.hits++;
          bumpEv(node, w.key(i));
          bumpCk(node, w.coarseKey(i));
        }
        continue;
      }
      if (!node.word || node.hits >= SETTLED) continue;
      // Plainly a literal (called again and again the same way): stop collecting evidence for it.
      if (node.hits >= LITERAL_AFTER && !valueLike(node)) {
        node.hits = SETTLED;
        continue;
      }
      node.hits++;
      const mk = w.mask();
      if (mk) {
        if (!node.mask) node.mask = mk.slice();
        else for (let j = 0; j < 4; j++) node.mask[j]! |= mk[j]!;
      }
      if (!node.dk || node.dk.size < DISTINCT_MAX) (node.dk ??= new Set()).add(w.concrete(i));
      const ck = w.coarseKey(i);
      const nc = bumpCk(node, ck);
      if (nc <= CAP) addKid((parent.ckids ??= new Map()), ck, node.edge, nc);
      const key = w.key(i);
      const n = bumpEv(node, key);
      if (n <= CAP) addKid((parent.kids ??= new Map()), key, node.edge, n);
    }
  }

  /** Decides whether the children sharing one evidence key are values of one parameter; true when some were merged. */
  private judge(host: string, parent: TrieNode, key: string, kids: Map<string, number>): boolean {
    const weak = key.endsWith(`\u0001${WEAK}`);
    let merged = false;
    // A word beside a word parameter, seen with a continuation the parameter has: one more value.
    // All such words of the group at once.
    if (!weak && parent.params.length) {
      const bySlot = new Map<ParamSlot, string[]>();
      for (const [name, n] of kids) {
        if (n > 2) continue;
        const child = parent.literals.get(name);
        if (!child || !valueLike(child)) continue;
        const slot = wordSlotFor(parent, name);
        if (!slot?.node.ev?.has(key)) continue;
        let list = bySlot.get(slot);
        if (!list) bySlot.set(slot, (list = []));
        list.push(name);
      }
      for (const names of bySlot.values()) {
        this.collapse(host, parent, names);
        merged = true;
      }
      if (kids.size === 0) return merged;
    }
    const first = [...kids.keys()].find((k) => parent.literals.get(k)?.word);
    if (first === undefined) return merged;
    const wordSlot = wordSlotFor(parent, first);
    // Values already merged into the parameter count as evidence too (each about once).
    const pc = wordSlot ? Math.min(CAP, wordSlot.node.ev?.get(key) ?? 0) : 0;
    let m = pc;
    let h = pc;
    for (const [name, c] of kids) {
      const child = parent.literals.get(name);
      if (!child || !valueLike(child)) continue;
      m++;
      h += c;
    }
    const minM = weak ? this.minSiblings + 1 : this.minSiblings;
    const minRatio = weak ? 0.75 : 0.6;
    const over = parent.literals.size > MAX_LITERALS;
    if (!over && (m < minM || h < minM + 1 || m / h < minRatio)) return merged;
    const names = [...kids.keys()].filter((n) => {
      const c = parent.literals.get(n);
      return c !== undefined && (over ? c.word && c.hits <= CAP : valueLike(c));
    });
    if (names.length < 2) return merged;
    this.collapse(host, parent, names);
    return true;
  }

  /**
   * Words seen about once each on one continuation (rest of the path and method), whose responses are
   * alike though not in one shape class (optional keys come and go): values of one parameter.
   */
  private judgeLoose(host: string, parent: TrieNode, ck: string, kids: Map<string, number>): boolean {
    if (kids.size < 2) return false;
    const names: string[] = [];
    let h = 0;
    for (const [name, n] of kids) {
      const c = parent.literals.get(name);
      if (!c || n > 2 || !valueLike(c)) continue;
      names.push(name);
      h += n;
    }
    if (names.length < 2) return false;
    const slot = wordSlotFor(parent, names[0]!);
    const pc = slot ? Math.min(CAP, slot.node.ck?.get(ck) ?? 0) : 0;
    const m = names.length + pc;
    h += pc;
    if (m < this.minSiblings + 1 || m / h < 0.75) return false;
    if (!alikeShapes(names.map((n) => parent.literals.get(n)!), names.length)) return false;
    this.collapse(host, parent, names);
    return true;
  }

  /** Merges literal children `names` of `parent` into its word parameter (made or widened here). */
  private collapse(host: string, parent: TrieNode, names: string[], prefix = ''): void {
    const suffix = prefix ? '' : commonSuffix(names);
    let slot = parent.params.find((p) => p.suffix === suffix && p.prefix === prefix && !p.declared);
    if (!slot) {
      const name = prefix ? uniqueIn('format', takenAbove(parent)) : wordParamName(typeof parent.edge === 'string' ? parent.edge : undefined, takenAbove(parent));
      slot = this.newSlot(parent, name, new Set(WORD_KINDS), true, suffix, prefix);
    } else if (!slot.words) {
      slot.words = true;
      for (const k of WORD_KINDS) slot.accepts?.add(k);
    }
    // Templates under the merged children, before and after.
    const moved: Array<{ from: string; rel: Array<string | ParamSlot> }> = [];
    for (const name of names) {
      const child = parent.literals.get(name);
      if (!child) continue;
      collectTerminals(child, [], (n, rel) => moved.push({ from: templateOf(n), rel }));
      parent.literals.delete(name);
      union(slot.node, child);
      forget(parent.kids, name);
      forget(parent.ckids, name);
    }
    const byInto = new Map<string, Set<string>>();
    for (const { from, rel } of moved) {
      const n = follow(slot.node, rel);
      if (!n) continue;
      const into = templateOf(n);
      if (into === from) continue;
      let set = byInto.get(into);
      if (!set) byInto.set(into, (set = new Set()));
      set.add(from);
    }
    for (const [into, from] of byInto) this.merges.push({ host, from: [...from].sort(), into });
    // Deeper levels (e.g. repository names under owners) are judged after this level is done
    // (rejudge recurses): a half-merged subtree would make literals look like values.
  }

  private rejudge(host: string, node: TrieNode, depth: number): void {
    if (depth > 32) return;
    // Each merge may make more words beside the parameter look like its values: again until nothing changes.
    let again = true;
    for (let pass = 0; again && pass < 8 && node.kids; pass++) {
      again = false;
      for (const [key, kids] of node.kids) if (this.judge(host, node, key, kids)) again = true;
    }
    if (node.ckids) for (const [ck, kids] of node.ckids) this.judgeLoose(host, node, ck, kids);
    // Many words, each seen about once per continuation, and few hits per word: a value position
    // even when no single continuation had enough of them (sparse traffic over many endpoints).
    // Fewer such words will do when their responses are alike (the same resource), however their calls spread.
    const poolMin = Math.min(POOL_MIN, this.minSiblings + 2);
    if (node.literals.size >= poolMin) {
      const vs: string[] = [];
      let hits = 0;
      let words = 0;
      for (const [name, c] of node.literals) {
        if (!c.word) continue;
        words++;
        if (valueLike(c) && c.hits <= 2 * c.ev!.size) {
          vs.push(name);
          hits += c.hits;
        }
      }
      if (vs.length >= poolMin && vs.length >= 0.6 * words && vs.length >= 0.4 * hits) {
        if (vs.length >= POOL_MIN || alikeShapes(vs.map((n) => node.literals.get(n)!), vs.length)) this.collapse(host, node, vs);
      }
    }
    // Words left beside a word parameter whose continuations are mostly the parameter's: more values.
    // One resource in several formats: "lists.json", "lists.jsonp" → "lists.{format}" (NYT Books, Box thumbnails).
    if (node.literals.size >= 2) {
      const byStem = new Map<string, string[]>();
      for (const name of node.literals.keys()) {
        const m = FORMAT_EXT.exec(name);
        if (!m || !node.literals.get(name)!.word) continue;
        const stem = name.slice(0, m.index + 1);
        let list = byStem.get(stem);
        if (!list) byStem.set(stem, (list = []));
        list.push(name);
      }
      for (const [stem, names] of byStem) if (names.length >= 2) this.collapse(host, node, names, stem);
    }
    const slot = node.params.find((p) => p.words && !p.declared && p.suffix === '' && !p.prefix);
    if (slot?.node.ev && node.literals.size) {
      const pev = slot.node.ev;
      const join: string[] = [];
      for (const [name, c] of node.literals) {
        // Learned from the catalog (no evidence of its own) and shaped like the parameter's subtree: the same endpoint.
        if (c.word && !c.ev && within(c, slot.node)) {
          join.push(name);
          continue;
        }
        if (!c.word || !c.ev) continue;
        if (valueLike(c) && c.ev.size >= 2) {
          let shared = 0;
          for (const k of c.ev.keys()) if (pev.has(k)) shared++;
          if (shared >= 0.5 * c.ev.size) {
            join.push(name);
            continue;
          }
        }
        if (sameEndpoints(c, slot.node)) join.push(name);
      }
      if (join.length) this.collapse(host, node, join);
    }
    for (const child of node.literals.values()) this.rejudge(host, child, depth + 1);
    for (const p of node.params) this.rejudge(host, p.node, depth + 1);
    // Again once the levels below are decided (keys at two or three levels in a row): a word left beside the
    // parameter whose endpoints the parameter's subtree now has joins it, and what came with it is decided there.
    const after = node.params.find((p) => p.words && !p.declared && p.suffix === '' && !p.prefix);
    if (after?.node.ck && node.literals.size) {
      const join: string[] = [];
      for (const [name, c] of node.literals) if (c.word && c.ev && sameEndpoints(c, after.node)) join.push(name);
      if (join.length) {
        this.collapse(host, node, join);
        this.rejudge(host, after.node, depth + 1);
      }
    }
  }

  private literalChild(node: TrieNode, seg: string, word: boolean): TrieNode {
    let next = node.literals.get(seg);
    if (!next) {
      next = new TrieNode();
      next.parent = node;
      next.edge = seg;
      next.word = word;
      node.literals.set(seg, next);
      if (word) {
        this.newLiterals++;
        if (node.literals.size > MAX_LITERALS) this.crowded = true;
      }
    }
    return next;
  }

  private newSlot(node: TrieNode, name: string, accepts: Set<SegmentKind> | undefined, words: boolean, suffix: string, prefix = ''): ParamSlot {
    const slot: ParamSlot = { name, accepts, words, suffix, prefix, node: new TrieNode(), declared: false };
    slot.node.parent = node;
    slot.node.edge = slot;
    node.params.push(slot);
    return slot;
  }

  private root(host: string): TrieNode {
    let r = this.roots.get(host);
    if (!r) this.roots.set(host, (r = new TrieNode()));
    return r;
  }
}

/**
 * A child that behaves like a value: a word whose requests spread over many
 * continuations, about once each. A literal (a collection, an action) is
 * called again and again the same way: many hits per continuation.
 */
function valueLike(c: TrieNode): boolean {
  if (!c.word || c.ev === undefined) return false;
  const distinct = c.dk && c.dk.size < DISTINCT_MAX ? c.dk.size : Infinity;
  return c.hits <= VALUE_HITS_PER_KEY * Math.min(c.ev.size, distinct);
}

function bumpCk(node: TrieNode, key: string): number {
  const ck = (node.ck ??= new Map());
  const n = (ck.get(key) ?? 0) + 1;
  if (n <= CAP + 1 && (ck.size < MAX_KEYS || ck.has(key))) ck.set(key, n);
  return n;
}

function addKid(groups: Map<string, Map<string, number>>, key: string, name: string, n: number): void {
  let kids = groups.get(key);
  if (!kids) {
    if (groups.size >= MAX_KEYS) return;
    groups.set(key, (kids = new Map()));
  }
  kids.set(name, n);
}

function bumpEv(node: TrieNode, key: string): number {
  const ev = (node.ev ??= new Map());
  const n = (ev.get(key) ?? 0) + 1;
  if (n <= CAP + 1 && (ev.size < MAX_KEYS || ev.has(key))) ev.set(key, n);
  return n;
}

/**
 * The responses of these words are alike: at least half of them said something, and most pairs of
 * those share most keys (top level and one level down), optional keys coming and going.
 */
function alikeShapes(words: TrieNode[], n: number): boolean {
  const masks: number[][] = [];
  for (const c of words) if (c.mask) masks.push(c.mask);
  if (masks.length < Math.max(2, n / 2)) return false;
  let pairs = 0;
  let alike = 0;
  for (let i = 0; i < masks.length; i++) {
    for (let j = i + 1; j < masks.length; j++) {
      pairs++;
      if (maskSimilarity(masks[i]!, masks[j]!) >= 0.5) alike++;
    }
  }
  return alike >= 0.8 * pairs;
}

/** The word parameter beside literal `name` that it could be a value of. */
function wordSlotFor(parent: TrieNode, name: string): ParamSlot | undefined {
  return parent.params.find((p) => p.words && !p.declared && !p.prefix && (p.suffix === '' || p.suffix === suffixOf(name)));
}

/** A slot with a fixed suffix takes segments with that suffix; one without takes the whole segment. */
function fitsSuffix(p: ParamSlot, w: Walk, i: number): boolean {
  if (p.prefix) {
    const seg = w.segs[i]!;
    return seg.length > p.prefix.length && seg.startsWith(p.prefix) && !seg.includes('.', p.prefix.length);
  }
  return p.suffix === w.suffixes[i] || (p.suffix === '' && p.words);
}

const TEMPLATE_SEG = /^([^{]*)\{([^}]+)\}(.*)$/;
const FORMAT_EXT = /\.(json|jsonp|xml|csv|tsv|txt|html?|ya?ml|pdf|png|jpe?g|gif|svg|webp|rss|atom)$/i;

function uniqueIn(base: string, taken: ReadonlySet<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

function suffixOf(seg: string): string {
  const m = /\.(json|xml|csv|txt|html?|ya?ml|pdf|png|jpe?g|zip)$/i.exec(seg);
  return m ? m[0] : '';
}

function commonSuffix(names: string[]): string {
  const s = suffixOf(names[0] ?? '');
  return s && names.every((n) => n.endsWith(s) && n.length > s.length) ? s : '';
}

/** Can slot take segment i? Words only into a word slot, and only when what follows fits what it has seen. */
function acceptsAt(slot: ParamSlot, w: Walk, i: number): boolean {
  const kind = w.treeKind(i);
  if (slot.accepts === undefined) return true;
  if (slot.prefix) return true;
  if (kind !== 'literal') return slot.accepts.has(kind);
  if (!slot.words || isReservedWord(w.stems[i]!)) return false;
  if (slot.declared) return true;
  const n = slot.node;
  if (!n.ev || n.ev.size === 0) return true; // from the catalog, no evidence yet: a word parameter takes words
  if (!w.ev) return true;
  const cluster = w.clusterId();
  if (cluster === WEAK) return n.ck?.has(w.coarseKey(i)) ?? false;
  return n.ev.has(w.key(i));
}

/** Param names used above a node (for unique names). */
function takenAbove(node: TrieNode): Set<string> {
  const out = new Set<string>();
  for (let n: TrieNode | undefined = node; n; n = n.parent) if (n.edge && typeof n.edge !== 'string') out.add(n.edge.name);
  return out;
}

/** Depth-first match of a known template: literals before parameters, backtracking on dead ends. */
function match(node: TrieNode, w: Walk, i: number, acc: TrieNode[]): TrieNode[] | undefined {
  if (i === w.segs.length) return node.terminal ? acc.slice() : undefined;
  const lit = node.literals.get(w.segs[i]!);
  if (lit) {
    acc.push(lit);
    const r = match(lit, w, i + 1, acc);
    acc.pop();
    if (r) return r;
  }
  for (const p of node.params) {
    if (!fitsSuffix(p, w, i) || !acceptsAt(p, w, i)) continue;
    acc.push(p.node);
    const r = match(p.node, w, i + 1, acc);
    acc.pop();
    if (r) return r;
  }
  return undefined;
}

function union(dst: TrieNode, src: TrieNode): void {
  dst.terminal ||= src.terminal;
  dst.hits += src.hits;
  if (src.ev) {
    const ev = (dst.ev ??= new Map());
    for (const [k, n] of src.ev) ev.set(k, Math.min(CAP + 1, (ev.get(k) ?? 0) + n));
  }
  if (src.ck) {
    const ck = (dst.ck ??= new Map());
    for (const [k, n] of src.ck) ck.set(k, Math.min(CAP + 1, (ck.get(k) ?? 0) + n));
  }
  if (src.dk) for (const k of src.dk) if ((dst.dk ??= new Set()).size < DISTINCT_MAX) dst.dk.add(k);
  if (src.mask) {
    if (!dst.mask) dst.mask = src.mask.slice();
    else for (let j = 0; j < 4; j++) dst.mask[j]! |= src.mask[j]!;
  }
  if (src.kids) unionKids((dst.kids ??= new Map()), src.kids);
  if (src.ckids) unionKids((dst.ckids ??= new Map()), src.ckids);
  for (const [name, s] of src.literals) {
    const d = dst.literals.get(name);
    if (!d) {
      dst.literals.set(name, s);
      s.parent = dst;
    } else union(d, s);
  }
  for (const sp of src.params) {
    const dp = dst.params.find((p) => p.suffix === sp.suffix && p.prefix === sp.prefix);
    if (!dp) {
      dst.params.push(sp);
      sp.node.parent = dst;
    } else {
      if (dp.accepts && sp.accepts) for (const k of sp.accepts) dp.accepts.add(k);
      else if (!sp.accepts) dp.accepts = undefined;
      dp.words ||= sp.words;
      union(dp.node, sp.node);
    }
  }
}

function forget(groups: Map<string, Map<string, number>> | undefined, name: string): void {
  if (!groups) return;
  for (const [k, kids] of groups) {
    kids.delete(name);
    if (kids.size === 0) groups.delete(k);
  }
}

function unionKids(dst: Map<string, Map<string, number>>, src: Map<string, Map<string, number>>): void {
  for (const [k, m] of src) {
    let d = dst.get(k);
    if (!d) dst.set(k, (d = new Map()));
    for (const [name, n] of m) d.set(name, Math.min(CAP + 1, (d.get(name) ?? 0) + n));
  }
}

function collectTerminals(node: TrieNode, rel: Array<string | ParamSlot>, f: (n: TrieNode, rel: Array<string | ParamSlot>) => void): void {
  if (node.terminal) f(node, rel.slice());
  for (const [name, c] of node.literals) {
    rel.push(name);
    collectTerminals(c, rel, f);
    rel.pop();
  }
  for (const p of node.params) {
    rel.push(p);
    collectTerminals(p.node, rel, f);
    rel.pop();
  }
}

/**
 * A word whose every call went to an endpoint the parameter beside it has (the same paths below it,
 * with the same methods), about once per endpoint: one more value of the parameter, even when its few
 * calls answered with other shapes or with none (Docker POST /plugins/{name}/enable, /push, /set…).
 * A literal beside the parameter is called again and again: many calls per endpoint.
 */
function sameEndpoints(c: TrieNode, param: TrieNode): boolean {
  if (!c.ck || !param.ck) return false;
  if (c.hits > VALUE_HITS_PER_KEY * Math.max(c.ck.size, 2)) {
    // Cheap bound first: more calls than its continuations could explain even with many endpoints below it.
    let n = 0;
    collectTerminals(c, [], () => n++);
    if (c.hits > VALUE_HITS_PER_KEY * Math.max(n, c.ck.size)) return false;
  }
  for (const k of c.ck.keys()) if (!param.ck.has(k)) return false;
  let all = true;
  let any = false;
  collectTerminals(c, [], (_, rel) => {
    any = true;
    if (all && !covered(param, rel)) all = false;
  });
  return any && all;
}

/** A path below `node` that matches an endpoint there: literals by name or by a word parameter, parameters by their slot. */
function covered(node: TrieNode, rel: Array<string | ParamSlot>, i = 0): boolean {
  if (i === rel.length) return node.terminal;
  const e = rel[i]!;
  if (typeof e === 'string') {
    const lit = node.literals.get(e);
    if (lit && covered(lit, rel, i + 1)) return true;
    for (const p of node.params) if (p.words && !p.prefix && (p.suffix === '' || p.suffix === suffixOf(e)) && covered(p.node, rel, i + 1)) return true;
    return false;
  }
  const p = node.params.find((q) => q.suffix === e.suffix && q.prefix === e.prefix);
  return p !== undefined && covered(p.node, rel, i + 1);
}

/** Every template under `a` exists under `b` too. */
function within(a: TrieNode, b: TrieNode): boolean {
  let all = true;
  let any = false;
  collectTerminals(a, [], (_, rel) => {
    any = true;
    if (!follow(b, rel)?.terminal) all = false;
  });
  return any && all;
}

function follow(node: TrieNode, rel: Array<string | ParamSlot>): TrieNode | undefined {
  let n: TrieNode | undefined = node;
  for (const e of rel) {
    if (!n) return undefined;
    if (typeof e === 'string') n = n.literals.get(e);
    else n = n.params.find((p) => p.suffix === e.suffix && p.prefix === e.prefix)?.node;
  }
  return n;
}

/** The template string of a tree node (the same one `build` gives for a path ending there). */
function templateOf(node: TrieNode): string {
  const edges: Array<string | ParamSlot> = [];
  for (let n: TrieNode | undefined = node; n && n.edge !== undefined; n = n.parent) edges.push(n.edge);
  edges.reverse();
  const used = new Set<string>();
  return '/' + edges.map((e) => (typeof e === 'string' ? e : `${e.prefix}{${uniqueName(e.name, used)}}${e.suffix}`)).join('/');
}

function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}${n}`; // OpenAPI wants unique names per path
  used.add(name);
  return name;
}

const FAST_MAX = 50_000;

/**
 * A walk of the tree that another path of the same skeleton would take
 * step for step, with nothing to record on the way — so its template can be
 * reused without walking. Only made when that is certain:
 * - every step was the first thing `match` tried (a literal child, or for an
 *   integer or UUID segment the first parameter slot taking that kind), so no
 *   other branch and no response evidence had a say;
 * - the integer and UUID segments went into parameter slots (not a literal
 *   such as a version "2");
 * - `observe` records nothing on these nodes any more (settled literals,
 *   typed slots).
 * A new value still checks that its parent has no literal child of that name.
 */
class FastWalk {
  private constructor(
    private readonly template: string,
    /** Per parameter: the hole it takes its value from (index into the skeleton's holes), or -1 and its fixed value. */
    private readonly params: Array<{ name: string; kind: SegmentKind; hole: number; value: string }>,
    /** Per hole: the node whose literal children a value must not name. */
    private readonly parents: TrieNode[],
    /** The host and skeleton it was made for (a digest only says a path may share it). */
    private readonly host: string,
    private readonly literals: LiteralRuns,
  ) {}

  static of(root: TrieNode, w: Walk, steps: TrieNode[], r: TemplateResult, host: string, path: string, sk: Skeleton): FastWalk | undefined {
    const holeAt = new Map<number, number>();
    for (let h = 0; h < sk.holes.length; h += HOLE_STRIDE) holeAt.set(sk.holes[h]!, h / HOLE_STRIDE);
    const parents: Array<TrieNode | undefined> = new Array(sk.holes.length / HOLE_STRIDE);
    const params: Array<{ name: string; kind: SegmentKind; hole: number; value: string }> = [];
    let p = 0;
    for (let i = 0; i < steps.length; i++) {
      const node = steps[i]!;
      const parent = i === 0 ? root : steps[i - 1]!;
      const e = node.edge!;
      const hole = holeAt.get(i);
      if (typeof e === 'string') {
        if (hole !== undefined) return undefined;
        if (node.word && node.hits < SETTLED) return undefined;
        continue;
      }
      if (e.words && !e.declared && node.hits < SETTLED) return undefined;
      if (w.treeKind(i) === 'literal' || parent.literals.has(w.segs[i]!)) return undefined;
      if (parent.params.find((s) => fitsSuffix(s, w, i) && acceptsAt(s, w, i)) !== e) return undefined;
      const got = r.params[p++]!;
      if (hole !== undefined) parents[hole] = parent;
      params.push({ name: got.name, kind: got.kind, hole: hole ?? -1, value: got.value });
    }
    for (const x of parents) if (!x) return undefined;
    return new FastWalk(r.template, params, parents as TrieNode[], host, new LiteralRuns(path, sk));
  }

  apply(host: string, path: string, sk: Skeleton): TemplateResult | undefined {
    if (host !== this.host || !this.literals.match(path, sk)) return undefined;
    const holes = sk.holes;
    // every hole is one parameter's value
    const params: TemplateResult['params'] = new Array(this.params.length);
    for (let i = 0; i < params.length; i++) {
      const q = this.params[i]!;
      const value = q.hole < 0 ? q.value : path.slice(holes[q.hole * HOLE_STRIDE + 1]!, holes[q.hole * HOLE_STRIDE + 2]!);
      if (q.hole >= 0) {
        const literals = this.parents[q.hole]!.literals;
        if (literals.size > 0 && literals.has(value)) return undefined;
      }
      params[i] = { name: q.name, value, kind: q.kind };
    }
    return { template: this.template, params };
  }
}

function build(w: Walk, steps: TrieNode[]): TemplateResult {
  const params: TemplateResult['params'] = [];
  const used = new Set<string>();
  const parts = steps.map((node, i) => {
    const e = node.edge!;
    if (typeof e === 'string') return e;
    const name = uniqueName(e.name, used);
    const seg = w.segs[i]!;
    let value = e.suffix && seg.endsWith(e.suffix) ? seg.slice(0, seg.length - e.suffix.length) : seg;
    if (e.prefix && value.startsWith(e.prefix)) value = value.slice(e.prefix.length);
    params.push({ name, value, kind: w.kinds[i]! });
    return `${e.prefix}{${name}}${e.suffix}`;
  });
  return { template: '/' + parts.join('/'), params };
}
