export * from './exchange.js';
export * from './errors.js';
export * from './source.js';
export * from './analysis.js';
export * from './observation.js';
