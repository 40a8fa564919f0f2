/**
 * Compares our exchanges with Zeek's http.log baselines (../shared/corpora/zeek).
 * Run directly to print the differences: node packages/pcap/dist/test/zeek-compare.js [--write]
 */
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange } from '@overhear/model';
import { readCapture } from '../src/index.js';
import { parseQuery } from '../src/http-exchange.js';

/** A column is undefined when the baseline does not have it (zeek-cut subsets). */
export interface ZeekRow {
  uid: string | undefined;
  origH: string | undefined;
  origP: string | undefined;
  respH: string | undefined;
  respP: string | undefined;
  depth: string | undefined;
  method: string | undefined;
  host: string | undefined;
  uri: string | undefined;
  status: string | undefined;
  reqLen: string | undefined;
  respLen: string | undefined;
}

export interface Difference {
  trace: string;
  tx: string;
  field: string;
  zeek: string;
  ours: string;
}

export interface TraceResult {
  trace: string;
  /** Zeek rows with a request (method logged). */
  compared: number;
  exact: number;
  /** Zeek rows without a parseable request (method '-') and our count of responses without request. */
  zeekRequestless: number;
  /** Of those, the ones where Zeek saw a response (a status code). */
  zeekResponseOnly: number;
  oursResponseOnly: number;
  differences: Difference[];
}

/** Zeek log escapes (\xNN) back to text. */
function unescapeZeek(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && s[i + 1] === '\\') {
      bytes.push(92);
      i += 1;
    } else if (s[i] === '\\' && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
  }
  const buf = Buffer.from(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return buf.toString('latin1');
  }
}

export function parseHttpLog(text: string): ZeekRow[] {
  const lines = text.split('\n').filter((l) => l !== '');
  let fields: string[] | undefined;
  const rows: ZeekRow[] = [];
  for (const line of lines) {
    if (line.startsWith('#fields')) {
      fields = line.split('\t').slice(1);
      continue;
    }
    if (line.startsWith('#')) continue;
    if (!fields) {
      // zeek-cut output: the first line names the columns
      fields = line.split('\t');
      continue;
    }
    const cols = line.split('\t');
    const get = (name: string): string | undefined => {
      let i = fields!.indexOf(name);
      if (i < 0) i = fields!.indexOf(name.replace('.', '_'));
      return i < 0 ? undefined : (cols[i] ?? '');
    };
    rows.push({
      uid: get('uid'),
      origH: get('id.orig_h'),
      origP: get('id.orig_p'),
      respH: get('id.resp_h'),
      respP: get('id.resp_p'),
      depth: get('trans_depth'),
      method: get('method'),
      host: get('host'),
      uri: get('uri'),
      status: get('status_code'),
      reqLen: get('request_body_len'),
      respLen: get('response_body_len'),
    });
  }
  return rows;
}

/** %XX escapes to bytes, read as UTF-8 when valid, else Latin-1 (as Zeek shows raw bytes). */
function decodePath(p: string): string {
  if (!p.includes('%')) return p;
  const bytes: number[] = [];
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '%' && /^[0-9a-fA-F]{2}$/.test(p.slice(i + 1, i + 3))) {
      bytes.push(parseInt(p.slice(i + 1, i + 3), 16));
      i += 2;
    } else for (const b of Buffer.from(p[i]!, 'utf8')) bytes.push(b);
  }
  const buf = Buffer.from(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return buf.toString('latin1');
  }
}

/** A URI in one comparable form: path percent-decoded, query as decoded pairs. */
function normUri(path: string, query: ReadonlyArray<readonly [string, string]>): string {
  const p = path === '' ? '/' : path;
  return decodePath(p) + (query.length ? '?' + query.map(([k, v]) => `${k}=${v}`).join('&') : '');
}

function zeekUri(uri: string): string {
  if (uri === '(empty)' || uri === '') return '/';
  const u = unescapeZeek(uri);
  const q = u.indexOf('?');
  const path = q < 0 ? u : u.slice(0, q);
  return normUri(path, q < 0 ? [] : parseQuery(u.slice(q + 1)));
}

