export { exportOpenApi, type ShapeInput, type ExportOptions } from './export-openapi.js';
