import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Outcome, WriteEvent } from './events.js';

/**
 * The workload's writes, read back one at a time. A long run at full speed
 * records over a million of them: as objects on the heap they cost some
 * 300 bytes each, so they live in fixed-size binary records on disk
 * instead, and each pass of a check decodes them in chunks (Jepsen's
 * jepsen.history does the same with its on-disk chunks).
 */
export interface WriteSource extends Iterable<WriteEvent> {
  readonly size: number;
  /** Appended in order of acknowledgement (`end`), so a pass in order needs no sort. */
  readonly sortedByEnd: boolean;
}

/*
 * One write, 40 bytes, little-endian:
 *   0 key f64 | 8 start f64 | 16 end f64 | 24 timeline u32 | 28 error u32 | 32 writer u16 | 34 node u16 | 36 outcome u8
 * node and error are indexes into the log's string tables; the NONE values mean absent.
 */
const RECORD = 40;
const NONE16 = 0xffff;
const NONE32 = 0xffffffff;
const OUTCOMES: readonly Outcome[] = ['ok', 'fail', 'info'];
const OUTCOME_CODE: Record<Outcome, number> = { ok: 0, fail: 1, info: 2 };
/** 8,192 records (320 KB) a chunk: one write to disk every few seconds at full speed. */
export const DEFAULT_CHUNK_RECORDS = 8192;

export interface WriteLogOptions {
  /** Records kept in memory before they go to disk (tests use tiny chunks to cross chunk edges). */
  chunkRecords?: number;
  /** Folder for the spill file (a run's report folder: on disk, where the history goes); the system's temporary folder by default. */
  dir?: string;
}

export class WriteLog implements WriteSource {
  readonly #chunkRecords: number;
  readonly #nodes = new StringTable();
  readonly #errors = new StringTable();
  #tail: Buffer;
  #tailCount = 0;
  /** Records already on disk, in order, ahead of the tail. */
  #flushed = 0;
  #fd: number | undefined;
  readonly #dir: string | undefined;
  #lastEnd = -Infinity;
  #sortedByEnd = true;
  #disposed = false;

