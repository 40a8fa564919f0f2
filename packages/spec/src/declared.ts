import type { JsonSchema, ParamLocation } from '@overhear/model';

/**
 * A declared (documented) API, normalised from OpenAPI 2.0, 3.0 or 3.1:
 * every operation with its full path template (server base path included),
 * parameters and body schemas as plain JSON Schema (refs resolved, cycles cut).
 */
export interface DeclaredParameter {
  name: string;
  in: ParamLocation;
  required: boolean;
  schema?: JsonSchema;
}

export interface DeclaredOperation {
  method: string;
  /** Full template as traffic shows it: base path + path, OpenAPI `{name}` syntax. */
  path: string;
  deprecated: boolean;
  parameters: DeclaredParameter[];
  /** Media type → schema (undefined when the spec gives none). */
  requestBody?: Record<string, JsonSchema | undefined>;
  /** Status ("200", "4XX", "default") → media type → schema. */
  responses: Record<string, Record<string, JsonSchema | undefined>>;
}

export interface DeclaredSpec {
  title: string;
  version: string;
  /** "2.0", "3.0.3", "3.1.0"… */
  openapi: string;
  /** Hosts the spec's servers name (lower-case, with non-default port). Empty when it names none. */
  hosts: string[];
  basePath: string;
  operations: DeclaredOperation[];
}
