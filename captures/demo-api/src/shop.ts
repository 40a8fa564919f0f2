/**
 * shop.example.com — the storefront API. Each risky behaviour here is on
 * purpose and listed in captures/README.md and expected-findings.json.
 */
import { Rng } from './prng.js';
import { type Customer, type Order, customerById, fixtures, fullName, SEED } from './fixtures.js';
import { signJwt, verifyJwt, type JwtClaims } from './jwt.js';
import {
  Router, type Ctx, type HeaderList, bearerToken, isNumericId, jsonBody, parseCookies, sendChunkedJsonArray, sendGzipJson, sendJson,
} from './http-kit.js';

export const SHOP_HOST = 'shop.example.com';
const ISSUER = 'https://shop.example.com';
/** Five years: a session that outlives the laptop it was created on. */
export const SESSION_MAX_AGE = 157_680_000;
/** One year: far too long for a bearer access token. */
const TOKEN_LIFETIME = 365 * 24 * 3600;
const V1_SUNSET = 'Wed, 30 Sep 2026 23:59:59 GMT';

interface ShopState {
  rng: Rng;
  sessions: Map<string, number>;
  carts: Map<string, { productId: number; quantity: number }[]>;
}

function customerView(c: Customer): Record<string, unknown> {
  return {
    id: c.id, firstName: c.firstName, lastName: c.lastName, email: c.email, phone: c.phone,
    dateOfBirth: c.dateOfBirth, marketingOptIn: c.marketingOptIn, createdAt: c.createdAt,
  };
}

/** What v2 and v1 send for one order: the whole customer record rides along (excessive data exposure). */
function orderDetail(o: Order): Record<string, unknown> {
  const c = customerById(o.customerId);
  return {
    id: o.id,
    status: o.status,
    placedAt: o.placedAt,
    items: o.items,
    total: o.total,
    currency: 'GBP',
    trackingNumber: o.trackingNumber,
    shippingAddress: c ? { name: fullName(c), ...c.address } : null,
    payment: o.payment,
    customer: c ? { ...customerView(c), passwordHash: c.passwordHash, lastLoginIp: c.lastLoginIp, fraudScore: (c.id * 17) % 100 } : null,
  };
}

function orderSummary(o: Order): Record<string, unknown> {
  return { id: o.id, status: o.status, placedAt: o.placedAt, total: o.total, currency: 'GBP', itemCount: o.items.length };
}

function tokenClaims(ctx: Ctx): JwtClaims | undefined {
  const token = bearerToken(ctx.req);
  return token ? verifyJwt(token, fixtures().secrets.jwtSecret) : undefined;
}

function sessionCustomer(ctx: Ctx, state: ShopState): Customer | undefined {
  const sid = parseCookies(ctx.req.headers.cookie).sid;
  const id = sid ? state.sessions.get(sid) : undefined;
  return id === undefined ? undefined : customerById(id);
}

const unauthorized = (ctx: Ctx): void =>
  sendJson(ctx.res, 401, { error: 'unauthorized', message: 'Authentication required' }, { 'WWW-Authenticate': 'Bearer realm="shop"' });
const notFound = (ctx: Ctx, what = 'resource'): void => sendJson(ctx.res, 404, { error: 'not_found', message: `No such ${what}` });

function listProducts(ctx: Ctx): void {
  const all = [...fixtures().products];
  // No upper bound on limit: ?limit=500 returns the whole catalogue in one go.
  const limit = Math.max(1, Number(ctx.query.get('limit') ?? 20) || 20);
  const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1);
  // `sort` works but is not in the published spec.
  const sort = ctx.query.get('sort');
  if (sort === 'price_asc') all.sort((a, b) => a.price - b.price);
  if (sort === 'price_desc') all.sort((a, b) => b.price - a.price);
  const items = all.slice((page - 1) * limit, page * limit).map(({ stock, ...p }) => ({ ...p, inStock: stock > 0 }));
  sendGzipJson(ctx, 200, { items, page, limit, total: all.length });
}

