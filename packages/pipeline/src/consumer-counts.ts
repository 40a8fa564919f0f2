import type { ConsumerObservation } from '@overhear/model';
import { hashParts, partA, partB } from './string-hash.js';

type Kind = ConsumerObservation['kind'];

interface Count {
  id: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/** A credential's count, with the half of its value's hash that is not its key. */
interface CredentialCount extends Count {
  check: number;
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
    else if (this.size < this.max) this.admit(partA >>> 2, { id: idOf(value, arg), count: 1, firstSeen: t, lastSeen: t, check: partB });
  }

  /**
   * Credentials by one half of the value's hash (a small integer: a 53-bit
   * number key would be boxed on every lookup), told apart within a bucket by
   * the other half. A bucket nearly always holds one.
   */
  private readonly credentials = new Map<number, CredentialCount[]>();

  private credential(key: number, check: number): CredentialCount | undefined {
    const bucket = this.credentials.get(key);
    if (bucket !== undefined) for (let i = 0; i < bucket.length; i++) if (bucket[i]!.check === check) return bucket[i];
    return undefined;
  }

  private admit(key: number, c: CredentialCount): void {
    const bucket = this.credentials.get(key);
    if (bucket) bucket.push(c);
    else this.credentials.set(key, [c]);
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
    for (const [key, bucket] of o.credentials) {
      for (const c of bucket) {
        const d = this.credential(key, c.check);
        if (d) merge(d, c);
        else if (this.size < this.max) this.admit(key, { ...c });
      }
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
    for (const bucket of this.credentials.values()) for (const c of bucket) put('credential', c);
    return [...out.values()];
  }
}

/** One more sighting, at time `t`, of something counted with its first and last sighting. */
export function seen(c: { count: number; firstSeen: number; lastSeen: number }, t: number): void {
  c.count++;
  if (t < c.firstSeen) c.firstSeen = t;
  if (t > c.lastSeen) c.lastSeen = t;
}

function merge(d: Count, c: Count): void {
  d.count += c.count;
  d.firstSeen = Math.min(d.firstSeen, c.firstSeen);
  d.lastSeen = Math.max(d.lastSeen, c.lastSeen);
}
