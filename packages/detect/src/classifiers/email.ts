/**
 * Email addresses (RFC 5321 sizes, dot-atom local part, DNS domain with an
 * alphabetic or punycode TLD). Rejects look-alikes such as "logo@2x.png",
 * "pkg@1.2.3", "user@localhost" and "git@github.com:org/repo".
 */

const fileExtensions = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'js', 'mjs', 'css', 'map', 'json', 'html', 'htm', 'txt', 'pdf', 'woff', 'woff2', 'ttf', 'mp4', 'webm', 'xml']);

const localRe = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const labelRe = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isEmail(value: string): boolean {
  const n = value.length;
  if (n < 6 || n > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1 || at > 64 || at > n - 5) return false;
  if (value.indexOf('@') !== at) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!localRe.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) if (!labelRe.test(l)) return false;
  const tld = labels[labels.length - 1]!.toLowerCase();
  if (tld.startsWith('xn--')) return true;
  if (!/^[a-z]{2,24}$/.test(tld)) return false;
  if (fileExtensions.has(tld)) return false;
  // "icon@2x.png" already fails; "image@3x.webp" too. A first label like "2x" is a scale suffix.
  if (labels.length === 2 && /^\d+x$/i.test(labels[0]!)) return false;
  return true;
}
