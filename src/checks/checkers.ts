import { checkAvailability } from './availability.js';
import type { Checker } from './checker.js';
import { checkConvergence } from './convergence.js';
import { checkEvidence } from './evidence.js';
import { checkFaultEvidence } from './fault-evidence.js';
import { checkRecovery } from './recovery.js';
import { checkFailover } from './failover.js';
import { checkLaggingPromotions } from './lagging-promotions.js';
import { checkLatency } from './latency.js';
import { checkLeaderChanges } from './leader-changes.js';
import { checkNoLeader } from './no-leader.js';
import { checkPrimaries } from './primaries.js';
import { checkSet } from './set.js';
import { checkStaleLeaderWrites } from './stale-leader.js';
import { checkSteps } from './steps.js';
import { checkWrites } from './writes.js';

/** Every check analyze runs, in report order. */
export const CHECKERS: readonly Checker[] = [
  { name: 'writes', metrics: [], check: checkWrites },
  { name: 'failover', metrics: ['rto_ms', 'detection_ms', 'promotion_ms', 'reroute_ms'], check: checkFailover },
  { name: 'availability', metrics: ['unavailability_ms'], check: checkAvailability },
  { name: 'no-leader', metrics: ['no_leader_ms'], check: checkNoLeader },
  {
    name: 'set',
    metrics: ['lost_writes', 'rpo_ms', 'unexpected_writes', 'recovered_writes', 'ghost_writes'],
    check: checkSet,
  },
  { name: 'split-brain', metrics: ['max_concurrent_primaries', 'split_brain_ms'], check: checkPrimaries },
  { name: 'convergence', metrics: ['convergence_ms'], check: checkConvergence },
  { name: 'recovery', metrics: ['recovery_ms'], check: checkRecovery },
  { name: 'stale-leader', metrics: ['stale_leader_writes'], check: checkStaleLeaderWrites },
  { name: 'leader-changes', metrics: ['leader_changes'], check: checkLeaderChanges },
  { name: 'lagging-promotions', metrics: ['lagging_promotions', 'promotion_lag_bytes'], check: checkLaggingPromotions },
  { name: 'steps', metrics: ['failed_steps'], check: checkSteps },
  { name: 'latency', metrics: [], check: checkLatency },
  { name: 'evidence', metrics: [], check: checkEvidence },
  { name: 'fault-evidence', metrics: [], check: checkFaultEvidence },
];
