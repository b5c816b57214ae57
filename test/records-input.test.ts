import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadRecordsFile, recordsFromLines } from '../indexer/records-input.js';
import type { ReformRecord } from '../indexer/schema.js';
import { buildSnapshot } from '../indexer/build.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot/file.js';
import { SearchService } from '../search/service.js';
import { DICT, FILES, recordOf, ROOT } from './helpers.js';
import { seedCorpus } from './seed-corpus.js';

const run = promisify(execFile);
const seeds = seedCorpus().records;
const dump = seeds.map((r) => JSON.stringify(r));

/** The dump with lines 3, 10, 11, 20 and 40 damaged in different ways (1-based line numbers). */
function damaged(): { lines: string[]; bad: Map<number, RegExp> } {
  const lines = [...dump];
  const bad = new Map<number, RegExp>();
  const set = (line: number, text: string, why: RegExp) => {
    lines[line - 1] = text;
    bad.set(line, why);
  };
  set(3, dump[2].slice(0, 50), /not JSON/);
  set(10, JSON.stringify({ ...seeds[9], title: '' }), /"title"/);
  set(11, JSON.stringify({ ...seeds[10], departments: '省商务厅' }), /"departments" must be an array/);
  set(20, JSON.stringify({ id: seeds[19].id, title: seeds[19].title }), /needs one text field/);
  set(40, JSON.stringify({ ...seeds[39], id: seeds[0].id }), new RegExp(`already used on line 1`));
  return { lines, bad };
}

