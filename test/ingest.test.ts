/** Ingest loses nothing quietly: every entry skipped is named, damaged bytes cost characters not documents. */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDictionaries } from '../indexer/build.js';
import { loadCorpus, parseCorpus } from '../indexer/corpus.js';
import { decodeDocument } from '../indexer/decode.js';
import { FILES, SEEDS, seedBytes } from './helpers.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'ftz-ingest-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A seed document whose first multi-byte character from line `from` on gets an invalid lead byte; and that line. */
function damaged(file: string, from: number): { bytes: Uint8Array; line: number } {
  const bytes = Uint8Array.from(seedBytes(file));
  let at = 0;
  for (let l = 1; l < from; l++) at = bytes.indexOf(0x0a, at) + 1;
  while (bytes[at] < 0xc0) at++;
  bytes[at] = 0xff; // the lead byte and its now orphaned continuation bytes are undecodable
  return { bytes, line: bytes.subarray(0, at).filter((b) => b === 0x0a).length + 1 };
}

describe('decoding a partly damaged file', () => {
  it('keeps a UTF-8 document with one bad byte and names the line', () => {
    const { bytes, line } = damaged(FILES.nationalCases, 40);
    const d = decodeDocument(bytes);
    expect(d.encoding).toBe('utf-8');
    expect(d.damaged).toEqual([{ line, count: 3 }]);
    const whole = decodeDocument(seedBytes(FILES.nationalCases)).text;
    expect(d.text.length).toBeGreaterThan(whole.length - 4);
  });

  it('indexes every record of that document, with a warning giving the file and line', () => {
    const clean = parseCorpus([{ file: 'a.txt', bytes: seedBytes(FILES.nationalCases) }]);
    const { bytes, line } = damaged(FILES.nationalCases, 40);
    const hurt = parseCorpus([{ file: 'a.txt', bytes }]);
    expect(hurt.records.length).toBe(clean.records.length);
    expect(hurt.warnings).toContainEqual(expect.objectContaining({ file: 'a.txt', line, message: expect.stringMatching(/undecodable/) }));
  });

  it('still refuses bytes that are no text at all, naming the file', () => {
    const noise = Uint8Array.from({ length: 4000 }, (_, i) => (i * 197 + 13) % 256);
    const c = parseCorpus([{ file: 'noise.bin', bytes: noise }]);
    expect(c.records).toHaveLength(0);
    expect(c.warnings[0]).toMatchObject({ file: 'noise.bin', message: expect.stringMatching(/^unreadable/) });
  });
});

describe('reading a folder', () => {
  it('follows links to files and names every entry it skips: folders, broken links, loops, hidden files', async () => {
    const dir = tmp();
    const outside = tmp();
    copyFileSync(join(SEEDS, FILES.shandongTable), join(dir, 'a.txt'));
    copyFileSync(join(SEEDS, FILES.liaoningTable), join(outside, 'b.txt'));
    symlinkSync(join(outside, 'b.txt'), join(dir, 'link-to-b.txt'));
    symlinkSync(join(dir, 'missing.txt'), join(dir, 'broken.txt'));
    symlinkSync(join(dir, 'loop2.txt'), join(dir, 'loop1.txt'));
    symlinkSync(join(dir, 'loop1.txt'), join(dir, 'loop2.txt'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, '.hidden.txt'), 'x');
    const c = await loadCorpus(dir);
    expect(c.files.map((f) => f.file).sort()).toEqual(['a.txt', 'link-to-b.txt']);
    expect(c.files.every((f) => f.records > 0)).toBe(true);
    const why = Object.fromEntries(c.warnings.map((w) => [w.file, w.message]));
    expect(why['broken.txt']).toMatch(/broken symbolic link/);
    expect(why['loop1.txt']).toMatch(/symbolic link loop/);
    expect(why['loop2.txt']).toMatch(/symbolic link loop/);
    expect(why['sub']).toMatch(/folder/);
    expect(why['.hidden.txt']).toMatch(/hidden/);
    for (const w of c.warnings) expect(w.message).not.toContain(dir);
  });

  it('reports progress per file on large inputs only', () => {
    const big = Uint8Array.from({ length: 9 * 1024 * 1024 }, () => 0x61);
    const lines: string[] = [];
    parseCorpus([{ file: 'big.txt', bytes: big }, { file: 'small.txt', bytes: seedBytes(FILES.shandongTable) }], (m) => lines.push(m));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^parsing 1\/2: big\.txt/);
    const quiet: string[] = [];
    parseCorpus([{ file: 'small.txt', bytes: seedBytes(FILES.shandongTable) }], (m) => quiet.push(m));
    expect(quiet).toEqual([]);
  });
});

describe('dictionaries', () => {
  it('fail loudly, naming the file and folder, instead of building with no synonyms', async () => {
    const dir = tmp();
    await expect(readDictionaries(dir)).rejects.toThrow(/cannot read dictionary (userdict|synonyms|stopwords)\.txt in .*--dict/);
  });
});
