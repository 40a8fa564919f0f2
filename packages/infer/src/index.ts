export { PathTemplater, splitPath, type TemplateResult } from './path-templater.js';
export { segmentKind, type SegmentKind } from './segment-kind.js';
export { paramNameFor } from './param-name.js';
export { inferSchema, mergeSchemas, tidySchema, defaultSchemaCaps, type SchemaCaps } from './json-schema.js';
export { stringFormat, scalarType } from './value-format.js';
export { authSchemes, credentials, type Credential } from './auth-scheme.js';
export { parseBody, defaultBodyCaps, type ParsedBody, type BodyCaps } from './body-fields.js';
export { isContractHeader } from './request-headers.js';
export { SchemaAccumulator } from './schema-accumulator.js';
