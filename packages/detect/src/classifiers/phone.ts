/**
 * Phone numbers, validated against libphonenumber's full metadata (number
 * plans per country, not only lengths).
 *
 * Evidence matters more than shape here: "20240101" is a valid German number
 * and every 10-digit order id is a valid US one. So:
 *  - international format ("+44 20 7946 0958") is accepted on its own;
 *  - national format is accepted only when the field name says phone
 *    (`named`), or when written with a bracketed area code ("(415) 555-0132");
 *  - digits-only values with no name evidence are never phones.
 */
import { createRequire } from 'node:module';
import type { CountryCode } from 'libphonenumber-js/max';

type Lib = typeof import('libphonenumber-js/max');
const require = createRequire(import.meta.url);
let loaded: Lib | undefined;
/**
 * The library, loaded when a value first looks like a phone number: its
 * metadata takes ~50 ms to load, which every CLI command paid at start,
 * though most never parse a number.
 */
function lib(): Lib {
  return (loaded ??= require('libphonenumber-js/max') as Lib);
}

/** The same full metadata, as the object its numbering plans are read from (the CommonJS `max` entry does not export the class). */
function maxMetadata(): InstanceType<Lib['Metadata']> {
  const core = require('libphonenumber-js/core') as { Metadata: new (json: unknown) => InstanceType<Lib['Metadata']> };
  return new core.Metadata(require('libphonenumber-js/metadata.max.json'));
}

export interface ParsedPhone {
  countryCallingCode: string;
  nationalNumber: string;
}

export const DEFAULT_PHONE_REGIONS: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IN', 'CN', 'JP', 'BR', 'ES', 'IT', 'NL', 'AU', 'CA', 'MX', 'IL'];

const phoneChars = /^[+(]?[0-9][0-9 ().\-/]*[0-9]$/;

// libphonenumber compiles its metadata regexes on every call (~25 µs a parse), and the
// same numbers recur across a session's exchanges: remember recent answers.
const memo = new Map<string, ParsedPhone | null>();
const MEMO_MAX = 4096;

export function parsePhone(value: string, named: boolean, regions: readonly CountryCode[] = DEFAULT_PHONE_REGIONS): ParsedPhone | undefined {
  const n = value.length;
  if (n < 7 || n > 24) return undefined;
  const c0 = value.charCodeAt(0);
  if (c0 !== 43 /* + */ && c0 !== 40 /* ( */ && (c0 < 48 || c0 > 57)) return undefined;
  const key = (named ? '1' : '0') + (regions === DEFAULT_PHONE_REGIONS ? '' : regions.join()) + '\u0000' + value;
  const hit = memo.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const p = parseUncached(value, named, regions);
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, p ?? null);
  return p;
}

function parseUncached(value: string, named: boolean, regions: readonly CountryCode[]): ParsedPhone | undefined {
  const n = value.length;
  const c0 = value.charCodeAt(0);
  if (!phoneChars.test(value)) return undefined;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  if (digits < (named ? 5 : 7) || digits > 15) return undefined;
  // Dates and dotted versions ("2024-01-15", "10.0.19041.1") are not written like phone numbers.
  if (/^\d{4}-\d{2}-\d{2}$|^\d{2}[./-]\d{2}[./-]\d{4}$/.test(value)) return undefined;
  if (value.indexOf('.') >= 0 && !/^[+(]?\d{1,4}\)?(?:[. ]\d{2,4})+$/.test(value)) return undefined;
  if (c0 === 43) return fastInternational(value) ?? full(value);
  if (value.startsWith('00') && named) {
    const p = full('+' + value.slice(2));
    if (p) return p;
  }
  const bracketed = /^\(\d{2,5}\) ?\d{3,4}[ -]\d{3,4}$/.test(value);
  if (!named && !bracketed) return undefined;
  for (const region of regions) {
    const p = full(value, region);
    if (p) return p;
  }
  return undefined;
}

function full(value: string, defaultCountry?: CountryCode): ParsedPhone | undefined {
  const p = lib().parsePhoneNumberFromString(value, defaultCountry ? { defaultCountry, extract: false } : { extract: false });
  return p && p.isValid() ? { countryCallingCode: String(p.countryCallingCode), nationalNumber: String(p.nationalNumber) } : undefined;
}

/**
 * "+CC NNN…" checked against the same metadata without a full parse: the
 * national number must have one of the country's possible lengths and match
 * its national number pattern (compiled once, where the library recompiles on
 * every call). A "no" here falls back to the full parse, which also knows
 * trunk prefixes and odd formats, so this only ever saves time.
 */
interface Plan {
  lengths: number[];
  re: RegExp;
}
let metadataOnce: InstanceType<Lib['Metadata']> | undefined;
const plansByCode = new Map<string, Plan[] | null>();

function plansFor(code: string): Plan[] | null {
  let plans = plansByCode.get(code);
  if (plans !== undefined) return plans;
  plans = null;
  const metadata = (metadataOnce ??= maxMetadata());
  // Not in the typed API: the calling-code → countries table and the plan's pattern accessor.
  const m = metadata as unknown as { metadata?: { country_calling_codes?: Record<string, string[]> }; numberingPlan?: { nationalNumberPattern?: () => string } };
  const countries = m.metadata?.country_calling_codes?.[code];
  if (countries) {
    plans = [];
    for (const c of countries) {
      metadata.selectNumberingPlan(c as CountryCode);
      const np = metadata.numberingPlan;
      const pattern = m.numberingPlan?.nationalNumberPattern?.();
      if (!np || !pattern) return (plansByCode.set(code, null), null);
      plans.push({ lengths: np.possibleLengths(), re: new RegExp(`^(?:${pattern})$`) });
    }
  }
  plansByCode.set(code, plans);
  return plans;
}

function fastInternational(value: string): ParsedPhone | undefined {
  if (/[()]/.test(value)) return undefined;
  const digits = value.replace(/\D/g, '');
  for (let len = 1; len <= 3 && len < digits.length; len++) {
    const code = digits.slice(0, len);
    const plans = plansFor(code);
    if (!plans) continue;
    const national = digits.slice(len);
    for (const p of plans) if (p.lengths.includes(national.length) && p.re.test(national)) return { countryCallingCode: code, nationalNumber: national };
    return undefined;
  }
  return undefined;
}

export function isPhone(value: string, named: boolean, regions?: readonly CountryCode[]): boolean {
  return parsePhone(value, named, regions) !== undefined;
}
