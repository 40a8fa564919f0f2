/**
 * The scripted session the shipped captures record: a fixed, deterministic
 * list of requests from a handful of simulated clients (shoppers' browsers,
 * a credential-stuffing bot, the legacy mobile app, the back office, the
 * fulfilment service calling the courier, people clicking emailed links).
 *
 * Usage: node captures/demo-api/dist/src/client.js --port P [--out file.har]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { type Customer, DEMO_SHOPPER_IDS, customerById, fixtures, fullName, SEED, upsTrackingNumber } from './fixtures.js';
import { HarRecorder, type Reply, type SendOptions } from './recorder.js';
import { Rng } from './prng.js';
import { COURIER_HOST, FIRST_NEW_PACKAGE } from './courier.js';
import { SHOP_HOST } from './shop.js';
import type { Har } from './har.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_IOS = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

type Headers = [string, string][];
type Extra = Pick<SendOptions, 'query' | 'body' | 'keepAlive'>;

const browserHeaders = (ua: string, referer: string): Headers => [
  ['User-Agent', ua],
  ['Accept', 'application/json, text/plain, */*'],
  ['Accept-Language', 'en-GB,en;q=0.9'],
  ['Accept-Encoding', 'gzip, deflate'],
  ['Referer', `http://${SHOP_HOST}${referer}`],
];

const json = (value: unknown): { mimeType: string; text: string } => ({ mimeType: 'application/json', text: JSON.stringify(value) });

/** What the shopper's browser holds after signing in. */
interface Session {
  customer: { id: number; email: string };
  cookie: string;
  token: string;
}

class Scenario {
  private readonly rng = new Rng(SEED ^ 0xc11e);
  private readonly f = fixtures();

  constructor(private readonly http: HarRecorder) {}

  private shop(client: string, method: string, path: string, headers: Headers, more: Extra = {}): Promise<Reply> {
    return this.http.send({ client, host: SHOP_HOST, method, path, headers, ...more });
  }

  private courier(client: string, method: string, path: string, headers: Headers, more: Extra = {}): Promise<Reply> {
    return this.http.send({ client, host: COURIER_HOST, method, path, headers, ...more });
  }

  async healthProbe(): Promise<void> {
    await this.shop('probe', 'GET', '/api/v2/health', [['User-Agent', 'kube-probe/1.29'], ['Accept', '*/*']], { keepAlive: false });
  }

  /** An anonymous visitor browses the catalogue. */
  async browse(): Promise<void> {
    const h = (ref: string): Headers => browserHeaders(FIREFOX, ref);
    for (const page of [1, 2, 3]) {
      await this.shop('visitor', 'GET', '/api/v2/products', h('/'), { query: [['limit', '20'], ['page', String(page)]] });
    }
    await this.shop('visitor', 'GET', '/api/v2/products', h('/'), { query: [['limit', '20'], ['page', '1'], ['sort', 'price_desc']] });
    for (const q of ['mug', 'lamp', 'oak', 'garden', 'teapot', 'linen throw']) {
      await this.shop('visitor', 'GET', '/api/v2/products/search', h('/'), { query: [['q', q]] });
    }
    for (let i = 0; i < 16; i++) {
      const p = this.rng.pick(this.f.products);
      await this.shop('visitor', 'GET', `/api/v2/products/${p.id}`, h('/products'));
    }
    await this.shop('visitor', 'GET', '/api/v2/products/9999', h('/products'));
    for (const store of this.f.stores) {
      await this.shop('visitor', 'GET', `/api/v2/stores/${store.id}/inventory`, h('/stores'));
    }
    await this.shop('visitor', 'GET', '/api/v2/stores/3f1b8c2e-0000-4000-8000-000000000000/inventory', h('/stores'));
    // A price-comparison scraper asks for everything at once.
    await this.shop('scraper', 'GET', '/api/v2/products', [['User-Agent', 'Go-http-client/1.1'], ['Accept-Encoding', 'gzip']], {
      query: [['limit', '500'], ['page', '1']],
    });
  }

