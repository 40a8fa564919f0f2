import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { repoRoot } from '@overhear/testkit';

/**
 * Seeds for the openapi fuzz target, all small: structure, not size, finds
 * bugs, and a small input runs hundreds of times faster than a whole spec.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every internal `$ref` under v. */
function refsIn(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => refsIn(x, out));
  else if (isObj(v)) {
    if (typeof v.$ref === 'string' && v.$ref.startsWith('#/')) out.add(v.$ref);
    Object.values(v).forEach((x) => refsIn(x, out));
  }
  return out;
}

function at(doc: Obj, pointer: string): unknown {
  let cur: unknown = doc;
  for (const k of pointer.slice(2).split('/')) cur = isObj(cur) ? cur[k.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return cur;
}

/** `#/components/<kind>/<name>` → [kind, name], for refs into components only. */
function componentOf(ref: string): [string, string] | undefined {
  const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
  return m ? [m[1]!, m[2]!.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
}

/**
 * One spec per path of the demo spec: openapi, info and servers, that path
 * item, and only the components it refers to, transitively. As YAML and as JSON.
 */
export function specPerPath(text: string, maxLen: number): Buffer[] {
  const doc = parseYaml(text) as Obj;
  const out: Buffer[] = [];
  for (const [path, item] of Object.entries(isObj(doc.paths) ? doc.paths : {})) {
    const components: Record<string, Obj> = {};
    const todo = [...refsIn(item)];
    const done = new Set<string>();
    while (todo.length) {
      const ref = todo.pop()!;
      if (done.has(ref)) continue;
      done.add(ref);
      const c = componentOf(ref);
      const target = at(doc, ref);
      if (!c || target === undefined) continue;
      (components[c[0]] ??= {})[c[1]] = target;
      todo.push(...refsIn(target));
    }
    const small: Obj = { openapi: doc.openapi, info: doc.info, servers: doc.servers, paths: { [path]: item } };
    if (Object.keys(components).length) small.components = components;
    for (const b of [Buffer.from(toYaml(small, { aliasDuplicateObjects: false })), Buffer.from(JSON.stringify(small, null, 1))]) {
      if (b.length <= maxLen) out.push(b);
    }
  }
  return out;
}

/** Small handwritten specs for what the demo spec does not show. */
export const HANDWRITTEN = [
  // Swagger 2.0: host and basePath, consumes/produces at both levels, body, formData and path-level parameters.
  `swagger: "2.0"
info: {title: Pets, version: "1.0"}
host: API.example.com:443
basePath: /v1/
schemes: [https]
consumes: [application/json, application/x-www-form-urlencoded]
produces: [application/json]
paths:
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, type: integer, format: int64}
    get:
      produces: [application/xml, application/json]
      parameters:
        - {name: fields, in: query, type: array, items: {type: string}, collectionFormat: csv}
        - {name: X-Trace, in: header, type: string}
      responses:
        "200": {description: ok, schema: {$ref: "#/definitions/Pet"}}
        default: {description: error}
    post:
      consumes: [multipart/form-data]
      parameters:
        - {name: photo, in: formData, type: file}
        - {name: note, in: formData, type: string, enum: [a, b]}
      responses:
        "201": {description: created}
  /pets:
    put:
      deprecated: true
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}
      responses:
        "204": {description: done}
definitions:
  Pet:
    type: object
    required: [id]
    properties:
      id: {type: integer, format: int64}
      tags: {type: array, items: {type: string}}
      owner:
        allOf:
          - {$ref: "#/definitions/Owner"}
          - {type: object, properties: {since: {type: string, format: date}}}
  Owner:
    type: object
    properties: {name: {type: string}}
`,
  // OpenAPI 3.1: webhooks, a path item $ref, server variables, type arrays, const, oneOf.
  `openapi: 3.1.0
info: {title: Hooks, version: "2"}
jsonSchemaDialect: https://json-schema.org/draft/2020-12/schema
servers:
  - url: "{scheme}://{region}.example.com/api/{version}"
    variables:
      scheme: {default: https, enum: [https, http]}
      region: {default: eu}
      version: {default: v3}
paths:
  /events/{id}:
    $ref: "#/components/pathItems/Event"
webhooks:
  orderPlaced:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Event"}
      responses:
        "200": {description: ack}
components:
  pathItems:
    Event:
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      get:
        responses:
          "200":
            description: one event
            content: {application/json: {schema: {$ref: "#/components/schemas/Event"}}}
  schemas:
    Event:
      type: object
      properties:
        id: {type: [string, "null"], format: uuid}
        kind: {const: order.placed}
        data: {oneOf: [{type: integer, exclusiveMinimum: 0}, {type: string, maxLength: 10}]}
      additionalProperties: false
`,
  // A recursive schema, nullable, anyOf, a response $ref, path-level and operation parameters, two servers.
  `openapi: 3.0.3
info: {title: Tree, version: "1"}
servers: [{url: /api}, {url: "https://Tree.example.com:8443/api/"}]
paths:
  /nodes/{id}:
    parameters: [{$ref: "#/components/parameters/id"}]
    patch:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: sid, in: cookie, schema: {type: string}}
      requestBody:
        content:
          application/merge-patch+json:
            schema: {$ref: "#/components/schemas/Node"}
      responses:
        "200": {$ref: "#/components/responses/Node"}
        4XX: {description: client error}
components:
  parameters:
    id: {name: id, in: path, required: true, schema: {type: integer}}
  responses:
    Node:
      description: a node
      content:
        application/json: {schema: {$ref: "#/components/schemas/Node"}}
  schemas:
    Node:
      type: object
      nullable: true
      properties:
        value: {type: string, nullable: true}
        children: {type: array, items: {$ref: "#/components/schemas/Node"}}
        parent: {anyOf: [{$ref: "#/components/schemas/Node"}, {type: string, pattern: "^n-"}]}
`,
  // External $refs: refused, importing never reads other files or the network.
  `openapi: 3.0.0
info: {title: Ext, version: "1"}
paths:
  /a:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "common.yaml#/components/schemas/A"}
        "500": {$ref: "https://example.com/errors.yaml#/Error"}
`,
  // JSON pointers with ~0, ~1 and percent-escapes.
  `openapi: 3.0.0
info: {title: Pointers, version: "1"}
paths:
  /a/{b}:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {$ref: "#/components/schemas/a~1b~0c"}}
  /copy:
    get:
      responses:
        "200": {$ref: "#/paths/~1a~1%7Bb%7D/get/responses/200"}
components:
  schemas:
    a/b~c: {type: object, properties: {x: {type: integer}}}
`,
  // Anchors and aliases: a shared operation, parameter and schema, and a small alias chain.
  `openapi: 3.0.3
info: &info {title: Anchors, version: "1"}
x-info: *info
paths:
  /a:
    get: &op
      parameters:
        - &limit {name: limit, in: query, schema: &int {type: integer, minimum: 1}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: *int}
    head: *op
  /b:
    get:
      parameters: [*limit, {name: id, in: query, schema: *int}]
      responses: {"204": {description: empty}}
x-l1: &l1 [*int, *int, *int]
x-l2: [*l1, *l1, *l1]
`,
].map((s) => Buffer.from(s));

export function openapiSeeds(maxLen: number, optic: Buffer[]): Buffer[] {
  const demo = readFileSync(join(repoRoot, 'captures/demo-api/openapi.yaml'), 'utf8');
  return [...specPerPath(demo, maxLen), ...optic, ...HANDWRITTEN];
}
