export * from './events.js';
export { History, ofKind, readHistory } from './history.js';
export { now } from './clock.js';
