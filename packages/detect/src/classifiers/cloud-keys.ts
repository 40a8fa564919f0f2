/**
 * Cloud and SaaS credentials by their documented formats. Each format has a
 * fixed prefix, so values are bucketed by first character and only the
 * formats of that bucket are tried. Placeholders ("AKIAXXXXXXXXXXXXXXXX",
 * "…EXAMPLE", one character repeated) are rejected: they are documentation,
 * not credentials.
 */

export type KeyType =
  | 'aws-access-key'
  | 'stripe-key'
  | 'github-token'
  | 'slack-token'
  | 'google-api-key'
  | 'sendgrid-key'
  | 'twilio-key'
  | 'mailgun-key'
  | 'mailchimp-key'
  | 'openai-key'
  | 'private-key';

interface KeyFormat {
  type: KeyType;
  /** Characters the value can start with. */
  first: string;
  /** Length bounds checked before the regex. */
  min: number;
  max: number;
  re: RegExp;
  /** Part of the value that must look random (defaults to the whole match). */
  randomPart?: (v: string) => string;
}

const formats: KeyFormat[] = [
  // AWS access key ids: 4-char prefix + 16 base-32 characters.
  { type: 'aws-access-key', first: 'A', min: 20, max: 20, re: /^(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}$/, randomPart: (v) => v.slice(4) },
  { type: 'google-api-key', first: 'A', min: 39, max: 39, re: /^AIza[0-9A-Za-z_-]{35}$/, randomPart: (v) => v.slice(4) },
  // Twilio account SID (AC) and API key SID (SK): 32 lower-case hex.
  { type: 'twilio-key', first: 'AS', min: 34, max: 34, re: /^(?:AC|SK)[0-9a-f]{32}$/, randomPart: (v) => v.slice(2) },
  { type: 'sendgrid-key', first: 'S', min: 69, max: 69, re: /^SG\.[0-9A-Za-z_-]{22}\.[0-9A-Za-z_-]{43}$/, randomPart: (v) => v.slice(3) },
  // Stripe secret and restricted keys; publishable pk_ keys are public by design.
  { type: 'stripe-key', first: 'sr', min: 18, max: 255, re: /^(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,247}$/, randomPart: (v) => v.slice(8) },
  { type: 'github-token', first: 'g', min: 40, max: 40, re: /^gh[pousr]_[0-9A-Za-z]{36}$/, randomPart: (v) => v.slice(4) },
  { type: 'github-token', first: 'g', min: 93, max: 93, re: /^github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}$/, randomPart: (v) => v.slice(11) },
  // Slack bot/user/app/refresh/legacy tokens: "xox?-" then numeric ids and a random tail.
  { type: 'slack-token', first: 'x', min: 15, max: 255, re: /^xox[abposre]-(?:\d+-)+[0-9A-Za-z]{6,}$/, randomPart: (v) => v.slice(v.lastIndexOf('-') + 1) },
  { type: 'slack-token', first: 'x', min: 15, max: 255, re: /^xoxb-\d{8,14}-[0-9A-Za-z]{18,26}$/ },
  { type: 'slack-token', first: 'x', min: 20, max: 255, re: /^xapp-\d-[A-Z0-9]+-\d+-[0-9a-z]+$/ },
  { type: 'slack-token', first: 'h', min: 60, max: 200, re: /^https:\/\/hooks\.slack\.com\/(?:services|workflows)\/T[0-9A-Za-z_]+\/[A-Z0-9_]+\/[0-9A-Za-z]{16,}$/, randomPart: (v) => v.slice(v.lastIndexOf('/') + 1) },
  { type: 'mailgun-key', first: 'k', min: 36, max: 36, re: /^key-[0-9a-z]{32}$/, randomPart: (v) => v.slice(4) },
  { type: 'mailchimp-key', first: '0123456789abcdef', min: 35, max: 37, re: /^[0-9a-f]{32}-us\d{1,2}$/, randomPart: (v) => v.slice(0, 32) },
  // OpenAI: legacy "sk-" + 48, or project/service keys with the "T3BlbkFJ" marker.
  { type: 'openai-key', first: 's', min: 51, max: 220, re: /^sk-(?:(?:proj|svcacct|admin)-)?[0-9A-Za-z_-]{20,}T3BlbkFJ[0-9A-Za-z_-]{20,}$/ },
  { type: 'private-key', first: '-', min: 60, max: 20000, re: /^-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----\s*(?:[A-Za-z-]+:[^\n]*\n)*\s*[A-Za-z0-9+/=\s]{40,}/ },
];

const byFirst = new Map<string, KeyFormat[]>();
for (const f of formats) {
  for (const c of f.first) {
    const list = byFirst.get(c) ?? [];
    list.push(f);
    byFirst.set(c, list);
  }
}

const sameCharRun = /(.)\1{7,}/;
const placeholderWords = /example|sample|dummy|placeholder|your_?key|xxxxx/i;

/** Not a placeholder: no long run of one character, no "EXAMPLE", several distinct characters. */
export function notPlaceholder(part: string): boolean {
  if (part.length === 0) return false;
  if (sameCharRun.test(part)) return false;
  if (placeholderWords.test(part)) return false;
  const want = Math.min(10, Math.ceil(part.length / 3));
  const seen = new Set<number>();
  for (let i = 0; i < part.length && seen.size < want; i++) seen.add(part.charCodeAt(i));
  return seen.size >= want;
}

/** The key type when the whole value is one credential of a documented format. */
export function classifyKey(value: string): KeyType | undefined {
  const list = byFirst.get(value[0] ?? '');
  if (!list) return undefined;
  const n = value.length;
  for (const f of list) {
    if (n < f.min || n > f.max) continue;
    if (!f.re.test(value)) continue;
    if (f.type === 'private-key') return privateKeyBodyOk(value) ? 'private-key' : undefined;
    if (!notPlaceholder(f.randomPart ? f.randomPart(value) : value)) continue;
    return f.type;
  }
  return undefined;
}

function privateKeyBodyOk(value: string): boolean {
  const body = value.replace(/^-----BEGIN[^\n]*-----/, '').replace(/-----END[\s\S]*$/, '').replace(/^[A-Za-z-]+:[^\n]*$/gm, '').replace(/\s+/g, '');
  return body.length >= 40 && /^[A-Za-z0-9+/=]+$/.test(body) && notPlaceholder(body.slice(0, 64));
}

/** Stable last-4 preview prefix for a key type: the documented prefix, kept in previews. */
export function keyPrefix(value: string): string {
  const m = /^(?:sk|rk)_(?:live|test|prod)_|^gh[pousr]_|^github_pat_|^xox[abposre]-|^xapp-|^SG\.|^key-|^AIza|^AKIA|^ASIA|^ABIA|^ACCA|^AC|^SK|^sk-(?:proj-|svcacct-|admin-)?/.exec(value);
  return m ? m[0] : '';
}
