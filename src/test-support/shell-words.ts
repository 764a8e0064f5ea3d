/**
 * Just enough of the shell's word splitting to find the commands a CI
 * script runs: quotes, line continuations, comments, command separators
 * (newline ; && || | &) and redirections (dropped with their target). A
 * `${{ ... }}` expression, `$(...)` and `>(...)` stay one piece. Pure.
 */
export function shellCommands(script: string): string[][] {
  const src = script.replace(/\\\r?\n/g, ' ');
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let dropNext = false;
  const endWord = (): void => {
    if (inWord) {
      if (dropNext) dropNext = false;
      else words.push(word);
    }
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
    dropNext = false;
  };
  /** Index just past the bracket that closes the one at `open`, counting nesting. */
  const closing = (open: number, o: string, c: string): number => {
    let depth = 0;
    for (let j = open; j < src.length; j++) {
      if (src[j] === o) depth++;
      else if (src[j] === c && --depth === 0) return j + 1;
    }
    return src.length;
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i] ?? '';
    const rest = src.slice(i);
    if (ch === "'" || ch === '"') {
      const end = src.indexOf(ch, i + 1);
      const stop = end === -1 ? src.length : end;
      word += src.slice(i + 1, stop);
      inWord = true;
      i = stop + 1;
    } else if (rest.startsWith('${{')) {
      const end = src.indexOf('}}', i);
      const stop = end === -1 ? src.length : end + 2;
      word += src.slice(i, stop);
      inWord = true;
      i = stop;
    } else if (rest.startsWith('$(') || ((rest.startsWith('>(') || rest.startsWith('<(')) && !inWord)) {
      const stop = closing(i + 1, '(', ')');
      word += src.slice(i, stop);
      inWord = true;
      i = stop;
    } else if (ch === '#' && !inWord) {
      const nl = src.indexOf('\n', i);
      i = nl === -1 ? src.length : nl;
    } else if (ch === '\n' || ch === ';' || ch === '|' || (ch === '&' && src[i + 1] !== '>')) {
      endCommand();
      i += rest.startsWith('&&') || rest.startsWith('||') ? 2 : 1;
    } else if (/^(\d*(>>|>&|>|<))/.test(rest) && (!inWord || /^\d+$/.test(word))) {
      // A redirection: its operator, then its target, are not arguments of the command.
      const op = /^(\d*(>>|>&|>|<))/.exec(rest)?.[1] ?? '>';
      word = '';
      inWord = false;
      i += op.length;
      dropNext = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
      i++;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  endCommand();
  return commands;
}