function zeekHost(host: string, serverIp: string | undefined): string {
  if (host === '-' || host === '(empty)') return serverIp ?? '(server address)';
  let h = unescapeZeek(host).toLowerCase();
  if (h.endsWith(':80')) h = h.slice(0, -3);
  return h;
}

export async function ingest(file: string): Promise<{ exchanges: Exchange[]; responseOnly: number }> {
  const src = readCapture(createReadStream(file), { file });
  const exchanges: Exchange[] = [];
  for await (const ex of src) exchanges.push(ex);
  return { exchanges, responseOnly: src.stats.skipped['http-response-without-request'] ?? 0 };
}

export function compare(trace: string, rows: ZeekRow[], exchanges: Exchange[], responseOnly: number): TraceResult {
  const res: TraceResult = { trace, compared: 0, exact: 0, zeekRequestless: 0, zeekResponseOnly: 0, oursResponseOnly: responseOnly, differences: [] };
  const byConn = new Map<string, Exchange[]>();
  const connKey = (ch: string, cp: string | number, sh: string, sp: string | number): string => `${ch}|${cp}|${sh}|${sp}`;
  for (const ex of [...exchanges].sort((a, b) => a.startedAt - b.startedAt)) {
    const k = connKey(ex.client!.ip, ex.client!.port, ex.server!.ip, ex.server!.port);
    const l = byConn.get(k) ?? [];
    l.push(ex);
    byConn.set(k, l);
  }
  const used = new Set<Exchange>();
  const all = [...exchanges].sort((a, b) => a.startedAt - b.startedAt);
  for (const [row, r] of rows.entries()) {
    const tx = `${r.uid ?? `${r.origH}:${r.origP}`}#${r.depth ?? `row${row + 1}`}`;
    if (r.method === '-' || r.method === '') {
      res.zeekRequestless++;
      if (r.status !== undefined && r.status !== '-' && r.status !== '') res.zeekResponseOnly++;
      continue;
    }
    res.compared++;
    const pool = all.filter(
      (e) =>
        (r.origH === undefined || e.client!.ip === r.origH) &&
        (r.origP === undefined || String(e.client!.port) === r.origP) &&
        (r.respH === undefined || e.server!.ip === r.respH) &&
        (r.respP === undefined || String(e.server!.port) === r.respP),
    );
    const cands = pool.filter((e) => !used.has(e));
    const method = r.method === undefined ? undefined : unescapeZeek(r.method);
    const uri = r.uri === undefined ? undefined : zeekUri(r.uri);
    const ex =
      cands.find((e) => (method === undefined || e.request.method === method) && (uri === undefined || normUri(e.request.path, e.request.query) === uri)) ??
      cands.find((e) => method === undefined || e.request.method === method) ??
      cands[0];
    if (!ex) {
      res.differences.push({ trace, tx, field: 'exchange', zeek: `${method} ${r.uri}`, ours: 'missing' });
      continue;
    }
    used.add(ex);
    const ours: Record<string, string> = {
      method: ex.request.method,
      host: ex.request.host,
      uri: normUri(ex.request.path, ex.request.query),
      status_code: ex.response ? String(ex.response.status) : '-',
      request_body_len: String(ex.request.body?.length ?? 0),
      response_body_len: String(ex.response?.body?.length ?? 0),
    };
    const theirs: Record<string, string | undefined> = {
      method,
      host: r.host === undefined ? undefined : zeekHost(r.host, r.respH ?? ex.server?.ip),
      uri,
      status_code: r.status === undefined ? undefined : r.status === '' ? '-' : r.status,
      request_body_len: r.reqLen === undefined ? undefined : r.reqLen || '0',
      response_body_len: r.respLen === undefined ? undefined : r.respLen || '0',
    };
    let same = true;
    for (const f of Object.keys(ours)) {
      if (theirs[f] !== undefined && ours[f] !== theirs[f]) {
        same = false;
        res.differences.push({ trace, tx, field: f, zeek: theirs[f]!, ours: ours[f]! });
      }
    }
    if (same) res.exact++;
  }
  for (const list of byConn.values()) {
    for (const ex of list) {
      if (!used.has(ex) && rows.length > 0) {
        res.differences.push({ trace, tx: `${ex.client!.ip}:${ex.client!.port}@${ex.startedAt}`, field: 'exchange', zeek: 'absent', ours: `${ex.request.method} ${ex.request.path}` });
      }
    }
  }
  return res;
}

