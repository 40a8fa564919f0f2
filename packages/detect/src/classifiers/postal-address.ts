/**
 * Postal addresses, by field name plus shape: letters and a number, two or
 * more words, none of the shapes of other values (URLs, emails, IPs, hex ids).
 */

export function looksLikePostalAddress(value: string): boolean {
  const n = value.length;
  if (n < 6 || n > 300) return false;
  if (value.indexOf('://') >= 0 || value.indexOf('@') >= 0) return false;
  if (!/\s/.test(value)) return false;
  let digits = 0;
  let letters = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) letters++;
  }
  if (letters < 3) return false;
  // A house number, a postcode or a PO box number: addresses almost always carry one.
  if (digits === 0) return /\b(street|st\.?|road|rd\.?|avenue|ave\.?|lane|ln\.?|drive|dr\.?|strasse|straße|rue|via|calle|platz|weg|way|court|place|boulevard|blvd)\b/i.test(value);
  return digits <= letters * 2;
}
