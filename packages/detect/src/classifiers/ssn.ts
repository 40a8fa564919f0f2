/**
 * US Social Security numbers. SSA rules: area 001–899 except 666; group 01–99;
 * serial 0001–9999; plus numbers the SSA never issues or that are well-known
 * examples (078-05-1120 from a 1938 wallet insert, 219-09-9999 from an SSA leaflet).
 */

const neverIssued = new Set(['078051120', '219099999', '457555462', '123456789', '111111111', '333333333', '666666666', '999999999']);

/** "123-45-6789" (dashes, spaces or dots) always; nine bare digits only when `named` (the field name says SSN). */
export function isSsn(value: string, named: boolean): boolean {
  const n = value.length;
  let digits: string;
  if (n === 9) {
    if (!named || !/^\d{9}$/.test(value)) return false;
    digits = value;
  } else if (n === 11) {
    const m = /^(\d{3})([- .])(\d{2})\2(\d{4})$/.exec(value);
    if (!m) return false;
    digits = m[1]! + m[3]! + m[4]!;
  } else return false;
  return validSsnDigits(digits);
}

export function validSsnDigits(d: string): boolean {
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (group === 0 || serial === 0) return false;
  return !neverIssued.has(d);
}
