import type { ConsumerObservation } from '@overhear/model';
import { hashParts, partA, partB } from './string-hash.js';

type Kind = ConsumerObservation['kind'];

interface Count {
  id: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Distinct callers of one endpoint and how often each called, bounded to
 * `max` (beyond it new callers are not counted; known ones still are).
 * Addresses and user-agent families are keyed by their id; credentials by a
 * hash of the raw value (see hash53), and their id (a keyed hash) is computed
 * once when the caller is admitted, not on every request. Only ids leave
 * (`list`).
 */
export class ConsumerCounts {
  private readonly byKind: { 'client-ip': Map<string, Count>; 'user-agent': Map<string, Count> } = { 'client-ip': new Map(), 'user-agent': new Map() };
  size = 0;

  constructor(private readonly max: number) {}

  add(kind: 'client-ip' | 'user-agent', id: string, t: number): void {
    const m = this.byKind[kind];
    const c = m.get(id);
    if (c) seen(c, t);
    else if (this.size < this.max) {
      m.set(id, { id, count: 1, firstSeen: t, lastSeen: t });
      this.size++;
    }
  }

  /** A request presenting credential `value` (raw, never kept); `idOf` names it when first admitted. */
  addCredential<A>(value: string, t: number, idOf: (value: string, arg: A) => string, arg: A): void {
    hashParts(value);
    const c = this.credential(partA >>> 2, partB);
    if (c) seen(c, t);
    else if (this.size < this.max) this.admit(partA >>> 2, partB, { id: idOf(value, arg), count: 1, firstSeen: t, lastSeen: t });
  }

  /**
   * Credentials are keyed by one half of the value's hash and checked against
   * the other (both small integers: a 53-bit number key would be boxed on
   * every lookup); two that share a key half go by both halves in `collided`.
   */
  private readonly credentials = new Map<number, Count & { check: number }>();
  private readonly collided = new Map<string, Count>();

  private credential(key: number, check: number): Count | undefined {
    const c = this.credentials.get(key);
    if (c === undefined || c.check === check) return c;
    return this.collided.get(`${key}:${check}`);
  }

  private admit(key: number, check: number, c: Count): void {
    if (this.credentials.has(key)) this.collided.set(`${key}:${check}`, c);
    else this.credentials.set(key, { ...c, check });
    this.size++;
  }

  absorb(o: ConsumerCounts): void {
    for (const kind of ['client-ip', 'user-agent'] as const) {
      const mine = this.byKind[kind];
      for (const [key, c] of o.byKind[kind]) {
        const d = mine.get(key);
        if (d) merge(d, c);
        else if (this.size < this.max) {
          mine.set(key, { ...c });
          this.size++;
        }
      }
    }
    const take = (key: number, check: number, c: Count): void => {
      const d = this.credential(key, check);
      if (d) merge(d, c);
      else if (this.size < this.max) this.admit(key, check, { id: c.id, count: c.count, firstSeen: c.firstSeen, lastSeen: c.lastSeen });
    };
    for (const [key, c] of o.credentials) take(key, c.check, c);
    for (const [k, c] of o.collided) {
      const [key, check] = k.split(':').map(Number) as [number, number];
      take(key, check, c);
    }
  }

  /** By kind and id: two tokens of one JWT subject are one caller. */
  list(): ConsumerObservation[] {
    const out = new Map<string, ConsumerObservation>();
    const put = (kind: Kind, c: Count): void => {
      const k = `${kind}\u0000${c.id}`;
      const o = out.get(k);
      if (!o) out.set(k, { kind, id: c.id, count: c.count, firstSeen: c.firstSeen, lastSeen: c.lastSeen });
      else merge(o, c);
    };
    for (const c of this.byKind['client-ip'].values()) put('client-ip', c);
    for (const c of this.byKind['user-agent'].values()) put('user-agent', c);
    for (const c of this.credentials.values()) put('credential', c);
    for (const c of this.collided.values()) put('credential', c);
    return [...out.values()];
  }
}

function seen(c: Count, t: number): void {
  c.count++;
  if (t < c.firstSeen) c.firstSeen = t;
  if (t > c.lastSeen) c.lastSeen = t;
}

function merge(d: Count, c: Count): void {
  d.count += c.count;
  d.firstSeen = Math.min(d.firstSeen, c.firstSeen);
  d.lastSeen = Math.max(d.lastSeen, c.lastSeen);
}
