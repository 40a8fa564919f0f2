/**
 * The demo API's data: customers, products, orders, stores and parcels, all
 * generated from one seed so that the server and the scripted client agree
 * without talking, and every recording serves the same bodies.
 *
 * Everything is fake but format-valid: emails at example.com / example.org,
 * UK numbers from Ofcom's drama range (020 7946 0xxx) and Australian ones
 * from ACMA's fictional range (0491 570 xxx), real-looking postcodes, and
 * UPS-style tracking numbers with a correct check digit.
 */
import { Rng } from './prng.js';

export const SEED = 0x0e1ea5e;

export interface Address {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postcode: string;
  country: 'GB' | 'AU';
}

export interface Customer {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  /** International format with spaces, as the shop stores it. */
  phone: string;
  dateOfBirth: string;
  /** Only the server knows it; the client knows the demo shoppers' passwords. */
  password: string;
  passwordHash: string;
  address: Address;
  geo: { lat: number; lon: number };
  createdAt: string;
  lastLoginIp: string;
  marketingOptIn: boolean;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  category: string;
  price: number;
  currency: 'GBP';
  stock: number;
}

export interface OrderItem {
  productId: number;
  name: string;
  quantity: number;
  unitPrice: number;
}

export type OrderStatus = 'processing' | 'shipped' | 'delivered' | 'cancelled';

export interface Order {
  id: number;
  customerId: number;
  status: OrderStatus;
  placedAt: string;
  items: OrderItem[];
  total: number;
  /** The token in the "view your order" link the shop emails to the buyer. */
  guestToken: string;
  trackingNumber: string | null;
  payment: { brand: 'visa' | 'mastercard'; last4: string; expMonth: number; expYear: number };
}

export interface Store {
  id: string;
  name: string;
  city: string;
}

/** A back-office account: signs in like a shopper, gets a token with role "staff". */
export interface StaffAccount {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

export interface Fixtures {
  customers: Customer[];
  staff: StaffAccount;
  products: Product[];
  orders: Order[];
  stores: Store[];
  /** Secrets the services were configured with (all fake). */
  secrets: {
    jwtSecret: string;
    courierApiKey: string;
    stripeKey: string;
  };
}

/** Shoppers whose passwords the scripted client knows. */
export const DEMO_SHOPPER_IDS = [1, 2, 3] as const;

const FIRST = ['Alice', 'Oliver', 'Priya', 'James', 'Sofia', 'Mohammed', 'Grace', 'Thomas', 'Amara', 'Daniel', 'Chloe', 'Rhys',
  'Isla', 'Kwame', 'Hannah', 'Lucas', 'Mei', 'George', 'Zara', 'Patrick', 'Niamh', 'Samuel', 'Elena', 'Finn'];
const LAST = ['Whitfield', 'Okafor', 'Sharma', 'Thornton', 'Rossi', 'Haddad', 'Pemberton', 'Gallagher', 'Mensah', 'Hughes',
  'Fairclough', 'Llewellyn', 'MacLeod', 'Asante', 'Brennan', 'Moreau', 'Chen', 'Ashworth', 'Qureshi', 'Doyle', 'Kavanagh',
  'Adeyemi', 'Novak', 'Lindqvist'];
const STREETS = ['Albion Road', 'Cranbrook Avenue', 'Victoria Street', 'Mill Lane', 'Church Road', 'Station Road', 'Park Avenue',
  'Grove Terrace', 'Queens Road', 'Kingsley Close', 'Elm Grove', 'Chestnut Drive', 'Beaconsfield Road', 'Hawthorn Way'];
const UK_AREAS = [
  { city: 'London', outward: ['N16', 'E8', 'SE15', 'SW9', 'NW5', 'W12', 'E17'], lat: 51.5072, lon: -0.1276 },
  { city: 'Manchester', outward: ['M14', 'M20', 'M21'], lat: 53.4808, lon: -2.2426 },
  { city: 'Leeds', outward: ['LS6', 'LS8'], lat: 53.8008, lon: -1.5491 },
  { city: 'Bristol', outward: ['BS6', 'BS7'], lat: 51.4545, lon: -2.5879 },
  { city: 'Edinburgh', outward: ['EH6', 'EH9'], lat: 55.9533, lon: -3.1883 },
] as const;
const AU_AREAS = [
  { city: 'Surry Hills', postcode: '2010' },
  { city: 'Newtown', postcode: '2042' },
  { city: 'Bondi', postcode: '2026' },
] as const;
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const ADJECTIVES = ['Enamel', 'Cast Iron', 'Linen', 'Oak', 'Ceramic', 'Copper', 'Wool', 'Bamboo', 'Stoneware', 'Walnut',
  'Canvas', 'Glass'];
const NOUNS: Record<string, string[]> = {
  kitchen: ['Mug', 'Skillet', 'Teapot', 'Colander', 'Chopping Board', 'Salad Bowl'],
  home: ['Throw', 'Lamp', 'Cushion', 'Vase', 'Mirror', 'Clock'],
  garden: ['Planter', 'Watering Can', 'Trowel', 'Bird Feeder'],
  office: ['Notebook', 'Desk Tidy', 'Pen Pot', 'Letter Tray'],
  outdoor: ['Flask', 'Picnic Blanket', 'Lantern', 'Camping Stool'],
};
const CATEGORIES = Object.keys(NOUNS);

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const money = (pence: number): number => Math.round(pence) / 100;

/** UPS "1Z" tracking number check digit over the 15 characters after "1Z". */
export function upsCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : (c - 63) % 10;
    sum += i % 2 === 0 ? v : v * 2;
  }
  return (10 - (sum % 10)) % 10;
}

