/**
 * A page-size parameter accepted with a very large value: API4:2023
 * Unrestricted Resource Consumption ("maximum number of records per page").
 * Fires when the response to such a request is a success.
 */
import type { Rule } from './types.js';
import { hit } from './types.js';

export const DEFAULT_MAX_PAGE_SIZE = 100;

const PAGE_SIZE_NAMES = new Set(['limit', 'size', 'per_page', 'perpage', 'page_size', 'pagesize', 'count', 'max', 'top', 'first', 'take', 'maxresults', 'max_results', 'rows', 'results', 'pagelimit', 'page_limit']);

export const unboundedPageSize: Rule = {
  id: 'unbounded-page-size',
  severity: 'medium',
  owasp: 'API4:2023',
  evaluate(ex, _matches, ctx) {
    const status = ex.response?.status ?? 0;
    if (status < 200 || status >= 300) return [];
    const max = ctx.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
    for (const [name, value] of ex.request.query) {
      const n = name.toLowerCase().replace(/[-.]/g, '_');
      if (!PAGE_SIZE_NAMES.has(n) && !PAGE_SIZE_NAMES.has(n.replace(/_/g, ''))) continue;
      if (!/^\d{1,12}$/.test(value)) continue;
      const v = Number(value);
      if (v > max) return [hit(this, `${name}=${v} accepted (status ${status}; over ${max})`)];
    }
    return [];
  },
};