function searchProducts(ctx: Ctx): void {
  const q = (ctx.query.get('q') ?? '').trim().toLowerCase();
  if (!q) return sendJson(ctx.res, 400, { error: 'bad_request', message: 'q is required' });
  const results = fixtures().products
    .filter((p) => p.name.toLowerCase().includes(q) || p.category === q)
    .map((p) => ({ id: p.id, name: p.name, price: p.price, currency: p.currency }));
  sendJson(ctx.res, 200, { query: q, results });
}

function getProduct(ctx: Ctx): void {
  const id = ctx.params.productId;
  const p = isNumericId(id) ? fixtures().products.find((x) => x.id === Number(id)) : undefined;
  if (!p) return notFound(ctx, 'product');
  const { stock, ...rest } = p;
  sendJson(ctx.res, 200, { ...rest, inStock: stock > 0 }, { 'Cache-Control': 'public, max-age=300' });
}

function login(ctx: Ctx, state: ShopState): void {
  const body = jsonBody<{ email?: unknown; password?: unknown }>(ctx);
  if (!body || typeof body.email !== 'string' || typeof body.password !== 'string') {
    return sendJson(ctx.res, 400, { error: 'bad_request', message: 'email and password are required' });
  }
  const { customers, staff } = fixtures();
  const c = customers.find((x) => x.email === body.email) ?? (staff.email === body.email ? staff : undefined);
  if (!c || c.password !== body.password) {
    return sendJson(ctx.res, 401, { error: 'invalid_credentials', message: 'Invalid email or password' });
  }
  const sid = state.rng.hex(32);
  state.sessions.set(sid, c.id);
  const iat = Math.floor(Date.now() / 1000);
  const accessToken = signJwt(
    { iss: ISSUER, sub: String(c.id), email: c.email, role: c === staff ? 'staff' : 'customer', iat, exp: iat + TOKEN_LIFETIME },
    fixtures().secrets.jwtSecret,
  );
  // No HttpOnly, no Secure, no SameSite, and a five-year lifetime.
  sendJson(ctx.res, 200, {
    user: { id: c.id, email: c.email, firstName: c.firstName, lastName: c.lastName },
    accessToken, tokenType: 'Bearer', expiresIn: TOKEN_LIFETIME,
  }, { 'Set-Cookie': `sid=${sid}; Max-Age=${SESSION_MAX_AGE}; Path=/` });
}

function me(ctx: Ctx, state: ShopState): void {
  // Reflects any Origin and allows credentials: any site can read the profile of a signed-in shopper.
  const origin = ctx.req.headers.origin;
  const cors: HeaderList = origin ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' } : {};
  const c = sessionCustomer(ctx, state);
  if (!c) return sendJson(ctx.res, 401, { error: 'unauthorized', message: 'Not signed in' }, cors);
  sendJson(ctx.res, 200, customerView(c), { ...cors, 'Cache-Control': 'no-store' });
}

function addresses(ctx: Ctx): void {
  const claims = tokenClaims(ctx);
  if (!claims) return unauthorized(ctx);
  const id = ctx.params.userId;
  if (!isNumericId(id)) return notFound(ctx, 'user');
  if (claims.sub !== id) return sendJson(ctx.res, 403, { error: 'forbidden', message: 'Not your account' });
  const c = customerById(Number(id));
  if (!c) return notFound(ctx, 'user');
  sendJson(ctx.res, 200, [{ id: c.id * 10 + 1, label: 'home', isDefault: true, name: fullName(c), phone: c.phone, ...c.address }]);
}

