import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../snapshot/atomic.js';
import { serializeSnapshot, serializeSnapshotPacked, writeSnapshotFile } from '../snapshot/file.js';
import { seedSnapshot } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ftz-write-parts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writing a snapshot part by part', () => {
  it('writes the seeds snapshot file byte for byte as the packed serialization and the synchronous one give it', async () => {
    const body = await seedSnapshot();
    const file = join(dir, 'seeds.snap');
    await writeSnapshotFile(file, body);
    const written = new Uint8Array(readFileSync(file));
    expect(Buffer.compare(written, await serializeSnapshotPacked(body))).toBe(0);
    expect(Buffer.compare(written, serializeSnapshot(body, { compress: true }))).toBe(0);
  });

  it('writes parts one after the other, empty parts and parts longer than a write chunk included', async () => {
    const big = Uint8Array.from({ length: (1 << 20) + 13 }, (_, i) => (i * 7) & 255);
    const parts = [Uint8Array.of(1, 2, 3), new Uint8Array(0), big, Uint8Array.of(9)];
    const file = join(dir, 'parts.bin');
    await writeFileAtomic(file, parts);
    expect(Buffer.compare(readFileSync(file), Buffer.concat(parts))).toBe(0);
  });
});