export interface IndexEntry {
  trace: string;
  file: string;
  baselines: string[];
}

export function httpTraces(root: string): IndexEntry[] {
  const lines = readFileSync(join(root, 'INDEX.tsv'), 'utf8').split('\n').filter(Boolean);
  const head = lines[0]!.split('\t');
  const col = (n: string): number => head.indexOf(n);
  return lines
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((c) => (c[col('http_baselines')] ?? '') !== '')
    .map((c) => ({ trace: c[col('trace')]!, file: c[col('file')]!, baselines: c[col('http_baselines')]!.split(';') }));
}

/** Every http trace against each of its distinct baselines. */
export async function runAll(root: string): Promise<TraceResult[]> {
  const out: TraceResult[] = [];
  for (const t of httpTraces(root)) {
    const { exchanges, responseOnly } = await ingest(join(root, t.file));
    const seen = new Set<string>();
    for (const b of t.baselines) {
      const rows = parseHttpLog(readFileSync(join(root, b), 'utf8'));
      const key = JSON.stringify(rows.map((r) => [r.method, r.host, r.uri, r.status, r.reqLen, r.respLen, r.origP]));
      if (seen.has(key)) continue;
      seen.add(key);
      if (t.baselines.length > 1 && !rows.some((r) => r.origP !== undefined && exchanges.some((e) => String(e.client!.port) === r.origP))) continue;
      const name = t.baselines.length > 1 ? `${t.file}@${b.split('/').slice(1).join('/')}` : t.file;
      out.push(compare(name, rows, exchanges, responseOnly));
    }
  }
  return out;
}

export const DIFF_HEADER = 'trace\ttx\tfield\tzeek\tours\treason';

export function diffKey(d: Difference): string {
  return [d.trace, d.tx, d.field, d.zeek, d.ours].join('\t');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.env.OVERHEAR_CORPORA ? join(process.env.OVERHEAR_CORPORA, 'zeek') : join(fileURLToPath(new URL('.', import.meta.url)), '../../../../../shared/corpora/zeek');
  const results = await runAll(root);
  let compared = 0;
  let exact = 0;
  const diffs: Difference[] = [];
  for (const r of results) {
    compared += r.compared;
    exact += r.exact;
    diffs.push(...r.differences);
    if (r.differences.length || r.zeekRequestless) console.log(`${r.trace}: ${r.exact}/${r.compared} exact; zeek request-less ${r.zeekRequestless}, ours response-only ${r.oursResponseOnly}`);
  }
  for (const d of diffs) console.log(diffKey(d));
  console.log(`exact ${exact}/${compared} = ${((100 * exact) / compared).toFixed(2)}%`);
  if (process.argv.includes('--write')) {
    const file = join(fileURLToPath(new URL('.', import.meta.url)), '../../test/zeek-differences.tsv');
    const old = new Map<string, string>();
    try {
      for (const l of readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean)) {
        const c = l.split('\t');
        old.set(c.slice(0, 5).join('\t'), c[5] ?? '');
      }
    } catch {
      /* first run */
    }
    writeFileSync(file, [DIFF_HEADER, ...diffs.map((d) => `${diffKey(d)}\t${old.get(diffKey(d)) ?? 'TODO'}`)].join('\n') + '\n');
  }
}
