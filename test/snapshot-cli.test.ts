import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, serializeSnapshot, SnapshotError, type SnapshotBody } from '../search/snapshot.js';
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
    expect(body.analysis.t2s['綜']).toBe('综');
    expect(body.analysis.t2s['么']).toBeUndefined();
    expect(body.dictionary.synonyms.some((g) => g.includes('综保区') && g.includes('综合保税区'))).toBe(true);
  });

  it('are refused whole when damaged: a changed byte, a truncation, another format or version', () => {
    const text = serializeSnapshot(body);
    const at = text.indexOf('增值税留抵退税确认制');
    const changed = text.slice(0, at) + '增值税留抵退税核准制' + text.slice(at + 10);
    expect(() => parseSnapshot(changed)).toThrow(SnapshotError);
    expect(() => parseSnapshot(changed)).toThrow(/checksum/);
    expect(() => parseSnapshot(text.slice(0, text.length - 100))).toThrow(/checksum/);
    expect(() => parseSnapshot('{"format":"other","version":1}\n{}')).toThrow(/not a snapshot/);
    expect(() => parseSnapshot(text.replace('"version":1', '"version":99'))).toThrow(/version 99/);
    expect(() => parseSnapshot('garbage')).toThrow(SnapshotError);
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
    expect(parseSnapshot(readFileSync(out, 'utf8')).records).toHaveLength(300);
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
