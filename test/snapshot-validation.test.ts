import { beforeAll, describe, expect, it } from 'vitest';
import type { ReformRecord } from '../indexer/schema.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { SnapshotError } from '../snapshot/container.js';
import { validateBody } from '../snapshot/validate.js';
import { seedSnapshot } from './helpers.js';

let body: SnapshotBody;
beforeAll(async () => {
  body = await seedSnapshot();
});

/** A copy of the seed body with one record changed. */
function withRecord(i: number, change: (r: ReformRecord & Record<string, unknown>) => void): SnapshotBody {
  const record = structuredClone(body.records[i]);
  change(record as ReformRecord & Record<string, unknown>);
  return { ...body, records: body.records.map((r, j) => (j === i ? record : r)) };
}
const withQuantity = (change: (q: Record<string, unknown>, r: ReformRecord) => void) => {
  const i = body.records.findIndex((r) => r.quantities.length > 0);
  return { i, id: body.records[i].id, body: withRecord(i, (r) => change(r.quantities[0] as unknown as Record<string, unknown>, r)) };
};

describe('a snapshot body is validated before it is served', () => {
  it('accepts the seed body as built', () => {
    expect(() => validateBody(body)).not.toThrow();
  });

  it('refuses a null title, naming the record by position and id', () => {
    const bad = withRecord(41, (r) => ((r as Record<string, unknown>).title = null));
    expect(() => validateBody(bad)).toThrow(SnapshotError);
    expect(() => validateBody(bad)).toThrow(`damaged snapshot: record 42 (id ${JSON.stringify(body.records[41].id)}): title is null, expected a non-empty string`);
  });

  it('refuses at once a quantity whose offsets lie outside its field (start 1e9), or that does not cover its text', () => {
    const far = withQuantity((q) => (q.start = 1e9));
    const t0 = performance.now();
    expect(() => validateBody(far.body)).toThrow(`record ${far.i + 1} (id ${JSON.stringify(far.id)}): quantities[0].start is number (1000000000), expected an integer in 0..`);
    expect(performance.now() - t0).toBeLessThan(1000); // not a hang: one linear pass
    const shifted = withQuantity((q) => {
      q.start = (q.start as number) + 1;
      q.end = (q.end as number) + 1;
    });
    expect(() => validateBody(shifted.body)).toThrow(/quantities\[0\]: \w+\[\d+\.\.\d+\] is not its text/);
    const inverted = withQuantity((q) => (q.end = (q.start as number) - 1));
    expect(() => validateBody(inverted.body)).toThrow(/quantities\[0\]\.end is .*expected an integer in/);
    const nan = withQuantity((q) => (q.value = Number.NaN));
    expect(() => validateBody(nan.body)).toThrow(/quantities\[0\]\.value is number \(NaN\), expected a finite number/);
    const field = withQuantity((q) => (q.field = 'nowhere'));
    expect(() => validateBody(field.body)).toThrow(/quantities\[0\]\.field is a string, expected one of title, content/);
  });

  it('names the exact item of a list that is wrong: a list element, a link, an outcome, a quantity that is not an object, a normalised unit', () => {
    const withOutcome = body.records.findIndex((r) => (r.outcomes?.length ?? 0) > 1);
    expect(withOutcome).toBeGreaterThanOrEqual(0);
    const at = (i: number) => `record ${i + 1} (id ${JSON.stringify(body.records[i].id)}): `;
    expect(() => validateBody(withRecord(3, (r) => (r.departments = [...r.departments, '海关', 7 as unknown as string])))).toThrow(`${at(3)}departments[${body.records[3].departments.length + 1}] is number (7), expected a string`);
    expect(() => validateBody(withRecord(3, (r) => (r.related = [{ id: body.records[0].id, file: 'x' }, { id: '', file: 'y' }])))).toThrow(`${at(3)}related[1].id is a string, expected a non-empty string`);
    expect(() => validateBody(withRecord(3, (r) => (r.related = [null as unknown as ReformRecord['related'][number]])))).toThrow(`${at(3)}related[0] is null, expected an object`);
    expect(() => validateBody(withRecord(withOutcome, (r) => ((r.outcomes![1] as unknown as Record<string, unknown>).metric = null)))).toThrow(`${at(withOutcome)}outcomes[1].metric is null, expected a string`);
    expect(() => validateBody(withRecord(withOutcome, (r) => ((r.outcomes![1] as unknown as Record<string, unknown>).direction = 'sideways')))).toThrow(`${at(withOutcome)}outcomes[1].direction is a string, expected down, up or none`);
    const notObject = withQuantity((_q, r) => ((r.quantities as unknown[])[0] = 'x'));
    expect(() => validateBody(notObject.body)).toThrow(`record ${notObject.i + 1} (id ${JSON.stringify(notObject.id)}): quantities[0] is a string, expected an object`);
    const unit = withQuantity((q) => (q.normalized = { value: 1, unit: '米' }));
    expect(() => validateBody(unit.body)).toThrow(`record ${unit.i + 1} (id ${JSON.stringify(unit.id)}): quantities[0].normalized.unit is a string, expected 元, 天 or 工作日`);
  });

  it('refuses wrong types in every part: lists, source, related ids, duplicate ids, dictionaries, mechanism classes, vocabulary', () => {
    expect(() => validateBody(withRecord(3, (r) => ((r as Record<string, unknown>).regions = '山东')))).toThrow(/record 4 .*regions is a string, expected an array/);
    expect(() => validateBody(withRecord(3, (r) => ((r.source as unknown as Record<string, unknown>).line = 0)))).toThrow(/record 4 .*source\.line is number \(0\)/);
    expect(() => validateBody(withRecord(3, (r) => (r.related = [{ id: 'no-such-record', file: 'x' }])))).toThrow(/record 4 .*related id "no-such-record" is not a record/);
    expect(() => validateBody(withRecord(3, (r) => (r.id = body.records[0].id)))).toThrow(/record 4 .*is used by an earlier record/);
    const dict = { ...body, dictionary: { ...body.dictionary, synonyms: [...body.dictionary.synonyms, [1, 2]] } } as unknown as SnapshotBody;
    expect(() => validateBody(dict)).toThrow(/dictionary\.synonyms\[\d+\]\[0\] is number/);
    const ideas = (v: unknown) => ({ ...body, dictionary: { ...body.dictionary, ideas: v } }) as unknown as SnapshotBody;
    expect(() => validateBody(ideas('release-first'))).toThrow('damaged snapshot: dictionary.ideas is a string, expected an array');
    expect(() => validateBody(ideas([['release-first', ['先放后检', '附条件提离']], ['', ['容缺受理']]]))).toThrow(/dictionary\.ideas\[1\]\[0\] is a string, expected a non-empty string/);
    expect(() => validateBody(ideas([['release-first', '先放后检']]))).toThrow(/dictionary\.ideas\[0\]\[1\] is a string, expected an array/);
    expect(() => validateBody(ideas([['release-first', ['先放后检', 7]]]))).toThrow(/dictionary\.ideas\[0\]\[1\]\[1\] is number \(7\), expected a string of two or more characters/);
    expect(() => validateBody(ideas([['release-first', ['先']]]))).toThrow(/dictionary\.ideas\[0\]\[1\]\[0\] is a string, expected a string of two or more/);
    expect(() => validateBody({ ...ideas(undefined), similar: { ...body.similar!, ideasKept: undefined } } as SnapshotBody)).not.toThrow();
    // The similar build's flags of which classes passed its cut: one per class, or a list could name a class by another's flag.
    const classes = body.dictionary.ideas!.length;
    expect(() => validateBody(ideas(undefined))).toThrow(`damaged snapshot: similar.ideasKept is number (${classes}), expected one flag per mechanism class (0)`);
    expect(() => validateBody({ ...body, similar: { ...body.similar!, ideasKept: [1] } } as unknown as SnapshotBody)).toThrow('damaged snapshot: similar.ideasKept is an array, expected a Uint8Array');
    const vocab = { ...body, analysis: { ...body.analysis, vocabulary: [...body.analysis.vocabulary, ['词', 'many']] } } as unknown as SnapshotBody;
    expect(() => validateBody(vocab)).toThrow(/analysis\.vocabulary\[\d+\]\[1\] is a string, expected a finite number/);
    // Every other way an entry can be wrong is named by its position too (names are built only for an entry that fails).
    const n = body.analysis.vocabulary.length;
    const wrong: [unknown, string][] = [
      [['', 3], `analysis.vocabulary[${n}][0] is a string, expected a non-empty string`],
      [['词', Infinity], `analysis.vocabulary[${n}][1] is number (Infinity), expected a finite number`],
      ['词', `analysis.vocabulary[${n}] is a string, expected an array`],
      [[7, 3], `analysis.vocabulary[${n}][0] is number (7), expected a non-empty string`],
    ];
    for (const [entry, message] of wrong) {
      const bad = { ...body, analysis: { ...body.analysis, vocabulary: [...body.analysis.vocabulary, entry] } } as unknown as SnapshotBody;
      expect(() => validateBody(bad)).toThrow(`damaged snapshot: ${message}`);
    }
    const noRecords = { ...body } as unknown as Record<string, unknown>;
    delete noRecords.records;
    expect(() => validateBody(noRecords)).toThrow('damaged snapshot: records is undefined, expected an array');
  });
});
