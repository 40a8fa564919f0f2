import type { ConsumerObservation } from '@overhear/model';

type Kind = ConsumerObservation['kind'];

interface Count {
  id: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

const same = (key: string): string => key;

/** Computes a caller's id from its key and a detail of how it was found (a credential's kind). */
export type IdOf<A> = (key: string, arg: A) => string;

/**
 * Distinct callers of one endpoint and how often each called, bounded to
 * `max` (beyond it new callers are not counted; known ones still are).
 * Keyed per kind by what identifies the caller in memory: the id itself for
 * addresses and user-agent families, the raw credential for credentials —
 * whose id (a keyed hash) is computed once when the caller is admitted, not
 * on every request. Only ids leave (`list`).
 */
export class ConsumerCounts {
  private readonly byKind: Record<Kind, Map<string, Count>> = { 'client-ip': new Map(), 'user-agent': new Map(), credential: new Map() };
  size = 0;

  constructor(private readonly max: number) {}

  add<A>(kind: Kind, key: string, t: number, idOf: IdOf<A> = same, arg?: A): void {
    const m = this.byKind[kind];
    const c = m.get(key);
    if (c) {
      c.count++;
      if (t < c.firstSeen) c.firstSeen = t;
      if (t > c.lastSeen) c.lastSeen = t;
    } else if (this.size < this.max) {
      m.set(key, { id: idOf(key, arg as A), count: 1, firstSeen: t, lastSeen: t });
      this.size++;
    }
  }

  absorb(o: ConsumerCounts): void {
    for (const kind of Object.keys(o.byKind) as Kind[]) {
      const mine = this.byKind[kind];
      for (const [key, c] of o.byKind[kind]) {
        const d = mine.get(key);
        if (d) {
          d.count += c.count;
          d.firstSeen = Math.min(d.firstSeen, c.firstSeen);
          d.lastSeen = Math.max(d.lastSeen, c.lastSeen);
        } else if (this.size < this.max) {
          mine.set(key, { ...c });
          this.size++;
        }
      }
    }
  }

  /** By kind and id: two tokens of one JWT subject are one caller. */
  list(): ConsumerObservation[] {
    const out = new Map<string, ConsumerObservation>();
    for (const kind of Object.keys(this.byKind) as Kind[]) {
      for (const c of this.byKind[kind].values()) {
        const k = `${kind}\u0000${c.id}`;
        const o = out.get(k);
        if (!o) out.set(k, { kind, id: c.id, count: c.count, firstSeen: c.firstSeen, lastSeen: c.lastSeen });
        else {
          o.count += c.count;
          o.firstSeen = Math.min(o.firstSeen, c.firstSeen);
          o.lastSeen = Math.max(o.lastSeen, c.lastSeen);
        }
      }
    }
    return [...out.values()];
  }
}
