/** Stack traces, SQL errors and framework debug pages in responses: API8:2023 ("error messages include stack traces, or expose other sensitive information"). */
import type { Rule } from './types.js';
import { hit } from './types.js';

const signatures: Array<[string, RegExp]> = [
  ['Java stack trace', /\n\s*at [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)/],
  ['Python traceback', /Traceback \(most recent call last\):/],
  ['Node.js stack trace', /\n\s*at (?:[\w$.<>]+ )?\(?(?:\/|[A-Z]:\\|node:|file:)[^\n)]+:\d+:\d+\)?/],
  ['.NET stack trace', /\n\s*at [\w.`<>]+\([^)]*\) in [^\n]+:line \d+|System\.\w+Exception:/],
  ['PHP error', /(?:Fatal error|Parse error|Warning|Notice)<\/b>:|(?:Fatal error|Uncaught \w+): .+ in \/[^\n]+ on line \d+|Stack trace:\s*\n#0 /],
  ['Ruby backtrace', /\.rb:\d+:in `/],
  ['Go panic', /goroutine \d+ \[running\]:/],
  ['SQL error', /You have an error in your SQL syntax|ORA-\d{5}|SQLSTATE\[\w+\]|PG::\w+Error|psycopg2\.\w+|SQLite3::|sqlite3\.OperationalError|Unclosed quotation mark after the character string|org\.postgresql\.util\.PSQLException|java\.sql\.SQLException|ER_PARSE_ERROR|syntax error at or near "/],
  ['debug page', /Werkzeug Debugger|Whitelabel Error Page|<title>Action Controller: Exception caught<\/title>|You're seeing this error because you have <code>DEBUG = True<\/code>|Whoops! There was an error\.|laravel\.log|<b>Exception Details: <\/b>/],
];

export const verboseError: Rule = {
  id: 'verbose-error',
  severity: 'medium',
  owasp: 'API8:2023',
  evaluate(ex) {
    const body = ex.response?.body;
    if (!body || body.bytes.length === 0) return [];
    const raw = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, Math.min(body.bytes.length, 64 * 1024)).toString('utf8');
    // A trace inside a JSON string has its line breaks escaped ("\\n    at …"): read it as text.
    const text = raw.includes('\\n') ? raw.replace(/(?:\\r)?\\n/g, '\n') : raw;
    const found = signatures.filter(([, re]) => re.test(text)).map(([what]) => what);
    return found.length ? [hit(this, `response ${ex.response!.status} contains ${found.join(', ')}`, found.includes('SQL error') || found.includes('debug page') ? 'medium' : 'low')] : [];
  },
};
