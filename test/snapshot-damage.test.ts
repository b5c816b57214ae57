import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotBody } from '../snapshot/body.js';
import { readSnapshotHeader, SNAPSHOT_VERSION } from '../snapshot/container.js';
import { serializeSnapshot, sha256 } from '../snapshot/file.js';
import { runServer } from '../server/run.js';
import { resealHeader, ROOT, seedSnapshot } from './helpers.js';
import { runProcess } from './server-process.js';

let dir: string;
let good: Uint8Array;
let body: SnapshotBody;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftz-damage-'));
  body = await seedSnapshot();
  good = serializeSnapshot(body);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Replace text of the same byte length in the file (header or skeleton JSON). */
function replaceSame(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  if (a.length !== b.length) throw new Error('replacement must keep the length');
  const at = Buffer.from(bytes).indexOf(a);
  if (at < 0) throw new Error(`${from} not found`);
  const out = Uint8Array.from(bytes);
  out.set(b, at);
  return out;
}
/** A writer's bug rather than a damaged disk: change the payload and put its correct checksums in the header. */
function reseal(bytes: Uint8Array, change: (payload: Uint8Array) => void): Uint8Array {
  const { header, payloadStart } = readSnapshotHeader(bytes);
  const out = Uint8Array.from(bytes);
  change(out.subarray(payloadStart));
  return resealHeader(replaceSame(out, header.payload.sha256, sha256(out.subarray(payloadStart))));
}

