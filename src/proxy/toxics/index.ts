import { bandwidthToxic } from './bandwidth.js';
import { latencyToxic } from './latency.js';
import { limitDataToxic } from './limit-data.js';
import { noopToxic } from './noop.js';
import { ToxicRegistry } from './registry.js';
import { resetPeerToxic } from './reset-peer.js';
import { slicerToxic } from './slicer.js';
import { slowCloseToxic } from './slow-close.js';
import { timeoutToxic } from './timeout.js';

export { ToxicRegistry, decodeAttributes } from './registry.js';
export type { Attributes, CleanupToxic, Toxic, ToxicKind } from './toxic.js';
export { hasCleanup } from './toxic.js';
export type { BandwidthAttributes } from './bandwidth.js';
export type { LatencyAttributes } from './latency.js';
export type { LimitDataAttributes } from './limit-data.js';
export type { ResetPeerAttributes } from './reset-peer.js';
export type { SlicerAttributes } from './slicer.js';
export type { SlowCloseAttributes } from './slow-close.js';
export type { TimeoutAttributes } from './timeout.js';
export {
  bandwidthToxic,
  latencyToxic,
  limitDataToxic,
  noopToxic,
  resetPeerToxic,
  slicerToxic,
  slowCloseToxic,
  timeoutToxic,
};

/** A registry holding Toxiproxy's TCP toxics under their Toxiproxy names. */
export function defaultToxicRegistry(): ToxicRegistry {
  return new ToxicRegistry()
    .register('noop', noopToxic)
    .register('latency', latencyToxic)
    .register('bandwidth', bandwidthToxic)
    .register('slow_close', slowCloseToxic)
    .register('timeout', timeoutToxic)
    .register('reset_peer', resetPeerToxic)
    .register('slicer', slicerToxic)
    .register('limit_data', limitDataToxic);
}
