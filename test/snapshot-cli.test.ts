import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotBody } from '../snapshot/body.js';
import { readSnapshotHeader, SNAPSHOT_VERSION, SnapshotError } from '../snapshot/container.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { FILES, ROOT, SEEDS, seedSnapshot } from './helpers.js';

const run = promisify(execFile);
let body: SnapshotBody;
beforeAll(async () => {
  body = await seedSnapshot();
});

describe('snapshots', () => {
  it('round-trip: a served snapshot answers exactly as the freshly built index', () => {
    const fresh = new SearchService(body);
    const loaded = new SearchService(parseSnapshot(serializeSnapshot(body)));
    for (const q of ['退税', '综保区 -跨境', '"一网通办"', '湖南 通关', '5000万元']) {
      expect(loaded.search({ q, size: 20 }).hits.map((h) => h.id)).toEqual(fresh.search({ q, size: 20 }).hits.map((h) => h.id));
    }
  });

  it('carry all query-analysis data (vocabulary, dictionaries, character table), so serving needs no jieba', () => {
    expect(body.analysis.vocabulary.length).toBeGreaterThan(1000);
    expect(body.analysis.t2s.get('綜')).toBe('综');
    expect(body.analysis.t2s.get('么')).toBeUndefined();
    expect(body.dictionary.synonyms.some((g) => g.includes('综保区') && g.includes('综合保税区'))).toBe(true);
  });

  it('are refused whole when damaged: a changed byte, a truncation, another format or version', () => {
    const bytes = serializeSnapshot(body);
    const text = Buffer.from(bytes).toString('latin1');
    // Records' text is stored as UTF-16 (snapshot/records.ts): flip a byte inside a record's title.
    const at = text.indexOf(Buffer.from('增值税留抵退税确认制', 'utf16le').toString('latin1'));
    expect(at).toBeGreaterThan(0);
    const changed = bytes.slice();
    changed[at + 3] ^= 1;
    expect(() => parseSnapshot(changed)).toThrow(SnapshotError);
    expect(() => parseSnapshot(changed)).toThrow(/checksum/);
    expect(() => parseSnapshot(bytes.subarray(0, bytes.length - 100))).toThrow(/truncated/);
    expect(() => parseSnapshot(new TextEncoder().encode('{"format":"other","version":1}\n{}'))).toThrow(/not a snapshot/);
    const newer = Buffer.from(Buffer.from(bytes).toString('latin1').replace(`"formatVersion":${SNAPSHOT_VERSION}`, '"formatVersion":9'), 'latin1');
    expect(() => parseSnapshot(newer)).toThrow(/version 9/);
    expect(() => parseSnapshot(new TextEncoder().encode('garbage'))).toThrow(SnapshotError);
  });

  it('store typed arrays as binary sections, decoded as views of the file and equal to what was written', () => {
    const index = { a: new Uint32Array([1, 2, 3, 4294967295]), nested: { b: new Float64Array([0.5, -1e300]), c: new Uint8Array([7]) }, json: [1, 'x'] };
    const loaded = parseSnapshot(serializeSnapshot({ ...body, index }));
    const got = loaded.index as typeof index;
    expect(got.a).toBeInstanceOf(Uint32Array);
    expect([...got.a]).toEqual([...index.a]);
    expect([...got.nested.b]).toEqual([...index.nested.b]);
    expect([...got.nested.c]).toEqual([7]);
    expect(got.json).toEqual([1, 'x']);
  });

  it('keep the build time in the header only: two encodings of one body differ only there', () => {
    const a = serializeSnapshot({ ...body, builtAt: '2026-01-01T00:00:00.000Z' });
    const b = serializeSnapshot({ ...body, builtAt: '2026-02-02T00:00:00.000Z' });
    const payload = (x: Uint8Array) => x.subarray(readSnapshotHeader(x).payloadStart);
    expect(Buffer.compare(payload(a), payload(b))).toBe(0);
    expect(parseSnapshot(b).builtAt).toBe('2026-02-02T00:00:00.000Z');
  });
});

describe('the indexer command', () => {
  it('prints files, records per file, warnings and time, writes the snapshot and the record dump', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftz-cli-'));
    const out = join(dir, 'snap.json');
    const dump = join(dir, 'records.jsonl');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'indexer/cli.ts'), '--seeds', SEEDS, '--out', out, '--dump-records', dump], { cwd: ROOT });
    expect(stdout).toContain('300 records from 5 of 5 files');
    expect(stdout).toContain(`${FILES.markdownCases}: 143 records`);
    expect(stdout).toMatch(/item 60 .*no body/);
    expect(stdout).toMatch(/time: \d+ ms/);
    expect(parseSnapshot(readFileSync(out)).records).toHaveLength(300);
    expect(readFileSync(dump, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toHaveLength(300);
  });

  it('exits non-zero, naming the file, only when nothing could be indexed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftz-cli-'));
    writeFileSync(join(dir, 'notes.txt'), '没有表格的说明文字');
    const failed = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'indexer/cli.ts'), '--seeds', dir], { cwd: ROOT }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain('notes.txt: not recognised');
    expect(failed?.stderr).toContain('nothing could be indexed');
  });
});
