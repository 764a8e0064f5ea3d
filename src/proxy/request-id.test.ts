import { expect, test } from 'vitest';
import { encodeXid, newRequestId } from './request-id.js';

test('ids are encoded as rs/xid encodes them', () => {
  // The vector from xid's own id_test.go.
  const raw = Buffer.from([0x4d, 0x88, 0xe1, 0x5b, 0x60, 0xf4, 0x86, 0xe4, 0x28, 0x41, 0x2d, 0xc9]);
  expect(encodeXid(raw)).toBe('9m4e2mr0ui3e8a215n4g');
});

test('ids differ from one request to the next and sort by their second', () => {
  const a = newRequestId(1_300_816_219_000);
  const b = newRequestId(1_300_816_219_000);
  const later = newRequestId(1_300_816_220_000);
  expect(a).not.toBe(b);
  expect(a.slice(0, 6)).toBe('9m4e2m'); // the seconds of the vector above
  expect(later > a && later > b).toBe(true);
});
