export { exportOpenApi, type ShapeInput, type ExportOptions } from './export-openapi.js';
export { importSpec, toSchema } from './import-spec.js';
export { SpecMatcher, splitSegments, type SpecMatch } from './spec-matcher.js';
export type { DeclaredSpec, DeclaredOperation, DeclaredParameter } from './declared.js';
export { evaluateStates, versionKey, defaultStateOptions, type ObservedEndpoint, type StateVerdict, type UnusedOperation, type InventoryFinding, type StateOptions } from './spec-states.js';
export { driftOf, type DriftItem, type DriftKind, type ObservedShape } from './spec-drift.js';
