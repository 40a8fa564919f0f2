/**
 * A small set of names, tested without hashing the name asked about: by
 * length, then by comparison with the few names of that length. Names read
 * from traffic are fresh strings, and hashing one (what `Set.has` does first)
 * costs ~100 ns, more than comparing it with a handful of candidates.
 */
export class NameSet {
  private readonly byLength: Array<string[] | undefined> = [];

  constructor(names: Iterable<string>) {
    for (const n of names) (this.byLength[n.length] ??= []).push(n);
  }

  has(name: string): boolean {
    const list = this.byLength[name.length];
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) if (list[i] === name) return true;
    return false;
  }

  /** `has` ignoring case (the set's names are lower-case); lower-cases only names of a length in the set. */
  hasIgnoringCase(name: string): boolean {
    return this.byLength[name.length] !== undefined && this.has(name.toLowerCase());
  }
}
