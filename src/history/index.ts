export * from './events.js';
export { allEvents, History, ofKind, writesByEnd, writesOf, type Events, type HistoryView, type OtherEvent, type OtherKind } from './history.js';
export { WriteLog, type WriteSource } from './write-log.js';
export { now } from './clock.js';
