export { Catalog, CatalogError, type CatalogOptions, type SchemaMerger, type SourceRecord } from './catalog.js';
export { listEndpoints, endpointShapes, listFindings, listHosts, listSources, type EndpointFilter, type EndpointShape, type HostRecord, type SourceInfo } from './queries.js';
export { migrations } from './migrations.js';
