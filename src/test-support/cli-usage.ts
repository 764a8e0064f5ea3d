/**
 * Checks an invocation of the CLI against the program itself (commander's
 * commands and options, not a list kept by hand): the subcommand path
 * exists and every option belongs to the command it follows.
 */
import type { Command, Option } from 'commander';

/** Where a word names the CLI: `patroni-chaos`, `bin/patroni-chaos.js`, `./bin/patroni-chaos.js`. */
export const isCli = (w: string): boolean => /(^|\/)patroni-chaos(\.js)?$/.test(w);

export interface Usage {
  /** The subcommand path, e.g. ['cluster', 'status']; [] for the program's own options. */
  path: string[];
  options: string[];
  problems: string[];
}

const findOption = (cmd: Command, flag: string): Option | undefined => cmd.options.find((o) => o.long === flag || o.short === flag);
const nameOf = (path: readonly string[]): string => ['patroni-chaos', ...path].join(' ');

/** Resolves `args` (the words after the CLI's name) against `program`. Pure. */
export function checkUsage(program: Command, args: readonly string[]): Usage {
  let cmd = program;
  const path: string[] = [];
  const options: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('-') && a !== '-' && a !== '--') {
      const [flag = a, inline] = a.startsWith('--') ? a.split(/=(.*)/s) : [a];
      if (flag === '--help' || flag === '-h') continue;
      const opt = findOption(cmd, flag);
      if (opt === undefined) {
        problems.push(`${nameOf(path)}: no option ${flag} (it has ${cmd.options.map((o) => o.long ?? o.short).join(', ') || 'none'})`);
        continue;
      }
      options.push(opt.long ?? flag);
      const takesValue = opt.required || (opt.optional && !(args[i + 1] ?? '-').startsWith('-'));
      if (takesValue && inline === undefined) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub !== undefined) {
      cmd = sub;
      path.push(a);
      continue;
    }
    if (cmd.commands.length > 0 && cmd.registeredArguments.length === 0) {
      // Whatever follows an unknown command would be checked against the wrong one.
      problems.push(`${nameOf(path)}: no command "${a}" (it has ${cmd.commands.map((c) => c.name()).join(', ')})`);
      break;
    }
  }
  return { path, options, problems };
}
