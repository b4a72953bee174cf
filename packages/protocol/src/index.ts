export * from './errors.js';
export * from './close-codes.js';
export * from './limits.js';
export * from './model.js';
export * from './client-frames.js';
export * from './server-frames.js';
export * from './rest.js';
export * from './parse.js';
