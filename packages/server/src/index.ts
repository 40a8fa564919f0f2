export { startServer, defaultWebDir, DEFAULT_PORT, type ServerOptions, type RunningServer } from './server.js';
export { EventHub } from './events.js';
export { safeResolve } from './static.js';
export { looksLikeOpenApi, cleanName, type SpecImportHook, type UploadProgress } from './uploads.js';
export { apiDescription } from './openapi.js';
export { CSP, SECURITY_HEADERS } from './http-util.js';