function addToCart(ctx: Ctx, state: ShopState): void {
  const sid = parseCookies(ctx.req.headers.cookie).sid;
  if (!sid || !state.sessions.has(sid)) return sendJson(ctx.res, 401, { error: 'unauthorized', message: 'Not signed in' });
  const body = jsonBody<{ productId?: unknown; quantity?: unknown }>(ctx);
  const product = fixtures().products.find((p) => p.id === body?.productId);
  const quantity = typeof body?.quantity === 'number' ? body.quantity : 1;
  if (!product || quantity < 1) return sendJson(ctx.res, 400, { error: 'bad_request', message: 'unknown product or quantity' });
  // 409 is real but undocumented in openapi.yaml.
  if (product.stock < quantity) return sendJson(ctx.res, 409, { error: 'out_of_stock', productId: product.id, available: product.stock });
  const cart = state.carts.get(sid) ?? [];
  cart.push({ productId: product.id, quantity });
  state.carts.set(sid, cart);
  const items = cart.map((it, i) => {
    const p = fixtures().products.find((x) => x.id === it.productId);
    return { itemId: i + 1, productId: it.productId, name: p?.name, quantity: it.quantity, unitPrice: p?.price };
  });
  const subtotal = Math.round(items.reduce((s, it) => s + (it.unitPrice ?? 0) * 100 * it.quantity, 0)) / 100;
  sendJson(ctx.res, 201, { items, subtotal, currency: 'GBP' });
}

function listOrders(ctx: Ctx): void {
  const claims = tokenClaims(ctx);
  if (!claims) return unauthorized(ctx);
  const status = ctx.query.get('status');
  const limit = Math.max(1, Number(ctx.query.get('limit') ?? 10) || 10);
  const mine = fixtures().orders.filter((o) => String(o.customerId) === claims.sub && (!status || o.status === status));
  const page = mine.slice(0, limit).map(orderSummary);
  // `nextCursor` is not in the published schema.
  sendJson(ctx.res, 200, { orders: page, nextCursor: mine.length > limit ? Buffer.from(`after:${page.length}`).toString('base64url') : null });
}

function getOrder(ctx: Ctx): void {
  const claims = tokenClaims(ctx);
  if (!claims) return unauthorized(ctx);
  const id = ctx.params.orderId;
  const o = isNumericId(id) ? fixtures().orders.find((x) => x.id === Number(id)) : undefined;
  if (!o || String(o.customerId) !== claims.sub) return notFound(ctx, 'order');
  sendJson(ctx.res, 200, orderDetail(o));
}

/** The link in the "your order" email: the token is in the URL and nothing else is asked. */
function guestOrder(ctx: Ctx): void {
  const id = ctx.params.orderId;
  const o = isNumericId(id) ? fixtures().orders.find((x) => x.id === Number(id)) : undefined;
  if (!o || ctx.query.get('token') !== o.guestToken) return notFound(ctx, 'order');
  const c = customerById(o.customerId);
  if (!c) return notFound(ctx, 'order');
  sendJson(ctx.res, 200, {
    orderId: o.id, status: o.status, placedAt: o.placedAt,
    customer: { name: fullName(c), email: c.email, phone: c.phone },
    shippingAddress: c.address, items: o.items, total: o.total, currency: 'GBP', trackingNumber: o.trackingNumber,
  }, { 'Cache-Control': 'private, no-store' });
}

/** The 2019 API the old mobile app still uses: any valid token reads any order, ids are sequential. */
function v1Order(ctx: Ctx): void {
  const deprecation = { Deprecation: 'true', Sunset: V1_SUNSET, Link: `</api/v2/orders/${ctx.params.orderId}>; rel="successor-version"` };
  if (!tokenClaims(ctx)) return sendJson(ctx.res, 401, { error: 'unauthorized' }, deprecation);
  const id = ctx.params.orderId;
  const o = isNumericId(id) ? fixtures().orders.find((x) => x.id === Number(id)) : undefined;
  if (!o) return sendJson(ctx.res, 404, { error: 'not_found' }, deprecation);
  sendJson(ctx.res, 200, { order: orderDetail(o) }, deprecation);
}

async function storeInventory(ctx: Ctx): Promise<void> {
  const store = fixtures().stores.find((s) => s.id === ctx.params.storeId);
  if (!store) return notFound(ctx, 'store');
  const rng = new Rng(SEED ^ parseInt(store.id.slice(0, 8), 16));
  const stock = fixtures().products.filter((_, i) => i % 3 !== 0).map((p) => ({ productId: p.id, sku: p.sku, onHand: rng.int(0, 40) }));
  await sendChunkedJsonArray(ctx.res, 200, stock, { 'X-Store-Name': store.name });
}

