import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotBody } from '../snapshot/body.js';
import { readSnapshotHeader } from '../snapshot/container.js';
import { decodeSnapshotBytes, loadSnapshotFile, readSnapshotFile, sha256, writeSnapshotFile } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { resealHeader, seedSnapshot } from './helpers.js';

let dir: string;
let file: string;
let good: Uint8Array;
let body: SnapshotBody;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftz-load-file-'));
  body = await seedSnapshot();
  file = join(dir, 'seeds.snapshot');
  await writeSnapshotFile(file, body);
  good = new Uint8Array(readFileSync(file));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Where the packed streams lie in a file: [start, end) of each, from the payload's table. */
function streamsOf(bytes: Uint8Array): [number, number][] {
  const { payloadStart } = readSnapshotHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset + payloadStart);
  const more = view.getUint32(12, true);
  let at = payloadStart + 16 + 8 * more;
  const out: [number, number][] = [[at, (at += view.getUint32(4, true))]];
  for (let i = 0; i < more; i++) out.push([at, (at += view.getUint32(16 + 8 * i, true))]);
  return out;
}

/** Change the payload and put its correct checksum in the header (a writer's bug, not a damaged disk). */
function reseal(bytes: Uint8Array, change: (file: Uint8Array) => void): Uint8Array {
  const { header, payloadStart } = readSnapshotHeader(bytes);
  const out = Uint8Array.from(bytes);
  change(out);
  const at = Buffer.from(out).indexOf(Buffer.from(header.payload.sha256));
  out.set(Buffer.from(sha256(out.subarray(payloadStart))), at);
  return resealHeader(out);
}

/** A page as JSON, without its timing. */
const answer = (service: SearchService, q: string) => JSON.stringify({ ...service.search({ q, size: 10 }), took_ms: 0 });

/** The most the memory held by ArrayBuffers (Buffers included) grew while `load` ran, polled between its steps. */
async function arrayBufferGrowth(load: () => Promise<unknown>): Promise<number> {
  const base = process.memoryUsage().arrayBuffers;
  let peak = base;
  let done = false;
  const poll = () => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    if (!done) setImmediate(poll);
  };
  poll();
  try {
    await load();
  } catch {
    // Only the memory is looked at here.
  } finally {
    done = true;
  }
  return peak - base;
}

const messageOf = async (load: () => unknown): Promise<string> => {
  try {
    await load();
  } catch (e) {
    return (e as Error).message;
  }
  return 'loaded';
};

