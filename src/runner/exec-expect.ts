/**
 * What an exec step must be seen to have done besides its exit code
 * (`expect`): an operator's command can exit 0 and do nothing, as
 * `patronictl reinit` does when Patroni answers 503.
 */
import { errorMessage } from '../errors.js';
import type { Incarnation } from '../cluster/identity.js';
import type { CommandResult } from '../cluster/types.js';
import { pollUntil } from '../cluster/wait/poll.js';
import type { ExecExpect } from '../scenario/types.js';
import type { RunContext } from './context.js';

/** The first line of the output holding the text the step must not print; undefined when none does. */
export function forbiddenLine(expect: ExecExpect | undefined, r: CommandResult): string | undefined {
  const text = expect?.outputExcludes;
  if (text === undefined) return undefined;
  return `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).find((l) => l.includes(text));
}

/**
 * Waits until the member's data directory is a new one and says what was
 * seen, or why the member was not re-created. The member may be down or
 * still copying while it is re-created: a read that fails is waited past.
 */
export async function awaitRecreated(ctx: RunContext, member: string, before: Incarnation, timeoutMs: number): Promise<{ seen: string } | { error: string }> {
  let after: Incarnation | undefined;
  try {
    await pollUntil(async () => {
      after = await ctx.parts.incarnation(ctx.cluster, member);
      return after.dataDirSince !== before.dataDirSince ? true : `its data directory is the one from before (PG_VERSION since ${before.dataDirSince})`;
    }, { timeoutMs, intervalMs: 500, what: `${member} to be re-created` });
  } catch (err) {
    return { error: `${member} was not re-created: ${errorMessage(err)}` };
  }
  const now = after as Incarnation;
  if (now.systemId !== before.systemId) return { error: `${member} was re-created as another cluster: system identifier ${now.systemId}, was ${before.systemId}` };
  return { seen: `data directory re-created (PG_VERSION since ${now.dataDirSince}, was ${before.dataDirSince}), system identifier ${now.systemId} kept` };
}