describe('records as input (JSON Lines in the shape --dump-records writes)', () => {
  it('re-indexes a dump of the seed records to the same records, links kept', async () => {
    const { records, warnings, links } = await recordsFromLines(dump, 'records.jsonl');
    expect(warnings).toEqual([]);
    expect(links).toBe('kept');
    expect(records).toEqual(seeds);
  });

  it('reports each bad line with its number and why, skips it, and keeps every other record as it was', async () => {
    const { lines, bad } = damaged();
    const { records, warnings } = await recordsFromLines(lines, 'records.jsonl');
    expect(warnings.map((w) => w.line)).toEqual([...bad.keys()]);
    for (const w of warnings) {
      expect(w.file).toBe('records.jsonl');
      expect(w.message).toMatch(bad.get(w.line!)!);
    }
    expect(records).toHaveLength(seeds.length - bad.size);
    const kept = new Set(records.map((r) => r.id));
    const expected = seeds.filter((_, i) => !bad.has(i + 1));
    // Links to skipped records are dropped, so no link points at a record the index does not hold.
    expect(records).toEqual(expected.map((r) => ({ ...r, related: r.related.filter((x) => kept.has(x.id)) })));
  });

  it('needs only id, title and one text field: quantities, links and regions are computed', async () => {
    const minimal = seeds.map((r) => JSON.stringify({ id: r.id, title: r.title, content: r.content, applicableTo: r.applicableTo, process: r.process, outcome: r.outcome }));
    const { records, warnings, links } = await recordsFromLines(minimal, 'min.jsonl');
    expect(warnings).toEqual([]);
    expect(links).toBe('computed');
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const s of seeds) expect(byId.get(s.id)!.quantities).toEqual(s.quantities);
    // Copies are linked from the text alone; every record here comes from one file, so give each its own source.
    const withSources = seeds.map((r) => JSON.stringify({ id: r.id, title: r.title, content: r.content, applicableTo: r.applicableTo, process: r.process, outcome: r.outcome, source: { file: r.source.file } }));
    const relinked = (await recordsFromLines(withSources, 'min.jsonl')).records;
    const pairs = (rs: ReformRecord[]) => rs.flatMap((r) => r.related.map((x) => `${r.id} ${x.id}`)).sort();
    expect(pairs(relinked)).toEqual(pairs(seeds));
    expect(pairs(relinked)).toHaveLength(106);
    const liaoning = byId.get(recordOf(seeds, FILES.liaoningTable, 1).id)!;
    expect(liaoning.source).toEqual({ file: 'min.jsonl', title: 'min.jsonl', no: seeds.indexOf(recordOf(seeds, FILES.liaoningTable, 1)) + 1, line: seeds.indexOf(recordOf(seeds, FILES.liaoningTable, 1)) + 1 });
    expect(liaoning.departments).toEqual([]);
  });

  it('with deferLinks leaves copy links to the build, which links the same copies and builds the same snapshot', async () => {
    const withSources = seeds.map((r) => JSON.stringify({ id: r.id, title: r.title, content: r.content, applicableTo: r.applicableTo, process: r.process, outcome: r.outcome, departments: r.departments, source: { file: r.source.file } }));
    const now = await recordsFromLines(withSources, 'min.jsonl');
    const later = await recordsFromLines(withSources, 'min.jsonl', { deferLinks: true });
    expect(later.links).toBe('pending');
    expect(later.records.every((r) => r.related.length === 0)).toBe(true);
    const corpus = (c: typeof now, linksPending?: boolean) => ({ records: c.records, warnings: c.warnings, files: [], ...(linksPending ? { linksPending } : {}) });
    const a = await buildSnapshot({ seedsDir: '', dictDir: DICT, corpus: corpus(now) });
    const b = await buildSnapshot({ seedsDir: '', dictDir: DICT, corpus: corpus(later, true) });
    expect(b.body.records.map((r) => r.related)).toEqual(a.body.records.map((r) => r.related));
    expect(b.body.records.some((r) => r.related.length > 0)).toBe(true);
    for (const body of [a.body, b.body]) body.builtAt = '';
    // Byte for byte, compared as bytes: toEqual walks the 1.7 MB array element by element (~7 s); a failure names the
    // first byte that differs.
    const [x, y] = [serializeSnapshot(a.body), serializeSnapshot(b.body)];
    expect(y.length).toBe(x.length);
    expect(Buffer.compare(y, x) === 0 ? -1 : y.findIndex((v, i) => v !== x[i])).toBe(-1);
  });

  it('reads a file with a BOM and CRLF line ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftz-records-'));
    const file = join(dir, 'crlf.jsonl');
    writeFileSync(file, '\uFEFF' + dump.slice(0, 5).join('\r\n') + '\r\n');
    const corpus = await loadRecordsFile(file);
    expect(corpus.warnings).toEqual([]);
    expect(corpus.records.map((r) => r.id)).toEqual(seeds.slice(0, 5).map((r) => r.id));
    expect(corpus.files[0]).toMatchObject({ file: 'crlf.jsonl', records: 5 });
  });

  it('npm run index -- --records builds a snapshot from a damaged dump, naming each skipped line and timing the whole build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftz-records-'));
    const file = join(dir, 'records.jsonl');
    const out = join(dir, 'snap.json');
    const { lines, bad } = damaged();
    writeFileSync(file, lines.join('\n') + '\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'indexer/cli.ts'), '--records', file, '--out', out], { cwd: ROOT });
    expect(stdout).toContain(`${seeds.length - bad.size} records from 1 of 1 files`);
    for (const line of bad.keys()) expect(stdout).toContain(`records.jsonl:${line}: skipped:`);
    // The time line covers the whole build, reading the file and writing the snapshot included: every part is named,
    // and the total is the span they cover, never less than their sum (each part is rounded).
    const timeLine = stdout.split('\n').find((l) => l.startsWith('time: '))!;
    const total = Number(/^time: (\d+) ms/.exec(timeLine)![1]);
    const parts = [...timeLine.matchAll(/([a-z ]+) (\d+) ms/g)].map((m) => [m[1].replace(/^[ (,]+/, ''), Number(m[2])] as const);
    expect(parts.map(([name]) => name)).toEqual(expect.arrayContaining(['read records', 'parse', 'similar', 'write snapshot']));
    expect(total).toBeGreaterThanOrEqual(parts.reduce((s, [, ms]) => s + ms, 0) - parts.length);
    const body = parseSnapshot(readFileSync(out));
    expect(body.records).toHaveLength(seeds.length - bad.size);
    const service = new SearchService(body);
    expect(service.search({ q: '增值税留抵退税确认制', size: 1 }).hits[0].title).toContain('增值税留抵退税确认制');
  });

  it('exits non-zero when no line of the file is a record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftz-records-'));
    const file = join(dir, 'junk.jsonl');
    writeFileSync(file, 'not json\n{"id":"a"}\n');
    const failed = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'indexer/cli.ts'), '--records', file], { cwd: ROOT }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toContain('junk.jsonl:1: skipped: not JSON');
    expect(failed?.stdout).toContain('junk.jsonl:2: skipped: "title"');
  });
});