function dailyReport(ctx: Ctx): void {
  if (!tokenClaims(ctx)) return unauthorized(ctx);
  const date = ctx.params.date ?? '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return sendJson(ctx.res, 400, { error: 'bad_request', message: 'date must be YYYY-MM-DD' });
  const day = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) {
    // A well-formed but impossible date (2026-02-30) falls through to the generic handler, which leaks internals.
    return sendJson(ctx.res, 500, {
      error: 'RangeError: Invalid time value',
      stack: [
        'RangeError: Invalid time value',
        '    at Date.toISOString (<anonymous>)',
        '    at buildDailyReport (/srv/shop-api/src/reports/daily.js:42:31)',
        '    at async Router.handle (/srv/shop-api/node_modules/express/lib/router/index.js:284:7)',
      ].join('\n'),
      query: `SELECT sum(total) FROM orders WHERE placed_at::date = '${date}'`,
      node: 'v18.17.1',
    });
  }
  const rng = new Rng(SEED ^ Number(date.replace(/-/g, '')));
  const orders = rng.int(40, 220);
  sendJson(ctx.res, 200, {
    date, orders, revenue: Math.round(orders * rng.int(2500, 6000)) / 100, currency: 'GBP', refunds: rng.int(0, 9),
    topProducts: [rng.pick(fixtures().products).id, rng.pick(fixtures().products).id, rng.pick(fixtures().products).id],
  });
}

function debug(ctx: Ctx): void {
  const s = fixtures().secrets;
  sendJson(ctx.res, 200, {
    service: 'shop-api', version: '2.3.1', commit: '9f2c1e7', node: 'v18.17.1',
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://shop_app:Tr0ub4dor-demo@db-primary.internal:5432/shop',
      REDIS_URL: 'redis://cache.internal:6379/0',
      STRIPE_SECRET_KEY: s.stripeKey,
      // AWS's own documentation example pair, not a working key.
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      JWT_SECRET: s.jwtSecret,
      COURIER_API_KEY: s.courierApiKey,
    },
    lastError: [
      "TypeError: Cannot read properties of undefined (reading 'postcode')",
      '    at formatLabel (/srv/shop-api/src/shipping/label.js:88:41)',
      '    at createShipment (/srv/shop-api/src/shipping/courier.js:52:19)',
      '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n'),
  });
}

function unsubscribe(ctx: Ctx): void {
  const email = ctx.query.get('email');
  if (!email) return sendJson(ctx.res, 400, { error: 'bad_request', message: 'email is required' });
  sendJson(ctx.res, 200, { unsubscribed: true, list: ctx.query.get('list') ?? 'all' });
}

export function shopRouter(): Router {
  const state: ShopState = { rng: new Rng(SEED ^ 0x5e55), sessions: new Map(), carts: new Map() };
  return new Router()
    .on('GET', '/api/v2/health', (ctx) => sendJson(ctx.res, 200, { status: 'ok', version: '2.3.1', checks: { database: 'ok', cache: 'ok' } }))
    .on('GET', '/api/v2/products', listProducts)
    .on('GET', '/api/v2/products/search', searchProducts)
    .on('GET', '/api/v2/products/{productId}', getProduct)
    .on('POST', '/api/v2/login', (ctx) => login(ctx, state))
    .on('GET', '/api/v2/users/me', (ctx) => me(ctx, state))
    .on('GET', '/api/v2/users/{userId}/addresses', addresses)
    .on('POST', '/api/v2/cart/items', (ctx) => addToCart(ctx, state))
    .on('GET', '/api/v2/orders', listOrders)
    .on('GET', '/api/v2/orders/{orderId}', getOrder)
    .on('GET', '/api/v2/guest/orders/{orderId}', guestOrder)
    .on('GET', '/api/v1/orders/{orderId}', v1Order)
    .on('GET', '/api/v2/stores/{storeId}/inventory', storeInventory)
    .on('GET', '/api/v2/reports/daily/{date}', dailyReport)
    .on('GET', '/api/v2/newsletter/unsubscribe', unsubscribe)
    .on('GET', '/internal/debug', debug);
}
