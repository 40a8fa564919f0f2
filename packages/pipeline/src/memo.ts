/**
 * The answer for `key`, from `m` or made by `make` and kept. `m` holds at
 * most `max` answers: it is emptied when full, so a flood of distinct keys
 * only costs recomputation, never memory.
 */
export function memo<K, V>(m: Map<K, V>, key: K, make: (key: K) => V, max = 10_000): V {
  let v = m.get(key);
  if (v === undefined) {
    if (m.size >= max) m.clear();
    m.set(key, (v = make(key)));
  }
  return v;
}
