export { Catalog, CatalogError, type CatalogOptions, type SchemaMerger, type SourceRecord } from './catalog.js';
export { listEndpoints, endpointShapes, listFindings, listHosts, listSources, type EndpointFilter, type EndpointShape, type HostRecord, type SourceInfo } from './queries.js';
export { migrations } from './migrations.js';
export { mergeEndpoints } from './merge-endpoints.js';
export * from './dashboard-queries.js';
export { applyEvaluation, observedEndpoints, setRisks, type Evaluation, type DerivedFinding, type ObservedRow } from './evaluation.js';
export { storeSpec, listSpecs, removeSpec, specDocuments, type StoredSpec, type SpecToStore } from './specs.js';
export { captureFileDone, recordCaptureFile, listCaptureFiles, writeSensorStatus, type CaptureFileRecord } from './capture-files.js';
