import { describe, expect, it } from 'vitest';
import { outcomeAfterSend } from './classify.js';

const pgError = (code: string) => Object.assign(new Error(code), { code });

describe('outcomeAfterSend', () => {
  it.each(['25006', '23505', '40001', '57P03', '42P01', '22P02'])('is fail for SQLSTATE %s, refused before any commit', (code) => {
    expect(outcomeAfterSend(pgError(code))).toBe('fail');
  });

  it.each([
    ['a backend terminated while waiting for the sync standby', pgError('57P01')],
    ['a crash shutdown', pgError('57P02')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a client-side timeout', new Error('Query read timeout')],
    ['a socket reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
  ])('is info (indeterminate) for %s', (_what, err) => {
    expect(outcomeAfterSend(err)).toBe('info');
  });
});
