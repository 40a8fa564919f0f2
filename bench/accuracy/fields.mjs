// Field paths of JSON Schemas, shared by the scorer and the peer runner.
export /** Field paths of a JSON Schema ("$.a", "$.a[].b", "$.m.*"), resolving $refs against `doc`. */
function schemaFields(schema, doc, out = new Set(), path = '$', depth = 0, seen = new Set()) {
  if (!schema || typeof schema !== 'object' || depth > 7 || out.size > 5000) return out;
  if (schema.$ref) {
    if (seen.has(schema.$ref)) return out;
    let cur = doc;
    for (const part of schema.$ref.replace(/^#\//, '').split('/')) cur = cur?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return schemaFields(cur, doc, out, path, depth, new Set([...seen, schema.$ref]));
  }
  for (const k of ['allOf', 'oneOf', 'anyOf']) if (Array.isArray(schema[k])) for (const s of schema[k]) schemaFields(s, doc, out, path, depth, seen);
  if (schema.properties) {
    for (const [k, v] of Object.entries(schema.properties)) {
      out.add(`${path}.${k}`);
      schemaFields(v, doc, out, `${path}.${k}`, depth + 1, seen);
    }
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && Object.keys(schema.properties ?? {}).length === 0) {
    out.add(`${path}.*`);
    schemaFields(schema.additionalProperties, doc, out, `${path}.*`, depth + 1, seen);
  }
  if (schema.items) schemaFields(schema.items, doc, out, `${path}[]`, depth + 1, seen);
  return out;
}

