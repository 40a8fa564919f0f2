import type { DeclaredOperation, DeclaredSpec } from '@overhear/spec';
import type { JsonSchema } from '@overhear/model';

/**
 * Traffic that conforms to a declared spec, for tests with a known answer:
 * concrete paths from templates (values by the parameters' schemas) and
 * JSON bodies generated from the declared schemas, formats honoured.
 */

export function valueFor(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 10) return {};
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum.find((v) => v !== null) ?? schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.anyOf) && schema.anyOf.length) return valueFor(schema.anyOf[0] as JsonSchema, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null') : schema.type ? [schema.type] : [];
  const type = types[0] ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'integer':
      return typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : 7;
    case 'number':
      return 7.5;
    case 'boolean':
      return true;
    case 'string':
      return stringFor(schema);
    case 'array':
      return [valueFor(schema.items, depth + 1)];
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(schema.properties ?? {})) out[k] = valueFor(s, depth + 1);
      // Required names the schema gives no properties entry for (it happens: Spotify's paging objects).
      for (const k of (schema.required as string[] | undefined) ?? []) if (!(k in out)) out[k] = 'x';
      return out;
    }
    case 'null':
      return null;
    default:
      return 'x';
  }
}

function stringFor(s: JsonSchema): string {
  switch (s.format) {
    case 'date-time':
      return '2026-11-20T10:00:00Z';
    case 'date':
      return '2026-11-20';
    case 'email':
      return 'someone@example.com';
    case 'uuid':
      return '3f1c2b9e-8d4a-4c6e-9b1a-7e5d2c4f8a10';
    case 'uri':
    case 'url':
      return 'https://example.com/x';
    case 'ipv4':
      return '192.0.2.10';
    case 'ipv6':
      return '2001:db8::10';
    default:
      return 'text';
  }
}

export function concretePath(op: DeclaredOperation, n: number): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const s = op.parameters.find((p) => p.in === 'path' && p.name === name)?.schema;
    const v = valueFor(s);
    return encodeURIComponent(typeof v === 'string' ? `${v}${n}` : String(v));
  });
}

/** The first declared success status and its JSON schema (if any). */
export function successOf(op: DeclaredOperation): { status: number; mediaType?: string; schema?: JsonSchema } {
  const codes = Object.keys(op.responses).filter((c) => /^2\d\d$/.test(c)).sort();
  const code = codes[0] ?? (op.responses.DEFAULT ? '200' : '200');
  const content = op.responses[code] ?? op.responses.DEFAULT ?? {};
  const mt = Object.keys(content).find((m) => m === 'application/json' || m.endsWith('+json'));
  return mt ? { status: Number(code), mediaType: mt, ...(content[mt] ? { schema: content[mt] } : {}) } : { status: Number(code) };
}

export interface HarEntryInput {
  host: string;
  method: string;
  path: string;
  query?: Array<[string, string]>;
  status: number;
  responseBody?: unknown;
  requestBody?: unknown;
  time: number;
}

export function harOf(entries: HarEntryInput[]): string {
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'overhear-test', version: '1' },
      entries: entries.map((e) => ({
        startedDateTime: new Date(e.time).toISOString(),
        time: 3,
        request: {
          method: e.method,
          url: `https://${e.host}${e.path}${e.query?.length ? `?${new URLSearchParams(e.query)}` : ''}`,
          httpVersion: 'HTTP/1.1',
          headers: [{ name: 'Authorization', value: 'Bearer q8Zt2LmX9vRk4PbW7nYc1Hs6' }, ...(e.requestBody !== undefined ? [{ name: 'Content-Type', value: 'application/json' }] : [])],
          ...(e.requestBody !== undefined ? { postData: { mimeType: 'application/json', text: JSON.stringify(e.requestBody) } } : {}),
        },
        response: {
          status: e.status,
          statusText: '',
          httpVersion: 'HTTP/1.1',
          headers: e.responseBody !== undefined ? [{ name: 'Content-Type', value: 'application/json' }] : [],
          content: e.responseBody !== undefined ? { mimeType: 'application/json', text: JSON.stringify(e.responseBody) } : { size: 0, mimeType: '' },
        },
      })),
    },
  });
}

export function hostOf(spec: DeclaredSpec): string {
  return spec.hosts[0] ?? 'api.example.com';
}
