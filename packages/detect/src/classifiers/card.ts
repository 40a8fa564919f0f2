/** Payment card numbers: issuer range and length, then the Luhn checksum. */

export function luhn(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Issuer by IIN prefix, with the lengths that issuer uses; undefined when no known range fits. */
export function cardIssuer(digits: string): string | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  const c0 = digits[0];
  if (c0 === '4') return n === 13 || n === 16 || n === 19 ? 'visa' : undefined;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16 ? 'mastercard' : undefined;
  if (p2 === 34 || p2 === 37) return n === 15 ? 'amex' : undefined;
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) return n >= 16 && n <= 19 ? 'discover' : undefined;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19 ? 'jcb' : undefined;
  if (p4 === 2131 || p4 === 1800) return n === 15 ? 'jcb' : undefined;
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p4 === 3095) return n >= 14 && n <= 19 ? 'diners' : undefined;
  if (p2 === 62 || (p4 >= 8100 && p4 <= 8171)) return n >= 16 && n <= 19 ? 'unionpay' : undefined;
  if (p4 === 5019 || p4 === 4571) return n === 16 ? 'dankort' : undefined;
  if (p4 >= 2200 && p4 <= 2204) return n === 16 ? 'mir' : undefined;
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12 && n <= 19 ? 'maestro' : undefined;
  if (c0 === '1') return n === 15 ? 'uatp' : undefined;
  return undefined;
}

/**
 * A card number, bare or grouped by single spaces or dashes ("4242 4242 4242 4242").
 * Mixed separators, or groups that no card scheme prints, are rejected.
 */
export function isCardNumber(value: string): boolean {
  const n = value.length;
  if (n < 12 || n > 23) return false;
  const digits = stripGroups(value);
  if (digits === undefined || digits.length < 12 || digits.length > 19) return false;
  if (/^(\d)\1+$/.test(digits)) return false; // "0000 0000 0000 0000" passes Luhn
  return cardIssuer(digits) !== undefined && luhn(digits);
}

/** Digits of a bare or grouped number; groups as cards print them: 4 first, 4–6 in the middle, 1–6 last. */
function stripGroups(value: string): string | undefined {
  let sep = '';
  let out = '';
  let group = 0;
  let groups = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c >= '0' && c <= '9') {
      out += c;
      group++;
    } else if (c === ' ' || c === '-') {
      if (sep && c !== sep) return undefined;
      if (groups === 0 ? group !== 4 : group < 4 || group > 6) return undefined;
      sep = c;
      group = 0;
      groups++;
    } else return undefined;
  }
  if (sep && (group < 1 || group > 6)) return undefined;
  return out;
}

export function cardDigits(value: string): string {
  return value.replace(/[^0-9]/g, '');
}