export function upsTrackingNumber(packageNumber: number): string {
  const body = `999AA101${pad(packageNumber, 7)}`;
  return `1Z${body}${upsCheckDigit(body)}`;
}

/** A string that looks like a bcrypt hash but is not one of any password. */
function fakeBcrypt(rng: Rng): string {
  return `$2b$10$${rng.chars('./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 53)}`;
}

function makeCustomer(rng: Rng, id: number): Customer {
  const firstName = FIRST[(id - 1) % FIRST.length] ?? 'Alex';
  const lastName = LAST[(id * 7) % LAST.length] ?? 'Smith';
  const domain = id % 4 === 0 ? 'example.org' : 'example.com';
  const email = `${firstName}.${lastName}${id > 12 ? id : ''}@${domain}`.toLowerCase();
  const australian = id % 8 === 5;
  let address: Address;
  let geo: { lat: number; lon: number };
  let phone: string;
  if (australian) {
    const area = rng.pick(AU_AREAS);
    address = { line1: `${rng.int(2, 180)} ${rng.pick(STREETS)}`, city: area.city, region: 'NSW', postcode: area.postcode, country: 'AU' };
    geo = { lat: -33.8915 + rng.int(-150, 150) / 10000, lon: 151.2767 + rng.int(-300, 300) / 10000 };
    phone = `+61 491 570 ${pad(100 + id * 7, 3)}`;
  } else {
    const area = rng.pick(UK_AREAS);
    const postcode = `${rng.pick(area.outward)} ${rng.int(1, 9)}${rng.chars(INWARD_LETTERS, 2)}`;
    address = { line1: `${rng.int(2, 180)} ${rng.pick(STREETS)}`, city: area.city, postcode, country: 'GB' };
    if (rng.next() < 0.35) address = { line1: `Flat ${rng.int(1, 12)}`, line2: address.line1, city: area.city, postcode, country: 'GB' };
    geo = { lat: area.lat + rng.int(-400, 400) / 10000, lon: area.lon + rng.int(-400, 400) / 10000 };
    phone = `+44 20 7946 0${pad(100 + id * 37, 3)}`;
  }
  const year = rng.int(1961, 2003);
  return {
    id,
    firstName,
    lastName,
    email,
    phone,
    dateOfBirth: `${year}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`,
    password: rng.alnum(14),
    passwordHash: fakeBcrypt(rng),
    address,
    geo: { lat: Math.round(geo.lat * 1e4) / 1e4, lon: Math.round(geo.lon * 1e4) / 1e4 },
    createdAt: `20${rng.int(19, 25)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}T${pad(rng.int(7, 22), 2)}:${pad(rng.int(0, 59), 2)}:00Z`,
    lastLoginIp: `203.0.113.${rng.int(2, 254)}`,
    marketingOptIn: rng.next() < 0.6,
  };
}

