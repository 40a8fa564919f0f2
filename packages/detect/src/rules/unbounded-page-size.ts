/**
 * A page-size parameter accepted with a very large value: API4:2023
 * Unrestricted Resource Consumption ("maximum number of records per page").
 * Fires when the response to such a request is a success.
 */
import type { Rule } from './types.js';
import { hit, NO_HITS } from './types.js';

export const DEFAULT_MAX_PAGE_SIZE = 100;

const PAGE_SIZE_NAMES = new Set(['limit', 'size', 'per_page', 'perpage', 'page_size', 'pagesize', 'count', 'max', 'top', 'first', 'take', 'maxresults', 'max_results', 'rows', 'results', 'pagelimit', 'page_limit']);

/** Digits only, 1 to 12 of them (a page size, not an id or a float). */
function isCount(v: string): boolean {
  if (v.length === 0 || v.length > 12) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Cheap enough for every request (it runs outside sampling, so a large page
 * size asked once deep into a busy endpoint is still seen): values are
 * looked at before names, and a value with fewer digits than the limit
 * cannot exceed it.
 */
export const unboundedPageSize: Rule = {
  id: 'unbounded-page-size',
  severity: 'medium',
  owasp: 'API4:2023',
  evaluate(ex, _matches, ctx) {
    const status = ex.response?.status ?? 0;
    if (status < 200 || status >= 300) return NO_HITS;
    const query = ex.request.query;
    if (query.length === 0) return NO_HITS;
    const max = ctx.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
    const minDigits = String(Math.max(0, Math.floor(max))).length;
    for (let i = 0; i < query.length; i++) {
      const [name, value] = query[i]!;
      if (value.length < minDigits || !isCount(value)) continue;
      const v = Number(value);
      if (v <= max) continue;
      const n = name.toLowerCase().replace(/[-.]/g, '_');
      if (!PAGE_SIZE_NAMES.has(n) && !PAGE_SIZE_NAMES.has(n.replace(/_/g, ''))) continue;
      return [hit(this, `${name}=${v} accepted (status ${status}; over ${max})`)];
    }
    return NO_HITS;
  },
};
