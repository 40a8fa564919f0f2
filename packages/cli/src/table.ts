/** An aligned plain-text table; numbers right-aligned. No colour, so piping stays clean. */
export function table(headers: string[], rows: Array<Array<string | number>>, maxWidth: Record<number, number> = {}): string {
  const cells = rows.map((r) => r.map((c, i) => clip(String(c), maxWidth[i])));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

function clip(s: string, max: number | undefined): string {
  // Traffic-derived text may hold control characters; never let them reach the terminal.
  const clean = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
  return max && clean.length > max ? clean.slice(0, max - 1) + '…' : clean;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
