/**
 * Geolocation: a latitude/longitude pair. Both must be in range and carry at
 * least two decimals (so "lat": 0 or a zoom level does not count), and the
 * pair must not be (0, 0).
 */

export function isCoordinate(v: unknown, max: number): boolean {
  let x: number;
  let s: string;
  if (typeof v === 'number') {
    x = v;
    s = String(v);
  } else if (typeof v === 'string' && v.length <= 24) {
    s = v.trim();
    x = Number(s);
  } else return false;
  if (!Number.isFinite(x) || Math.abs(x) > max) return false;
  const dot = s.indexOf('.');
  return dot >= 0 && s.length - dot - 1 >= 2 && !/e/i.test(s);
}

export function isLatLonPair(lat: unknown, lon: unknown): boolean {
  if (!isCoordinate(lat, 90) || !isCoordinate(lon, 180)) return false;
  return Number(lat) !== 0 || Number(lon) !== 0;
}

/** "51.5074,-0.1278" or "51.5074, -0.1278" or "51.5074 -0.1278". */
export function isLatLonString(value: string): boolean {
  if (value.length < 7 || value.length > 50) return false;
  const m = /^(-?\d{1,3}\.\d+)\s*[,; ]\s*(-?\d{1,3}\.\d+)$/.exec(value.trim());
  return m !== null && isLatLonPair(m[1], m[2]);
}