  /** A bot tries leaked email/password pairs, one account each. */
  async credentialStuffing(): Promise<void> {
    const leaked = ['Summer2024!', 'password1', 'Liverpool1', 'qwerty123', 'Welcome1', 'iloveyou', 'Password123', 'monkey2023'];
    const victims = [4, 7, 9, 11, 15, 18, 22].map((id) => customerById(id)?.email ?? '');
    const unknown = ['mark.jennings@example.com', 'l.osei@example.org', 'bethany.hale@example.com', 'craig.w@example.org', 'dev.patel@example.com'];
    const emails = victims.flatMap((e, i) => [e, unknown[i] ?? '']).filter(Boolean);
    for (let i = 0; i < emails.length; i++) {
      await this.shop('stuffer', 'POST', '/api/v2/login', [['User-Agent', 'python-requests/2.31.0'], ['Accept-Encoding', 'gzip, deflate'], ['Accept', '*/*']], {
        body: json({ email: emails[i], password: leaked[i % leaked.length] }),
      });
    }
  }

  async login(client: string, who: { id: number; email: string; password: string }, typo = false): Promise<Session> {
    const headers = browserHeaders(CHROME, '/login');
    if (typo) await this.shop(client, 'POST', '/api/v2/login', headers, { body: json({ email: who.email, password: who.password.slice(0, -1) }) });
    const r = await this.shop(client, 'POST', '/api/v2/login', headers, { body: json({ email: who.email, password: who.password }) });
    if (r.status !== 200) throw new Error(`demo login for ${who.email} failed with ${r.status}`);
    const cookie = String(r.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    return { customer: { id: who.id, email: who.email }, cookie, token: r.json<{ accessToken: string }>().accessToken };
  }

  /** A signed-in shopper: profile, addresses, a little shopping, then the order history. */
  async shopper(c: Customer, index: number): Promise<Session> {
    const client = `browser-${c.id}`;
    const s = await this.login(client, c, index === 1);
    const withCookie = (ref: string): Headers => [...browserHeaders(CHROME, ref), ['Cookie', s.cookie]];
    const withToken = (ref: string): Headers => [...browserHeaders(CHROME, ref), ['Authorization', `Bearer ${s.token}`]];
    await this.shop(client, 'GET', '/api/v2/users/me', withCookie('/account'));
    await this.shop(client, 'GET', `/api/v2/users/${c.id}/addresses`, withToken('/account/addresses'));
    // The storefront fetches the public catalogue with `credentials: 'omit'`, so those calls carry no cookie.
    const anonymous = (ref: string): Headers => browserHeaders(CHROME, ref);
    await this.shop(client, 'GET', '/api/v2/products', anonymous('/'), { query: [['limit', '20'], ['page', '1']] });
    await this.shop(client, 'GET', '/api/v2/products/search', anonymous('/'), { query: [['q', ['flask', 'planter', 'notebook'][index] ?? 'mug']] });
    const picks = [this.rng.pick(this.f.products), this.rng.pick(this.f.products)];
    for (const p of picks) await this.shop(client, 'GET', `/api/v2/products/${p.id}`, anonymous('/products'));
    for (const p of picks) {
      const productId = p.stock > 0 ? p.id : p.id + 1;
      await this.shop(client, 'POST', '/api/v2/cart/items', withCookie(`/products/${productId}`), { body: json({ productId, quantity: 1 }) });
    }
    if (index === 2) {
      // Sold out: the API answers 409, which the published spec does not list.
      const soldOut = this.f.products.find((p) => p.stock === 0);
      if (soldOut) await this.shop(client, 'POST', '/api/v2/cart/items', withCookie(`/products/${soldOut.id}`), { body: json({ productId: soldOut.id, quantity: 1 }) });
    }
    await this.shop(client, 'GET', '/api/v2/orders', withToken('/account/orders'), { query: [['status', 'shipped'], ['limit', '10']] });
    await this.shop(client, 'GET', '/api/v2/orders', withToken('/account/orders'), { query: [['status', 'delivered'], ['limit', '2']] });
    const mine = this.f.orders.filter((o) => o.customerId === c.id).slice(0, 4);
    for (const o of mine) await this.shop(client, 'GET', `/api/v2/orders/${o.id}`, withToken('/account/orders'));
    // Someone else's order: v2 checks ownership and says 404.
    const other = this.f.orders.find((o) => o.customerId !== c.id && o.id > 10020);
    if (other) await this.shop(client, 'GET', `/api/v2/orders/${other.id}`, withToken('/account/orders'));
    return s;
  }

  /** Sites embedding the shop read the signed-in profile cross-origin; the API reflects every Origin. */
  async crossOrigin(s: Session): Promise<void> {
    for (const origin of ['https://m.shop.example.com', 'https://deals.partner-widgets.example.net', 'http://coupons-finder.example.org']) {
      await this.shop(`browser-${s.customer.id}`, 'GET', '/api/v2/users/me', [
        ['User-Agent', CHROME], ['Accept', 'application/json'], ['Origin', origin], ['Referer', `${origin}/`], ['Cookie', s.cookie],
      ]);
    }
  }

  /** People open the "view your order" link from their order email; no sign-in. */
  async guestLinks(): Promise<void> {
    const opened = this.f.orders.filter((o) => o.id % 2 === 1 || o.id % 5 === 0).slice(0, 26);
    for (const o of opened) {
      await this.shop('mail-click', 'GET', `/api/v2/guest/orders/${o.id}`, [['User-Agent', SAFARI_IOS], ['Accept', 'application/json'], ['Accept-Language', 'en-GB']], {
        query: [['token', o.guestToken]], keepAlive: false,
      });
    }
    // A forwarded link with a truncated token, and a made-up one.
    const o = this.f.orders[3];
    if (o) {
      for (const token of [o.guestToken.slice(0, 40), this.rng.hex(64)]) {
        await this.shop('mail-click', 'GET', `/api/v2/guest/orders/${o.id}`, [['User-Agent', SAFARI_IOS], ['Accept', 'application/json']], {
          query: [['token', token]], keepAlive: false,
        });
      }
    }
  }

  async unsubscribes(): Promise<void> {
    for (const id of [5, 12, 17, 23]) {
      const c = customerById(id);
      if (!c) continue;
      await this.shop('mail-click', 'GET', '/api/v2/newsletter/unsubscribe', [['User-Agent', SAFARI_IOS], ['Accept', 'application/json']], {
        query: [['email', c.email], ['list', id % 2 ? 'weekly-deals' : 'all']], keepAlive: false,
      });
    }
  }

  /** The 2019 Android app syncs "order history" by walking v1 order ids one by one. */
  async legacyApp(s: Session): Promise<void> {
    const headers: Headers = [['User-Agent', 'ShopApp/1.9.3 (Android 9; SM-G960F)'], ['Accept', 'application/json'], ['Accept-Encoding', 'gzip'], ['Authorization', `Bearer ${s.token}`]];
    for (let id = 10001; id <= 10032; id++) await this.shop('legacy-app', 'GET', `/api/v1/orders/${id}`, headers);
    await this.shop('legacy-app', 'GET', '/api/v1/orders/10061', headers);
  }

  async backOffice(): Promise<void> {
    const s = await this.login('backoffice', this.f.staff);
    const headers: Headers = [...browserHeaders(CHROME, '/admin/reports'), ['Authorization', `Bearer ${s.token}`]];
    for (let d = 15; d <= 21; d++) await this.shop('backoffice', 'GET', `/api/v2/reports/daily/2026-11-${d}`, headers);
    await this.shop('backoffice', 'GET', '/api/v2/reports/daily/2026-02-30', headers);
  }

  async debugPeek(): Promise<void> {
    for (let i = 0; i < 2; i++) await this.shop('curl', 'GET', '/internal/debug', [['User-Agent', 'curl/8.5.0'], ['Accept', '*/*']], { keepAlive: false });
  }

  /** The fulfilment service prices and books a label for each order still processing; it returns the new tracking numbers. */
  async fulfilment(): Promise<string[]> {
    const key = this.f.secrets.courierApiKey;
    const base: Headers = [['User-Agent', 'shop-fulfilment/4.2.0 node'], ['Accept', 'application/json']];
    const booked: string[] = [];
    const processing = this.f.orders.filter((o) => o.status === 'processing').slice(0, 8);
    for (const o of processing) {
      const c = customerById(o.customerId);
      if (!c) continue;
      await this.courier('fulfilment', 'GET', '/v1/rates', base, { query: [['api_key', key], ['from', 'LE19 1WP'], ['to', c.address.postcode]] });
      const r = await this.courier('fulfilment', 'POST', '/v1/shipments', [...base, ['X-Api-Key', key]], {
        body: json({
          reference: `order-${o.id}`,
          service: o.id % 3 === 0 ? 'express' : 'standard',
          recipient: { name: fullName(c), phone: c.phone, email: c.email, address: c.address },
          parcel: { weightGrams: 350 + (o.id % 7) * 150 },
        }),
      });
      if (r.status === 201) booked.push(r.json<{ trackingNumber: string }>().trackingNumber);
    }
    return booked;
  }

  /** Customers (and anyone else) follow parcels on the courier's public tracking page. */
  async tracking(booked: string[]): Promise<void> {
    const known = this.f.orders.flatMap((o) => (o.trackingNumber ? [o.trackingNumber] : []));
    const numbers = [...known.slice(0, 24), ...booked, upsTrackingNumber(FIRST_NEW_PACKAGE + 500), upsTrackingNumber(2999999)];
    for (const tn of numbers) {
      await this.courier('tracker', 'GET', `/v1/track/${tn}`, [['User-Agent', FIREFOX], ['Accept', 'application/json'], ['Accept-Encoding', 'gzip, deflate'], ['Referer', `http://${COURIER_HOST}/`]]);
    }
  }

  async run(): Promise<void> {
    await this.healthProbe();
    await this.browse();
    await this.healthProbe();
    await this.credentialStuffing();
    const sessions: Session[] = [];
    for (const [i, id] of DEMO_SHOPPER_IDS.entries()) {
      const c = customerById(id);
      if (c) sessions.push(await this.shopper(c, i));
    }
    const first = sessions[0];
    if (!first) throw new Error('no demo shopper signed in');
    await this.crossOrigin(first);
    await this.healthProbe();
    await this.guestLinks();
    await this.unsubscribes();
    await this.legacyApp(first);
    await this.healthProbe();
    await this.backOffice();
    await this.debugPeek();
    const booked = await this.fulfilment();
    await this.tracking(booked);
    await this.healthProbe();
  }
}

/** Runs the whole scenario against a demo API on 127.0.0.1:port and returns the HAR it recorded. */
export async function runScenario(port: number, address = '127.0.0.1'): Promise<Har> {
  const http = new HarRecorder({ address, port });
  try {
    await new Scenario(http).run();
  } finally {
    http.close();
  }
  return http.har('Recorded by captures/demo-api (npm run captures) against the overhear demo API. All data is fake.');
}

export function writeHar(har: Har, file: string): void {
  writeFileSync(file, `${JSON.stringify(har, null, 1)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { port: { type: 'string' }, out: { type: 'string', default: 'demo.har' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port <= 0) {
    console.error('usage: node client.js --port P [--out file.har]');
    process.exit(1);
  }
  const har = await runScenario(port);
  writeHar(har, values.out);
  console.log(`${har.log.entries.length} exchanges written to ${values.out}`);
}
