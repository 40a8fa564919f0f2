/**
 * Names a path parameter from the literal segment before it:
 * /orders/{orderId}, /categories/{categoryId}, /v1/track/{trackId}.
 */
export function paramNameFor(previousLiteral: string | undefined, taken: ReadonlySet<string>, kind?: string): string {
  let base = 'id';
  if (kind === 'date' || kind === 'datetime') base = 'date';
  else if (previousLiteral && /^[A-Za-z][A-Za-z0-9_-]*$/.test(previousLiteral) && !/^v\d+$/i.test(previousLiteral)) {
    base = `${camel(singular(previousLiteral))}Id`;
  }
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

function singular(word: string): string {
  const w = word;
  if (/ies$/i.test(w) && w.length > 4) return w.slice(0, -3) + 'y';
  if (/(ss|us|is)$/i.test(w)) return w;
  if (/(xes|ches|shes|sses)$/i.test(w)) return w.slice(0, -2);
  if (/s$/i.test(w) && w.length > 3) return w.slice(0, -1);
  return w;
}

function camel(word: string): string {
  const parts = word.split(/[-_]+/).filter(Boolean);
  return parts.map((p, i) => (i === 0 ? p.charAt(0).toLowerCase() + p.slice(1) : p.charAt(0).toUpperCase() + p.slice(1))).join('');
}

/** Names a parameter made from word values: /users/{user}, /repos/{repo}; `name` when nothing precedes it. */
export function wordParamName(previousLiteral: string | undefined, taken: ReadonlySet<string>): string {
  let base = 'name';
  if (previousLiteral && /^[A-Za-z][A-Za-z0-9_-]*$/.test(previousLiteral) && !/^v\d+$/i.test(previousLiteral)) base = camel(singular(previousLiteral));
  if (base === previousLiteral) base = `${base}Name`; // "/data/{data}" reads badly
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  return name;
}
