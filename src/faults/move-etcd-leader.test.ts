import { describe, expect, it } from 'vitest';
import type { EtcdMember, EtcdMemberStatus } from '../cluster/etcd-api.js';
import { moveEtcdLeaderTo, type EtcdLeadershipOps } from './move-etcd-leader.js';

const etcd = ['etcd1', 'etcd2', 'etcd3'].map((name) => ({ name, clientUrl: `http://${name}` }));
const members: EtcdMember[] = etcd.map((e, i) => ({ id: String(100 + i), name: e.name }));
const idOf = (name: string) => members.find((m) => m.name === name)?.id as string;

/**
 * A fake etcd: `leader` is what every member reports; `obey` decides whether
 * a move takes; `down` members answer nothing.
 */
function fakeEtcd(o: { leader: string; obey?: boolean; down?: string[]; stale?: string }): EtcdLeadershipOps & { moves: string[] } {
  let leader = o.leader;
  let term = 4;
  const moves: string[] = [];
  const at = (url: string) => url.replace('http://', '');
  return {
    moves,
    status: async (url): Promise<EtcdMemberStatus> => {
      if (o.down?.includes(at(url))) throw new Error('connection refused');
      // A member that never hears of the new leader (cut off) keeps reporting the old one.
      const seen = at(url) === o.stale ? o.leader : leader;
      return { memberId: idOf(at(url)), leaderId: idOf(seen), clusterId: 'c1', raftTerm: term, revision: 100 };
    },
    members: async (url) => {
      if (o.down?.includes(at(url))) throw new Error('connection refused');
      return members;
    },
    move: async (url, target) => {
      moves.push(`${at(url)} -> ${target}`);
      if (at(url) !== leader) throw new Error('HTTP 500: etcdserver: not leader');
      if (o.obey !== false) {
        leader = members.find((m) => m.id === target)?.name as string;
        term += 1;
      }
    },
  };
}

describe('moveEtcdLeaderTo: a move is proven by both ends, or the step fails', () => {
  it('asks the leader to hand over and proves the new leader from the old and the new member', async () => {
    const ops = fakeEtcd({ leader: 'etcd1' });
    expect(await moveEtcdLeaderTo(etcd, 'etcd3', ops, 300)).toBe('etcd leader etcd1 -> etcd3 (raft term 4 -> 5; etcd1 and etcd3 both report etcd3)');
    expect(ops.moves).toEqual(['etcd1 -> 102']);
  });

  it('finds the leader through the first etcd member that answers', async () => {
    const ops = fakeEtcd({ leader: 'etcd2', down: ['etcd1'] });
    expect(await moveEtcdLeaderTo(etcd, 'etcd3', ops, 300)).toMatch(/^etcd leader etcd2 -> etcd3/);
  });

  it('refuses a target that already leads: the move would do nothing', async () => {
    const ops = fakeEtcd({ leader: 'etcd2' });
    await expect(moveEtcdLeaderTo(etcd, 'etcd2', ops, 300)).rejects.toThrow('etcd2 already leads etcd: moving the leadership to it would do nothing');
    expect(ops.moves).toEqual([]);
  });

  it('fails when etcd accepted the call but kept its leader (a fault that did nothing)', async () => {
    await expect(moveEtcdLeaderTo(etcd, 'etcd2', fakeEtcd({ leader: 'etcd1', obey: false }), 300))
      .rejects.toThrow("etcd's leadership did not move from etcd1 to etcd2 within 300 ms (etcd1 reports etcd1, etcd2 reports etcd1)");
  });

  it('fails when only the new leader believes it leads: one member\'s view is no proof', async () => {
    await expect(moveEtcdLeaderTo(etcd, 'etcd2', fakeEtcd({ leader: 'etcd1', stale: 'etcd1' }), 300))
      .rejects.toThrow(/did not move from etcd1 to etcd2 .*etcd1 reports etcd1, etcd2 reports etcd2/);
  });

  it('fails with every member\'s reason when none reports a leader', async () => {
    await expect(moveEtcdLeaderTo(etcd, 'etcd2', fakeEtcd({ leader: 'etcd1', down: ['etcd1', 'etcd2', 'etcd3'] }), 300))
      .rejects.toThrow('no etcd member reports a leader (etcd1: connection refused; etcd2: connection refused; etcd3: connection refused)');
  });

  it('names an unknown target', async () => {
    await expect(moveEtcdLeaderTo(etcd, 'etcd9', fakeEtcd({ leader: 'etcd1' }), 300)).rejects.toThrow('etcd9 is not an etcd member (members: etcd1, etcd2, etcd3)');
  });
});
