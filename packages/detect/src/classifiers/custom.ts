/**
 * User-defined types, as Akto lets users define them: a name pattern, a value
 * pattern (either or both, joined by "and" or "or"), and an optional
 * checksum the value must pass.
 */
import { luhn } from './card.js';
import { mod97 } from './iban.js';
import { looksRandomToken } from './entropy.js';

export interface CustomTypeConfig {
  /** The type name reported in matches, e.g. "employee-id". */
  type: string;
  /** Whether rules treat it as personal data or as a credential. Default "pii". */
  category?: 'pii' | 'secret';
  /** Regex (source text) tested against the field name, case-insensitive. */
  nameRegex?: string;
  /** Regex (source text) tested against the whole value. */
  valueRegex?: string;
  /** How the two conditions combine when both are given. Default "and". */
  operator?: 'and' | 'or';
  /** Extra validation of the value's digits/characters. Default "none". */
  validator?: 'luhn' | 'mod97' | 'entropy' | 'none';
}

export interface CustomType {
  type: string;
  category: 'pii' | 'secret';
  test(name: string | undefined, value: string): boolean;
}

export function compileCustomType(c: CustomTypeConfig): CustomType {
  if (!c.type || (!c.nameRegex && !c.valueRegex)) throw new Error(`custom type ${JSON.stringify(c.type)}: needs a type and a nameRegex or valueRegex`);
  const nameRe = c.nameRegex ? new RegExp(c.nameRegex, 'i') : undefined;
  const valueRe = c.valueRegex ? new RegExp(anchor(c.valueRegex)) : undefined;
  const or = c.operator === 'or';
  const validator = c.validator ?? 'none';
  return {
    type: c.type,
    category: c.category ?? 'pii',
    test(name, value) {
      const n = nameRe ? name !== undefined && nameRe.test(name) : undefined;
      const v = valueRe ? valueRe.test(value) : undefined;
      const ok = n === undefined ? v! : v === undefined ? n : or ? n || v : n && v;
      return ok && validate(validator, value);
    },
  };
}

function anchor(src: string): string {
  return (src.startsWith('^') ? '' : '^(?:') + src + (src.startsWith('^') ? '' : ')$');
}

function validate(v: CustomTypeConfig['validator'], value: string): boolean {
  switch (v) {
    case 'luhn': {
      const d = value.replace(/[\s-]/g, '');
      return /^\d{2,}$/.test(d) && luhn(d);
    }
    case 'mod97': {
      const s = value.replace(/\s/g, '').toUpperCase();
      return /^[A-Z0-9]{5,}$/.test(s) && mod97(s) === 1;
    }
    case 'entropy':
      return looksRandomToken(value);
    default:
      return true;
  }
}
