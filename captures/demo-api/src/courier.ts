/**
 * track.courier.example — a third-party logistics API the shop hands its
 * customers' details to. Tracking is public (anyone with a tracking number
 * sees the recipient), and the API key travels in the query string.
 */
import { type Address, customerById, fixtures, fullName, upsTrackingNumber } from './fixtures.js';
import { Router, type Ctx, jsonBody, sendJson } from './http-kit.js';

export const COURIER_HOST = 'track.courier.example';
const DEPOT = { name: 'Castle Donington Hub', lat: 52.8317, lon: -1.3325 };

interface Recipient {
  name: string;
  phone: string;
  email?: string;
  address: Address;
}

interface Shipment {
  trackingNumber: string;
  reference: string;
  service: 'standard' | 'express';
  status: 'label_created' | 'in_transit' | 'out_for_delivery' | 'delivered';
  recipient: Recipient;
  location: { lat: number; lon: number; description: string };
  estimatedDelivery: string;
  events: { at: string; status: string; location: string }[];
}

const e164 = (phone: string): string => phone.replace(/[^\d+]/g, '');
const addDays = (iso: string, days: number, hour: number): string => {
  const d = new Date(iso);
  d.setUTCDate(d.getUTCDate() + days);
  d.setUTCHours(hour, 12 + days * 7, 0, 0);
  return d.toISOString().replace('.000Z', 'Z');
};

/** The parcels the courier already holds for the shop's shipped and delivered orders. */
function initialShipments(): Map<string, Shipment> {
  const out = new Map<string, Shipment>();
  for (const o of fixtures().orders) {
    const c = customerById(o.customerId);
    if (!o.trackingNumber || !c) continue;
    const delivered = o.status === 'delivered';
    const events = [
      { at: addDays(o.placedAt, 1, 9), status: 'label_created', location: 'Shop warehouse, Leicester' },
      { at: addDays(o.placedAt, 1, 18), status: 'in_transit', location: DEPOT.name },
      ...(delivered
        ? [
            { at: addDays(o.placedAt, 2, 7), status: 'out_for_delivery', location: `${c.address.city} delivery office` },
            { at: addDays(o.placedAt, 2, 14), status: 'delivered', location: `${c.address.line1}, ${c.address.city}` },
          ]
        : []),
    ];
    out.set(o.trackingNumber, {
      trackingNumber: o.trackingNumber,
      reference: `order-${o.id}`,
      service: o.id % 3 === 0 ? 'express' : 'standard',
      status: delivered ? 'delivered' : 'in_transit',
      recipient: { name: fullName(c), phone: e164(c.phone), address: c.address },
      // Where the parcel is now; for a delivered one that is the customer's front door.
      location: delivered ? { ...c.geo, description: 'Delivered to recipient' } : { lat: DEPOT.lat, lon: DEPOT.lon, description: DEPOT.name },
      estimatedDelivery: addDays(o.placedAt, 2, 18).slice(0, 10),
      events,
    });
  }
  return out;
}

function track(ctx: Ctx, shipments: Map<string, Shipment>): void {
  const tn = (ctx.params.trackingNumber ?? '').toUpperCase();
  const s = shipments.get(tn);
  if (!s) return sendJson(ctx.res, 404, { error: 'not_found', message: `Unknown tracking number ${tn}` });
  sendJson(ctx.res, 200, s, { 'Cache-Control': 'no-cache' });
}

function rates(ctx: Ctx): void {
  if (ctx.query.get('api_key') !== fixtures().secrets.courierApiKey) return sendJson(ctx.res, 401, { error: 'invalid_api_key' });
  const from = ctx.query.get('from');
  const to = ctx.query.get('to');
  if (!from || !to) return sendJson(ctx.res, 400, { error: 'from and to are required' });
  const distance = Math.abs(from.charCodeAt(0) - to.charCodeAt(0)) + Math.abs(from.length - to.length);
  sendJson(ctx.res, 200, {
    from, to, currency: 'GBP',
    rates: [
      { service: 'standard', amount: Math.round((3.49 + distance * 0.11) * 100) / 100, days: 2 + (distance % 2) },
      { service: 'express', amount: Math.round((7.99 + distance * 0.17) * 100) / 100, days: 1 },
    ],
  });
}

function createShipment(ctx: Ctx, shipments: Map<string, Shipment>, counter: { next: number }): void {
  if (ctx.req.headers['x-api-key'] !== fixtures().secrets.courierApiKey) return sendJson(ctx.res, 401, { error: 'invalid_api_key' });
  const body = jsonBody<{ reference?: string; service?: string; recipient?: Recipient }>(ctx);
  const r = body?.recipient;
  if (!body?.reference || !r?.name || !r.phone || !r.address?.postcode) {
    return sendJson(ctx.res, 400, { error: 'bad_request', message: 'reference and recipient name, phone and address are required' });
  }
  const trackingNumber = upsTrackingNumber(counter.next++);
  const shipment: Shipment = {
    trackingNumber,
    reference: body.reference,
    service: body.service === 'express' ? 'express' : 'standard',
    status: 'label_created',
    recipient: r,
    location: { lat: DEPOT.lat, lon: DEPOT.lon, description: 'Shop warehouse, Leicester' },
    estimatedDelivery: '2026-11-25',
    events: [{ at: '2026-11-22T09:00:00Z', status: 'label_created', location: 'Shop warehouse, Leicester' }],
  };
  shipments.set(trackingNumber, shipment);
  sendJson(ctx.res, 201, {
    trackingNumber, status: shipment.status, estimatedDelivery: shipment.estimatedDelivery,
    labelUrl: `http://${COURIER_HOST}/v1/labels/${trackingNumber}.pdf`,
  }, { Location: `/v1/track/${trackingNumber}` });
}

/** Package numbers for new labels start here, well clear of the existing parcels. */
export const FIRST_NEW_PACKAGE = 3100000;

export function courierRouter(): Router {
  const shipments = initialShipments();
  const counter = { next: FIRST_NEW_PACKAGE };
  return new Router()
    .on('GET', '/v1/track/{trackingNumber}', (ctx) => track(ctx, shipments))
    .on('GET', '/v1/rates', rates)
    .on('POST', '/v1/shipments', (ctx) => createShipment(ctx, shipments, counter));
}
