/** What to do about a finding, by rule id (rules live in packages/detect), with a fallback per OWASP API Top 10 (2023) category. */
const BY_RULE: Record<string, string> = {
  'pii-in-url':
    'Move personal data out of the path and query string (use a request body or an opaque id). URLs are written to access logs, proxies, browser history and Referer headers.',
  'secret-in-url': 'Send credentials in a header (Authorization) instead of the URL, and rotate the keys that were exposed: they are in every log between client and server.',
  'secret-in-response': 'Stop returning secrets in responses; return a reference or a masked value. Rotate the exposed secret.',
  'cleartext-sensitive': 'Serve this API over HTTPS only (redirect HTTP, set HSTS) — personal data and credentials travelled in clear text.',
  'long-lived-session-cookie': 'Shorten the session cookie lifetime, and set Secure, HttpOnly and SameSite on it; rotate the session on login.',
  'permissive-cors': 'Replace the wildcard or reflected Access-Control-Allow-Origin with an allow-list of your own origins; never combine it with credentials.',
  'pii-to-third-party': 'Check there is a data-processing agreement with this third party, and send only the fields it needs (minimise or pseudonymise).',
  'verbose-error': 'Return generic error messages; log stack traces and internal details on the server only.',
  'weak-jwt': 'Reject unsigned (alg "none") and weakly signed tokens; verify signature, issuer, audience and expiry on every request.',
  'unauthenticated-pii': 'Require authentication on endpoints that return personal data, and check the caller may see each object (BOLA). Guest links need short-lived, single-purpose tokens.',
  'excessive-data-exposure': 'Return only the fields the client shows; filter on the server, not in the client (API3).',
  'deprecated-api-in-use': 'Move the remaining callers to the current version, then retire the deprecated one (announce a Sunset date).',
  'credential-stuffing': 'Rate-limit and monitor login by account and by client, add bot protection and MFA; alert on bursts of failed logins.',
  'unbounded-page-size': 'Cap page sizes on the server (and default to a small page); reject or clamp larger requests.',
};

const BY_OWASP: Record<string, string> = {
  API1: 'Check object-level authorisation: every request for an object id must verify the caller may access that object.',
  API2: 'Strengthen authentication: protect credentials in transit and at rest, limit token lifetime, and rate-limit login.',
  API3: 'Return only the properties the caller needs, and validate which properties a caller may change.',
  API4: 'Add rate limits, pagination limits and size limits.',
  API5: 'Check function-level authorisation: administrative routes need their own role checks.',
  API6: 'Protect sensitive business flows from automated abuse.',
  API7: 'Validate server-side URL fetches against an allow-list (SSRF).',
  API8: 'Fix the configuration: TLS everywhere, strict CORS, no verbose errors, security headers.',
  API9: 'Inventory and retire old API versions; document every exposed endpoint.',
  API10: 'Validate and sanitise data received from third-party APIs.',
};

export function adviceFor(rule: string, owasp: string): string {
  return BY_RULE[rule] ?? BY_OWASP[owasp.split(':', 1)[0] ?? ''] ?? 'Review this endpoint with its owners.';
}

export const OWASP_TITLES: Record<string, string> = {
  'API1:2023': 'Broken Object Level Authorization',
  'API2:2023': 'Broken Authentication',
  'API3:2023': 'Broken Object Property Level Authorization',
  'API4:2023': 'Unrestricted Resource Consumption',
  'API5:2023': 'Broken Function Level Authorization',
  'API6:2023': 'Unrestricted Access to Sensitive Business Flows',
  'API7:2023': 'Server Side Request Forgery',
  'API8:2023': 'Security Misconfiguration',
  'API9:2023': 'Improper Inventory Management',
  'API10:2023': 'Unsafe Consumption of APIs',
};

/** Endpoint states as the dashboard names them. */
export const STATE_LABEL: Record<string, string> = {
  documented: 'documented',
  shadow: 'shadow',
  deprecated: 'zombie',
  unused: 'orphan',
  undocumented: 'no spec',
};
