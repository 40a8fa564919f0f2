import { type Body, type Header, mediaType } from '@overhear/model';

/** What a body holds, for schema inference: parsed JSON, form fields, or nothing readable. */
export type ParsedBody =
  | { kind: 'json'; mediaType: string; value: unknown }
  | { kind: 'form'; mediaType: string; fields: Array<[string, string]> }
  | { kind: 'multipart'; mediaType: string; fields: string[] }
  | { kind: 'other'; mediaType: string };

export interface BodyCaps {
  /** Bodies larger than this are not parsed (their media type is still recorded). */
  maxParseBytes: number;
}

export const defaultBodyCaps: BodyCaps = { maxParseBytes: 1024 * 1024 };

export function parseBody(body: Body | undefined, headers: readonly Header[], caps: BodyCaps = defaultBodyCaps): ParsedBody | undefined {
  if (!body || body.length === 0) return undefined;
  const mt = mediaType(headers) ?? sniff(body.bytes);
  if (body.truncated || body.bytes.length > caps.maxParseBytes) return { kind: 'other', mediaType: mt };
  if (mt === 'application/json' || mt.endsWith('+json') || mt === 'text/json') {
    try {
      return { kind: 'json', mediaType: mt, value: JSON.parse(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength).toString('utf8')) };
    } catch {
      return { kind: 'other', mediaType: mt };
    }
  }
  if (mt === 'application/x-www-form-urlencoded') {
    const text = Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength).toString('utf8');
    return { kind: 'form', mediaType: mt, fields: [...new URLSearchParams(text)] };
  }
  if (mt === 'multipart/form-data') {
    return { kind: 'multipart', mediaType: mt, fields: multipartNames(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength)) };
  }
  return { kind: 'other', mediaType: mt };
}

/** Without a Content-Type, a body that starts like JSON is taken as JSON; else octet-stream. */
function sniff(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length && i < 64; i++) {
    const c = bytes[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x5b ? 'application/json' : 'application/octet-stream';
  }
  return 'application/octet-stream';
}

const MAX_PARTS = 200;

function multipartNames(buf: Buffer): string[] {
  const names: string[] = [];
  const text = buf.toString('latin1');
  const re = /content-disposition:[^\r\n]*?\bname="([^"]{1,200})"/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && names.length < MAX_PARTS) if (!names.includes(m[1]!)) names.push(m[1]!);
  return names;
}
