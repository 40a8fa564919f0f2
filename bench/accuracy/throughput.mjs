// Inference alone: exchanges/s through the Analyzer (templating, parameters,
// schemas, auth) with ~1 KB JSON response bodies, no catalog, one core.
import { rng } from './generate.mjs';

export function makeExchanges(n = 20000) {
  const r = rng(7);
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const users = ['octocat', 'torvalds', 'gaearon', 'sindresorhus', 'mojombo', 'defunkt', 'wycats', 'matz', 'dhh', 'tenderlove', 'peff', 'schacon'];
  const out = [];
  let bodyBytes = 0;
  for (let i = 0; i < n; i++) {
    const id = int(1000, 999999);
    const route = pick([
      ['GET', `/api/v2/orders/${id}`],
      ['GET', `/api/v2/products/${id}/reviews`],
      ['POST', '/api/v2/cart/items'],
      ['GET', `/api/v2/users/${pick(users)}`],
      ['GET', `/api/v2/users/${pick(users)}/repos`],
      ['PUT', `/api/v2/users/${id}/preferences`],
      ['GET', `/api/v2/stores/${id}/inventory/${id + 7}`],
      ['GET', '/api/v2/products'],
    ]);
    const items = Array.from({ length: 8 }, (_, k) => ({ sku: `SKU-${id + k}`, name: `Item ${k} of order`, qty: 1 + (k % 3), price: 9.99 + k, tags: ['a', 'b'] }));
    const body = JSON.stringify({ id, status: pick(['paid', 'shipped', 'new']), createdAt: '2026-11-20T10:00:00Z', customer: { id: id * 3, tier: 'gold', email: 'jane@example.com' }, items, note: 'x'.repeat(int(10, 120)) });
    bodyBytes += body.length;
    const bytes = Buffer.from(body);
    out.push({
      source: 'har',
      startedAt: Date.UTC(2026, 10, 22) + i * 20,
      scheme: 'https',
      request: {
        method: route[0],
        host: 'api.example.com',
        path: route[1],
        query: i % 3 ? [['limit', '20'], ['page', String(i % 50)]] : [],
        httpVersion: 'HTTP/1.1',
        headers: [['accept', 'application/json'], ['authorization', 'Bearer abcdefghijklmnopqrstuvwxyz0123456789'], ['user-agent', 'bench/1.0'], ['x-client-version', '4.2.1']],
      },
      response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [['content-type', 'application/json']], body: { bytes, length: bytes.length, truncated: false } },
    });
  }
  return { exchanges: out, bodyBytes: Math.round(bodyBytes / n) };
}

export async function throughput(Analyzer, seconds = 4) {
  const { exchanges, bodyBytes } = makeExchanges();
  // Warm-up, then as many passes as fit in the time (a fresh Analyzer per pass, drained at its end).
  let a = new Analyzer();
  for (const ex of exchanges) a.add(ex);
  a.drain();
  let n = 0;
  let endpoints = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < seconds) {
    a = new Analyzer();
    for (const ex of exchanges) a.add(ex);
    endpoints = a.drain().endpoints.length;
    n += exchanges.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  return { perSecond: n / elapsed, bodyBytes, endpoints };
}

// Run alone: `node bench/accuracy/throughput.mjs [seconds]` (build first: npx tsc -b packages/cli).
if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  const { Analyzer } = await import('@overhear/pipeline');
  const t = await throughput(Analyzer, Number(process.argv[2] ?? 4));
  console.log(`inference alone (Analyzer, no catalog), ~${t.bodyBytes} B JSON bodies, ${t.endpoints} endpoints: ${Math.round(t.perSecond).toLocaleString('en-US')} exchanges/s on one core`);
}