  constructor(o: WriteLogOptions = {}) {
    this.#chunkRecords = o.chunkRecords ?? DEFAULT_CHUNK_RECORDS;
    if (!Number.isInteger(this.#chunkRecords) || this.#chunkRecords < 1) throw new RangeError(`chunkRecords must be a positive integer, not ${this.#chunkRecords}`);
    this.#dir = o.dir;
    this.#tail = Buffer.alloc(this.#chunkRecords * RECORD);
  }

  get size(): number {
    this.#assertLive();
    return this.#flushed + this.#tailCount;
  }

  get sortedByEnd(): boolean {
    return this.#sortedByEnd;
  }

  append(w: WriteEvent): void {
    this.#assertLive();
    if (this.#tailCount === this.#chunkRecords) this.#flush();
    if (this.#tail.length === 0) this.#tail = Buffer.alloc(this.#chunkRecords * RECORD);
    encode(this.#tail, this.#tailCount * RECORD, w, this.#nodes, this.#errors);
    this.#tailCount += 1;
    if (w.end < this.#lastEnd) this.#sortedByEnd = false;
    this.#lastEnd = Math.max(this.#lastEnd, w.end);
  }

  /**
   * Puts the tail on disk and frees its buffer: a finished run's log then
   * costs no memory but its string tables, however long a suite keeps it.
   */
  seal(): void {
    if (this.#tailCount > 0) this.#flush();
    this.#tail = Buffer.alloc(0);
  }

  /**
   * Frees the spill file's space now rather than when the process ends.
   * The log cannot be read afterwards: an empty one would read as "no
   * writes" and every key of a final read as unexpected.
   */
  dispose(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#flushed = 0;
    this.#tailCount = 0;
    this.#tail = Buffer.alloc(0);
    this.#disposed = true;
  }

  #assertLive(): void {
    if (this.#disposed) throw new Error('the write log was disposed: its writes are gone');
  }

  *[Symbol.iterator](): Iterator<WriteEvent> {
    const end = this.size;
    const buf = Buffer.alloc(this.#chunkRecords * RECORD);
    let i = 0;
    while (i < end) {
      this.#assertLive();
      // A record is on disk once flushed; the tail may be flushed between two steps of this loop.
      if (i < this.#flushed && this.#fd !== undefined) {
        const n = Math.min(this.#chunkRecords, this.#flushed - i, end - i);
        readFully(this.#fd, buf, n * RECORD, i * RECORD);
        for (let j = 0; j < n; j++) {
          this.#assertLive();
          yield decode(buf, j * RECORD, this.#nodes, this.#errors);
        }
        i += n;
      } else {
        yield decode(this.#tail, (i - this.#flushed) * RECORD, this.#nodes, this.#errors);
        i += 1;
      }
    }
  }

  #flush(): void {
    if (this.#fd === undefined) {
      // Unlinked as soon as it is open: the descriptor keeps it readable, and however the process
      // ends (a crash, SIGKILL) the kernel frees it; nothing is left behind to sweep.
      const file = join(this.#dir ?? tmpdir(), `.patroni-chaos-writes-${process.pid}-${randomBytes(6).toString('hex')}`);
      this.#fd = openSync(file, 'wx+');
      unlinkSync(file);
    }
    const bytes = this.#tailCount * RECORD;
    let done = 0;
    while (done < bytes) done += writeSync(this.#fd, this.#tail, done, bytes - done, this.#flushed * RECORD + done);
    this.#flushed += this.#tailCount;
    this.#tailCount = 0;
  }
}

/** Member names and error messages repeat: each is stored once and the records carry its index. */
class StringTable {
  readonly #strings: string[] = [];
  readonly #index = new Map<string, number>();

  intern(s: string): number {
    const seen = this.#index.get(s);
    if (seen !== undefined) return seen;
    this.#strings.push(s);
    this.#index.set(s, this.#strings.length - 1);
    return this.#strings.length - 1;
  }

  at(i: number): string {
    const s = this.#strings[i];
    if (s === undefined) throw new Error(`write log corrupt: no string ${i}`);
    return s;
  }
}

function readFully(fd: number, buf: Buffer, bytes: number, position: number): void {
  let done = 0;
  while (done < bytes) {
    const n = readSync(fd, buf, done, bytes - done, position + done);
    if (n === 0) throw new Error(`write log truncated: ${bytes - done} bytes missing at ${position + done}`);
    done += n;
  }
}

function encode(buf: Buffer, at: number, w: WriteEvent, nodes: StringTable, errors: StringTable): void {
  if (!Number.isInteger(w.writer) || w.writer < 0 || w.writer >= NONE16) throw new RangeError(`write ${w.key}: writer ${w.writer} does not fit the write log (0..65534)`);
  if (w.timeline !== undefined && (!Number.isInteger(w.timeline) || w.timeline < 0 || w.timeline >= NONE32)) throw new RangeError(`write ${w.key}: timeline ${w.timeline} is not a 32-bit count`);
  const node = w.node === undefined ? NONE16 : nodes.intern(w.node);
  if (w.node !== undefined && node >= NONE16) throw new RangeError(`write ${w.key}: more than 65,534 distinct member names`);
  buf.writeDoubleLE(w.key, at);
  buf.writeDoubleLE(w.start, at + 8);
  buf.writeDoubleLE(w.end, at + 16);
  buf.writeUInt32LE(w.timeline ?? NONE32, at + 24);
  buf.writeUInt32LE(w.error === undefined ? NONE32 : errors.intern(w.error), at + 28);
  buf.writeUInt16LE(w.writer, at + 32);
  buf.writeUInt16LE(node, at + 34);
  buf.writeUInt8(OUTCOME_CODE[w.outcome], at + 36);
}

function decode(buf: Buffer, at: number, nodes: StringTable, errors: StringTable): WriteEvent {
  const outcome = OUTCOMES[buf.readUInt8(at + 36)];
  if (outcome === undefined) throw new Error(`write log corrupt: outcome code ${buf.readUInt8(at + 36)}`);
  const w: WriteEvent = {
    kind: 'write',
    key: buf.readDoubleLE(at),
    writer: buf.readUInt16LE(at + 32),
    start: buf.readDoubleLE(at + 8),
    end: buf.readDoubleLE(at + 16),
    outcome,
  };
  const node = buf.readUInt16LE(at + 34);
  if (node !== NONE16) w.node = nodes.at(node);
  const timeline = buf.readUInt32LE(at + 24);
  if (timeline !== NONE32) w.timeline = timeline;
  const error = buf.readUInt32LE(at + 28);
  if (error !== NONE32) w.error = errors.at(error);
  return w;
}