function makeProducts(rng: Rng): Product[] {
  const products: Product[] = [];
  for (let i = 0; i < 48; i++) {
    const category = CATEGORIES[i % CATEGORIES.length] ?? 'home';
    const nouns = NOUNS[category] ?? ['Thing'];
    const name = `${rng.pick(ADJECTIVES)} ${nouns[Math.floor(i / CATEGORIES.length) % nouns.length]}`;
    products.push({
      id: 1001 + i,
      sku: `${category.slice(0, 3).toUpperCase()}-${pad(4000 + i * 13, 5)}`,
      name,
      category,
      price: money(rng.int(399, 14999)),
      currency: 'GBP',
      // Every ninth product is sold out, so the cart can answer 409.
      stock: (i + 1) % 9 === 0 ? 0 : rng.int(3, 80),
    });
  }
  return products;
}

function makeOrders(rng: Rng, customers: Customer[], products: Product[]): Order[] {
  const orders: Order[] = [];
  let nextPackage = 2345678; // the first one is UPS's own example, 1Z999AA10123456784
  for (let i = 0; i < 60; i++) {
    // The three demo shoppers own the first orders, so their history is not empty.
    const customerId = i < 9 ? (i % 3) + 1 : rng.int(1, customers.length);
    const items: OrderItem[] = [];
    const count = rng.int(1, 3);
    for (let k = 0; k < count; k++) {
      const p = rng.pick(products);
      items.push({ productId: p.id, name: p.name, quantity: rng.int(1, 3), unitPrice: p.price });
    }
    const status = rng.pick<OrderStatus>(['processing', 'shipped', 'shipped', 'delivered', 'delivered', 'cancelled']);
    const tracked = status === 'shipped' || status === 'delivered';
    orders.push({
      id: 10001 + i,
      customerId,
      status,
      placedAt: `2026-${pad(10 + Math.floor(i / 40), 2)}-${pad((i % 28) + 1, 2)}T${pad(rng.int(7, 22), 2)}:${pad(rng.int(0, 59), 2)}:${pad(rng.int(0, 59), 2)}Z`,
      items,
      total: money(items.reduce((s, it) => s + it.unitPrice * 100 * it.quantity, 0)),
      guestToken: rng.hex(64),
      trackingNumber: tracked ? upsTrackingNumber(nextPackage++) : null,
      payment: { brand: rng.next() < 0.5 ? 'visa' : 'mastercard', last4: pad(rng.int(0, 9999), 4), expMonth: rng.int(1, 12), expYear: rng.int(2027, 2031) },
    });
  }
  return orders;
}

let cached: Fixtures | undefined;

/** The whole data set; the same on every call and every run. */
export function fixtures(): Fixtures {
  if (cached) return cached;
  const rng = new Rng(SEED);
  const customers = Array.from({ length: 24 }, (_, i) => makeCustomer(rng, i + 1));
  const products = makeProducts(rng);
  const orders = makeOrders(rng, customers, products);
  const stores: Store[] = [
    { id: rng.uuid(), name: 'Shoreditch', city: 'London' },
    { id: rng.uuid(), name: 'Northern Quarter', city: 'Manchester' },
    { id: rng.uuid(), name: 'Stokes Croft', city: 'Bristol' },
    { id: rng.uuid(), name: 'Leith Walk', city: 'Edinburgh' },
  ];
  const secrets = {
    // Deliberately weak: the first word of every JWT-cracking wordlist.
    jwtSecret: 'secret',
    courierApiKey: `ck_${rng.hex(32)}`,
    // Stripe's shape, but made here from a seeded PRNG and marked, never issued by Stripe.
    stripeKey: `sk_live_0verhearDemo${rng.alnum(20)}`,
  };
  const staff: StaffAccount = { id: 900, firstName: 'Ruth', lastName: 'Ellery', email: 'ruth.ellery@example.com', password: rng.alnum(16) };
  cached = { customers, staff, products, orders, stores, secrets };
  return cached;
}

export function customerById(id: number): Customer | undefined {
  return fixtures().customers.find((c) => c.id === id);
}

export function fullName(c: Customer): string {
  return `${c.firstName} ${c.lastName}`;
}
