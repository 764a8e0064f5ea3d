import { describe, expect, it } from 'vitest';
import { procInfo, withDescendants, type ProcInfo } from './procfs.js';

const p = (pid: number, ppid: number): ProcInfo => ({ pid, ppid, pgid: pid, state: 'S', startTime: '1', cmdline: '' });

describe('withDescendants', () => {
  it('follows children and grandchildren, in any listing order', () => {
    const procs = [p(30, 20), p(20, 10), p(10, 1), p(40, 1), p(50, 30)];
    expect(withDescendants([10], procs).sort()).toEqual([10, 20, 30, 50]);
  });

  it('keeps unrelated processes out', () => {
    expect(withDescendants([40], [p(10, 1), p(40, 1), p(20, 10)])).toEqual([40]);
  });
});

describe('procInfo', () => {
  it('reads this process', () => {
    const me = procInfo(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(me?.cmdline).toContain('node');
  });

  it('is undefined for a PID that does not exist', () => {
    expect(procInfo(2 ** 22 + 7)).toBeUndefined();
  });
});
