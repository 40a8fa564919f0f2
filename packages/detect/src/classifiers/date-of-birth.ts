/**
 * Dates of birth: only under a birth-date field name, and only when the value
 * is a real calendar date (no 31 April, 29 February only in leap years) of a
 * plausible birth year (1900 to this year).
 */

const isoRe = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const slashRe = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;
const ymdSlashRe = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/;
const compactRe = /^(\d{4})(\d{2})(\d{2})$/;

export function isDateOfBirth(value: string, nowYear = new Date().getUTCFullYear()): boolean {
  const n = value.length;
  if (n < 8 || n > 35) return false;
  let m = isoRe.exec(value) ?? ymdSlashRe.exec(value) ?? compactRe.exec(value);
  if (m) return validDate(+m[1]!, +m[2]!, +m[3]!, nowYear);
  m = slashRe.exec(value);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    const y = +m[3]!;
    // Day-first (most of the world) or month-first (US): either reading may be the valid one.
    return validDate(y, b, a, nowYear) || validDate(y, a, b, nowYear);
  }
  return false;
}

export function validDate(y: number, mo: number, d: number, nowYear: number): boolean {
  if (y < 1900 || y > nowYear) return false;
  if (mo < 1 || mo > 12 || d < 1) return false;
  const dim = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  return d <= dim;
}
