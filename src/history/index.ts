export * from './events.js';
export { History, ofKind } from './history.js';
export { now } from './clock.js';