describe('a snapshot file is read, checksummed and unpacked in overlapping steps, to what its bytes decode to whole', () => {
  it('the seeds file loads to the same header, records and answers as its bytes decoded at once, read in one chunk or in many', async () => {
    const whole = decodeSnapshotBytes(good);
    const reference = new SearchService(whole.body);
    // 4 KiB chunks: both packed streams start unpacking while the rest of the file is still being read.
    expect(streamsOf(good).length).toBe(2);
    for (const readChunk of [undefined, 4096]) {
      const loaded = await loadSnapshotFile(file, { readChunk });
      expect(loaded.header).toEqual(whole.header);
      expect(loaded.info).toEqual(whole.info);
      expect(loaded.body.records.length).toBe(whole.body.records.length);
      for (const i of [0, 137, whole.body.records.length - 1]) expect(loaded.body.records[i]).toEqual(whole.body.records[i]);
      const service = new SearchService(loaded.body);
      for (const q of ['退税', '海关 监管', '"一网通办"', '融资 -银行', '怎样办理跨境电商退货']) {
        expect(answer(service, q), q).toBe(answer(reference, q));
      }
    }
  });

  it('a damaged packed file gets the message decoding its bytes whole gives, the checksum before anything unpacked', async () => {
    const [s0, s1] = streamsOf(good);
    const cases: [string, Uint8Array, RegExp][] = [
      ['a flipped byte in the text stream', (() => { const b = Uint8Array.from(good); b[s0[0] + 10] ^= 0x20; return b; })(), /damaged snapshot: checksum [0-9a-f]{12}… does not match/],
      ['a flipped byte in the numbers stream', (() => { const b = Uint8Array.from(good); b[s1[1] - 3] ^= 0x20; return b; })(), /damaged snapshot: checksum [0-9a-f]{12}… does not match/],
      ['a flipped byte among the raw sections', (() => { const b = Uint8Array.from(good); b[b.length - 9] ^= 0x01; return b; })(), /damaged snapshot: checksum [0-9a-f]{12}… does not match/],
      ['a numbers stream that does not unpack (checksum valid)', reseal(good, (b) => b.fill(0xff, s1[0], s1[0] + 64)), /damaged snapshot: the packed sections do not unpack/],
      ['a text stream that does not unpack (checksum valid)', reseal(good, (b) => b.fill(0x00, s0[0] + 8, s0[0] + 72)), /damaged snapshot: the packed sections (do not unpack|unpack to \d+ bytes)/],
      ['a truncated file', good.subarray(0, good.length - 100), /damaged snapshot: \d+ bytes where the header says \d+ \(truncated or extended\)/],
    ];
    for (const [n, [kind, bytes, message]] of cases.entries()) {
      const path = join(dir, `damaged-${n}.snapshot`);
      writeFileSync(path, bytes);
      const whole = await messageOf(() => decodeSnapshotBytes(bytes));
      expect(whole, kind).toMatch(message);
      for (const readChunk of [undefined, 4096]) expect(await messageOf(() => loadSnapshotFile(path, { readChunk })), kind).toBe(whole);
    }
  });

  it('read in two halves (as a server starts: the read, then the decode once its modules are loaded) the seeds file gives what one load gives; a checksum is refused in the first half, a stream that does not unpack in the second', async () => {
    const whole = decodeSnapshotBytes(good);
    const reference = new SearchService(whole.body);
    const read = await readSnapshotFile(file);
    // Other main-thread work happens here in a server (its modules initialise) while the streams unpack.
    await new Promise((r) => setTimeout(r, 20));
    const loaded = await read.finish();
    expect(loaded.header).toEqual(whole.header);
    expect(loaded.info).toEqual(whole.info);
    const service = new SearchService(loaded.body);
    for (const q of ['退税', '海关 监管', '"一网通办"', '融资 -银行', '怎样办理跨境电商退货']) expect(answer(service, q), q).toBe(answer(reference, q));

    const [s0, s1] = streamsOf(good);
    const flipped = Uint8Array.from(good);
    flipped[s0[0] + 10] ^= 0x20;
    const badSum = join(dir, 'halves-checksum.snapshot');
    writeFileSync(badSum, flipped);
    expect(await messageOf(() => readSnapshotFile(badSum))).toBe(await messageOf(() => decodeSnapshotBytes(flipped)));
    expect(await messageOf(() => readSnapshotFile(badSum))).toMatch(/damaged snapshot: checksum [0-9a-f]{12}… does not match/);

    const unpackable = reseal(good, (b) => b.fill(0xff, s1[0], s1[0] + 64));
    const badStream = join(dir, 'halves-stream.snapshot');
    writeFileSync(badStream, unpackable);
    const half = await readSnapshotFile(badStream);
    const message = await messageOf(() => half.finish());
    expect(message).toMatch(/damaged snapshot: the packed sections do not unpack/);
    expect(message).toBe(await messageOf(() => decodeSnapshotBytes(unpackable)));
    expect(await messageOf(() => readSnapshotFile(join(dir, 'no-such.snapshot')))).toMatch(/cannot read snapshot .*no-such\.snapshot: ENOENT/);
  });

  it('a flipped byte in the packed streams\' table (a size, a length, the count) gets the whole decoder\'s message, and no buffer of a stated size it cannot hold', async () => {
    const { payloadStart } = readSnapshotHeader(good);
    // The table: text stream's packed length at 4 and size at 8, the count of further streams at 12, the numbers
    // stream's packed length at 16 and size at 20 (4 bytes each, little-endian).
    const flip = (bytes: Uint8Array, at: number, bit: number) => {
      const b = Uint8Array.from(bytes);
      b[payloadStart + at] ^= bit;
      return b;
    };
    const checksum = /damaged snapshot: checksum [0-9a-f]{12}… does not match/;
    const sizes = new DataView(good.buffer, good.byteOffset + payloadStart);
    const [textSize, numbersSize] = [sizes.getUint32(8, true), sizes.getUint32(20, true)];
    const cases: [string, Uint8Array, RegExp][] = [
      ['the text stream\'s size, its high byte', flip(good, 11, 0x40), checksum],
      ['the numbers stream\'s size, its high byte', flip(good, 23, 0x40), checksum],
      ['the text stream\'s packed length', flip(good, 5, 0x01), checksum],
      ['the numbers stream\'s packed length, its high byte', flip(good, 19, 0x10), checksum],
      ['the count of further streams', flip(good, 12, 0x02), checksum],
      // A writer's bug (checksum valid): the stated size is refused once the stream is unpacked to what it holds.
      ['the text stream\'s size, its high byte (checksum valid)', reseal(good, (b) => (b[payloadStart + 11] ^= 0x40)), new RegExp(`damaged snapshot: the packed sections unpack to ${textSize} bytes, not ${textSize + 0x40 * 2 ** 24}`)],
      ['the numbers stream\'s size, its high byte (checksum valid)', reseal(good, (b) => (b[payloadStart + 23] ^= 0x40)), new RegExp(`damaged snapshot: the packed sections unpack to ${numbersSize} bytes, not ${numbersSize + 0x40 * 2 ** 24}`)],
    ];
    for (const [n, [kind, bytes, message]] of cases.entries()) {
      const path = join(dir, `table-${n}.snapshot`);
      writeFileSync(path, bytes);
      const whole = await messageOf(() => decodeSnapshotBytes(bytes));
      expect(whole, kind).toMatch(message);
      for (const readChunk of [undefined, 4096]) {
        expect(await messageOf(() => loadSnapshotFile(path, { readChunk })), kind).toBe(whole);
        // The file is under half a MiB and unpacks to under 2 MiB: nothing near the GiB a flipped high byte states.
        expect(await arrayBufferGrowth(() => loadSnapshotFile(path, { readChunk })), kind).toBeLessThan(64 * 2 ** 20);
      }
    }
  });
});
