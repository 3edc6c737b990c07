/**
 * `@vicinity/client`: a TypeScript client of the Vicinity WebSocket protocol (docs/protocol.md).
 * Zero runtime dependencies; runs in browsers and on Node >= 20 (pass a WebSocket constructor there).
 */
export { VicinityClient } from './client.js';
export { VicinityError } from './errors.js';
export { systemClock } from './transport.js';
export * from './generated/protocol.js';
