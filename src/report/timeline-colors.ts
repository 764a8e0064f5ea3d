import type { MemberRole } from './probe-state.js';

/** The timeline's palette, shared by the page's legend, its drawing and the browser test that reads the pixels. */
export const ROLE_COLORS: Record<MemberRole, string> = { primary: '#2e7d32', replica: '#1565c0', other: '#f9a825', unreachable: '#9e9e9e' };
// Leader colours are kept apart from the role colours so the DCS lane is never read as a role.
export const LEADER_COLORS = ['#6a1b9a', '#00838f', '#ef6c00', '#5d4037', '#ad1457', '#283593'];
export const NO_LEADER = '#c62828';
export const WRITE_OK = '#43a047';
export const WRITE_FAIL = '#e53935';
export const WRITE_INFO = '#fb8c00';
export const LATENCY_P50 = '#37474f';
export const LATENCY_MAX = '#b0bec5';
/** The fault's own lane: solid, so the window reads at a glance. */
export const FAULT_BAND = '#ef9a9a';
/** Behind every other lane, seen between them and behind the strips: light enough not to hide a bar. */
export const FAULT_SHADE = '#fdecea';
/** The alert lane: a rule pending (its `for:` running), then firing (the on-call is paged). */
export const ALERT_PENDING = '#ffe082';
export const ALERT_FIRING = '#d84315';
