import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

// Toxiproxy tags each routed answer with an id from rs/xid (via zerolog's hlog.RequestIDHandler):
// 12 bytes (seconds, 3 bytes of machine hash, pid, a counter from a random start) in base32hex, lower case.
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';
const machine = createHash('sha256').update(hostname()).digest().subarray(0, 3);
let counter = randomBytes(3).readUIntBE(0, 3);

/** A new xid, e.g. "d0fjq6lr7a5c0f8hqv0g": 20 characters, sorting by creation second. */
export function newRequestId(now = Date.now()): string {
  counter = (counter + 1) & 0xffffff;
  const raw = Buffer.alloc(12);
  raw.writeUInt32BE(Math.floor(now / 1000) >>> 0, 0);
  machine.copy(raw, 4);
  raw.writeUInt16BE(process.pid & 0xffff, 7);
  raw.writeUIntBE(counter, 9, 3);
  return encodeXid(raw);
}

/** xid's text form of its 12 raw bytes. */
export function encodeXid(raw: Buffer): string {
  // 96 bits make 19 full characters and 1 bit; the last character is padded with zeros.
  let bits = 0n;
  for (const byte of raw) bits = (bits << 8n) | BigInt(byte);
  bits <<= 4n;
  let text = '';
  for (let i = 19; i >= 0; i--) text += ALPHABET[Number((bits >> BigInt(i * 5)) & 31n)];
  return text;
}
