/**
 * The searched text of a record's copies' units (copyDepartments), as the index build makes it in one flat pass
 * (indexer/fields.ts copyDepartmentTexts), is the text the per-record field reader gives: every unit a copy prints
 * that the record does not print itself, once, in the order of its copies.
 */
import { describe, expect, it } from 'vitest';
import { copyDepartmentTexts, normalizedSearchTexts, SEARCH_FIELDS, searchTexts } from '../indexer/fields.js';
import { seedCorpus } from './seed-corpus.js';

describe('the units of a record\'s copies in the flat search texts', () => {
  const { records } = seedCorpus();
  const F = SEARCH_FIELDS.length;
  const slot = SEARCH_FIELDS.indexOf('copyDepartments');
  const same = (s: string) => s;

  it('are the units its copies print and it does not, once each, as the per-record texts give them', () => {
    const flat = normalizedSearchTexts(records, same);
    const perRecord = searchTexts(records);
    let inherited = 0;
    records.forEach((r, i) => {
      expect(flat[i * F + slot]).toBe(perRecord[i].copyDepartments);
      const units = flat[i * F + slot] ? flat[i * F + slot].split('、') : [];
      // Never a unit the record prints itself, never one twice, and each one printed by one of its copies.
      const own = new Set([...(r.printedDepartments ?? []), ...r.departments]);
      expect(units.filter((u) => own.has(u))).toEqual([]);
      expect(new Set(units).size).toBe(units.length);
      const copies = r.related.map((x) => records.find((c) => c.id === x.id)!);
      for (const u of units) expect(copies.some((c) => [...(c.printedDepartments ?? []), ...c.departments].includes(u))).toBe(true);
      inherited += units.length;
    });
    // The seeds' case collection prints no units; its copies in the task tables do.
    expect(inherited).toBeGreaterThan(20);
  });

  it('leave out a unit the record prints itself, though its copy prints it too', () => {
    const i = records.findIndex((r) => r.related.length > 0 && r.departments.length === 0);
    const copy = records.find((c) => c.id === records[i].related[0].id)!;
    const shared = copy.departments[0];
    expect(normalizedSearchTexts(records, same)[i * F + slot].split('、')).toContain(shared);
    // The same records, but this one now prints its copy's first unit itself.
    const printing = records.map((r, k) => (k === i ? { ...r, departments: [shared] } : r));
    const units = normalizedSearchTexts(printing, same)[i * F + slot].split('、');
    expect(units).not.toContain(shared);
    expect(units.length).toBeGreaterThan(0);
    expect(normalizedSearchTexts(printing, same)[i * F + slot]).toBe(searchTexts(printing)[i].copyDepartments);
  });

  it('are filled in later, for records linked after their texts were made, as if made at once', () => {
    const later = normalizedSearchTexts(records, same, { copies: false });
    expect(records.some((_, i) => later[i * F + slot] !== '')).toBe(false);
    const filled = copyDepartmentTexts(records, same, later);
    expect(later).toEqual(normalizedSearchTexts(records, same));
    // What it returns is the filled slots (what the vocabulary count is handed), in record order.
    expect(filled).toEqual(later.filter((t, k) => k % F === slot && t !== ''));
  });
});