/** Each kind of damage and the words of its own message. */
function damages(): [string, Uint8Array | null, RegExp][] {
  const title = body.records.find((r) => r.title.length > 4)!;
  // The last key of the body holds the last section, so a longer length reaches past the payload's end.
  const withSection = serializeSnapshot({ ...body, zzExtra: new Float64Array([1.5, 2.5, 3.5]) } as SnapshotBody);
  const sectionBeyond = reseal(withSection, (p) => {
    const at = Buffer.from(p).indexOf('"length":3}', Buffer.from(p).indexOf('"zzExtra":{"$typed":"Float64Array"'));
    p.set(Buffer.from('"length":9}'), at);
  });
  const list: [string, Uint8Array | null, RegExp][] = [
    ['an empty file', new Uint8Array(0), /not a snapshot: the file does not start with the snapshot signature/],
    ['another file type (wrong magic)', replaceSame(good, 'FTZSNAP', 'PK\u0003\u0004ZIP'), /not a snapshot: the file does not start with the snapshot signature/],
    ['a truncated file', good.subarray(0, good.length - 100), /damaged snapshot: \d+ bytes where the header says \d+ \(truncated or extended\)/],
    ['a file with bytes appended', Buffer.concat([good, Buffer.from('tail')]), /truncated or extended/],
    ['a header cut short', good.subarray(0, 40), /damaged snapshot: the header is cut short/],
    ['a header that is not JSON', replaceSame(good, '{"format"', '{"format '), /damaged snapshot: the header is not valid JSON/],
    ['a newer format version', replaceSame(good, `"formatVersion":${SNAPSHOT_VERSION}`, `"formatVersion":${SNAPSHOT_VERSION + 1}`), new RegExp(`unsupported snapshot version ${SNAPSHOT_VERSION + 1} \\(this server reads versions 2, .* and ${SNAPSHOT_VERSION}\\)`)],
    ['another format name', replaceSame(good, '"ftz-search-snapshot"', '"ftz-search-snapshoT"'), /not a snapshot: format is "ftz-search-snapshoT"/],
    ['one flipped byte in the payload', (() => { const b = Uint8Array.from(good); b[b.length - 5000] ^= 0x20; return b; })(), /damaged snapshot: checksum [0-9a-f]{12}… does not match/],
    ['a record count in the header that disagrees with the payload (header checksum valid)', resealHeader(replaceSame(good, `"records":${body.records.length},`, `"records":${body.records.length + 1},`)), new RegExp(`damaged snapshot: the header says ${body.records.length + 1} records, the payload holds ${body.records.length}`)],
    ['a section reaching beyond the payload (checksum valid)', sectionBeyond, /damaged snapshot: a Float64Array section lies outside the payload/],
    ['a body that is not JSON (checksum valid)', reseal(good, (p) => { p[8] = 0x7b; p[9] = 0x7b; }), /damaged snapshot: the body is not valid JSON/],
    ['a null title (checksum valid)', serializeSnapshot({ ...body, records: body.records.map((r) => (r === title ? { ...r, title: null as unknown as string } : r)) }), /damaged snapshot: record \d+ \(id "[^"]+"\): title is null/],
    ['a quantity starting at 1e9 (checksum valid)', (() => {
      const i = body.records.findIndex((r) => r.quantities.length > 0);
      const r = body.records[i];
      return serializeSnapshot({ ...body, records: body.records.map((x, j) => (j === i ? { ...r, quantities: [{ ...r.quantities[0], start: 1e9 }, ...r.quantities.slice(1)] } : x)) });
    })(), /damaged snapshot: record \d+ .*quantities\[0\]\.start is number \(1000000000\)/],
    ['a missing file', null, /cannot read snapshot .*ENOENT/],
  ];
  return list;
}

describe('a damaged or newer-version snapshot is refused before the port opens, each kind with its own message', () => {
  it('the load that runs before the port opens refuses every kind, each with its own message', async () => {
    const kinds = damages();
    const messages = new Set<string>();
    for (const [n, [kind, bytes, message]] of kinds.entries()) {
      const file = join(dir, `damaged-${n}.snapshot`);
      if (bytes) writeFileSync(file, bytes);
      let listened = false;
      const error = await runServer({ snapshot: file, webRoot: dir, port: 0, host: '127.0.0.1', accessLog: false, drainSeconds: 1, log: (l) => (listened ||= l.includes('listening')), version: 'test' }).then(
        async (s) => {
          await s.shutdown('test');
          return undefined;
        },
        (e: Error) => e,
      );
      expect(error?.message, kind).toMatch(message);
      expect(listened, kind).toBe(false);
      messages.add(error!.message.replace(/[0-9a-f]{12}…/g, '').replace(/\d+/g, 'N').replace(/damaged-N/, ''));
    }
    expect(messages.size).toBeGreaterThanOrEqual(kinds.length - 3); // distinct messages, not one catch-all
  });

  it('the server process exits 1 with the reason and never listens (a container fault, a newer version, a bad record)', async () => {
    const kinds = damages().filter(([kind]) => /truncated file|newer format|null title/.test(kind));
    expect(kinds).toHaveLength(3);
    const runs = await Promise.all(
      kinds.map(async ([, bytes], n) => {
        const file = join(dir, `process-${n}.snapshot`);
        writeFileSync(file, bytes!);
        return runProcess(['--import', 'tsx', join(ROOT, 'server', 'main.ts'), '--snapshot', file, '--port', '0'], { timeoutMs: 60_000 });
      }),
    );
    for (const [i, run] of runs.entries()) {
      expect(run.code, kinds[i][0]).toBe(1);
      expect(run.stdout, kinds[i][0]).not.toContain('listening');
      expect(run.stderr, kinds[i][0]).toMatch(new RegExp(`^error: ${kinds[i][2].source}`));
    }
  });
});

describe('the header is covered by its own checksum', () => {
  /** The header's text with one character of `field`'s value changed (a digit or hex digit: the length is kept). */
  const changed = (bytes: Uint8Array, value: string) => replaceSame(bytes, value, value.slice(0, -1) + (value.at(-1) === '1' ? '2' : '1'));

  it('a changed build time, source sha256 or record count in the header is refused at load, naming the header\'s checksum', async () => {
    const { header } = readSnapshotHeader(good);
    const kinds: [string, Uint8Array][] = [
      ['build time', changed(good, header.builtAt.replace(/Z$/, '').slice(0, 19))],
      ['a source sha256', changed(good, header.sources[0].sha256)],
      ['record count', replaceSame(good, `"records":${body.records.length},`, `"records":${body.records.length + 1},`)],
    ];
    for (const [n, [kind, bytes]] of kinds.entries()) {
      const file = join(dir, `header-${n}.snapshot`);
      writeFileSync(file, bytes);
      const error = await runServer({ snapshot: file, webRoot: dir, port: 0, host: '127.0.0.1', accessLog: false, drainSeconds: 1, log: () => {}, version: 'test' }).then(
        async (s) => {
          await s.shutdown('test');
          return undefined;
        },
        (e: Error) => e,
      );
      expect(error?.message, kind).toMatch(/damaged snapshot: the header's checksum [0-9a-f]{12}… does not match/);
    }
    // --inspect, which trusts nothing but the header, refuses it too.
    const file = join(dir, 'header-inspect.snapshot');
    writeFileSync(file, kinds[1][1]);
    const shown = await runProcess(['--import', 'tsx', join(ROOT, 'indexer', 'cli.ts'), '--inspect', file]);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/the header's checksum/);
  });
});

describe('reading snapshots', () => {
  it('--inspect prints the header without reading the payload', async () => {
    const file = join(dir, 'inspect.snapshot');
    writeFileSync(file, good);
    const { header } = readSnapshotHeader(good);
    const shown = await runProcess(['--import', 'tsx', join(ROOT, 'indexer', 'cli.ts'), '--inspect', file]);
    expect(shown.code).toBe(0);
    for (const s of [`version ${SNAPSHOT_VERSION}`, header.builtAt, `records         ${body.records.length}`, header.payload.sha256, header.dictionaryHash, ...header.sources.map((x) => x.sha256)]) expect(shown.stdout).toContain(s);
    // A payload flipped byte does not matter to --inspect (it never reads the payload); a wrong size does.
    const flipped = Uint8Array.from(good);
    flipped[flipped.length - 1] ^= 1;
    writeFileSync(file, flipped);
    expect((await runProcess(['--import', 'tsx', join(ROOT, 'indexer', 'cli.ts'), '--inspect', file, '--json'])).stdout).toContain(header.payload.sha256);
    writeFileSync(file, good.subarray(0, good.length - 1));
    const cut = await runProcess(['--import', 'tsx', join(ROOT, 'indexer', 'cli.ts'), '--inspect', file]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/truncated or extended/);
  });

  it('an indexer run in another process gives a byte-identical payload (only the header build time differs) and leaves nothing in the temp folder', async () => {
    const out = join(dir, 'built-elsewhere.snapshot');
    const tmp = mkdtempSync(join(tmpdir(), 'ftz-tmpdir-'));
    try {
      const run = await runProcess(['--import', 'tsx', join(ROOT, 'indexer', 'cli.ts'), '--out', out], { env: { TMPDIR: tmp }, timeoutMs: 90_000 });
      expect(run.code).toBe(0);
      // No ftz-jieba-* folder or anything else of ours (tsx, which runs the TypeScript here, keeps its cache there).
      expect(readdirSync(tmp).filter((n) => !n.startsWith('tsx-'))).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    // The indexer writes files packed (brotli); the same body packed here is byte-identical.
    const [x, y] = [readFileSync(out), serializeSnapshot(body, { compress: true })];
    const hx = readSnapshotHeader(x);
    const hy = readSnapshotHeader(y);
    expect(Buffer.compare(x.subarray(hx.payloadStart), y.subarray(hy.payloadStart))).toBe(0);
    expect(hx.header.builtAt).not.toBe(hy.header.builtAt);
    expect({ ...hx.header, builtAt: '', headerSha256: '' }).toEqual({ ...hy.header, builtAt: '', headerSha256: '' });
  });
});
