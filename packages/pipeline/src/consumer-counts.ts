import type { ConsumerObservation } from '@overhear/model';
import { hash53 } from './string-hash.js';

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
  private readonly byKind: { 'client-ip': Map<string, Count>; 'user-agent': Map<string, Count>; credential: Map<number, Count> } = {
    'client-ip': new Map(),
    'user-agent': new Map(),
    credential: new Map(),
  };
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
    const key = hash53(value);
    const c = this.byKind.credential.get(key);
    if (c) seen(c, t);
    else if (this.size < this.max) {
      this.byKind.credential.set(key, { id: idOf(value, arg), count: 1, firstSeen: t, lastSeen: t });
      this.size++;
    }
  }

  absorb(o: ConsumerCounts): void {
    for (const kind of Object.keys(o.byKind) as Kind[]) {
      const mine = this.byKind[kind] as Map<unknown, Count>;
      for (const [key, c] of o.byKind[kind] as Map<unknown, Count>) {
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

function seen(c: Count, t: number): void {
  c.count++;
  if (t < c.firstSeen) c.firstSeen = t;
  if (t > c.lastSeen) c.lastSeen = t;
}
