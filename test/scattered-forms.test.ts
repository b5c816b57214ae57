import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SearchService } from '../search/service.js';
import { SENTENCE_BREAKS } from '../analysis/compounds.js';
import { recordPlainText, seedService, seedSnapshot } from './helpers.js';

let service: SearchService;
let off: SearchService;
beforeAll(async () => {
  service = await seedService();
  off = new SearchService(await seedSnapshot(), { scatteredSpan: 0 });
}, 120_000);

const constraintsOf = (s: SearchService, q: string) => s.engine.analyse(q).groups.flat().flatMap((cl) => cl.constraints);

/** Whether some sentence of the text holds every character of `word` inside `span` characters. */
function together(text: string, word: string, span: number): boolean {
  for (const sentence of text.split(new RegExp(`[${SENTENCE_BREAKS.join('')}]`))) {
    for (let i = 0; i < sentence.length; i++) {
      const window = sentence.slice(i, i + span);
      if ([...word].every((c) => window.includes(c))) return true;
    }
  }
  return false;
}

describe('a short form no record prints is found where the records spell its subject out', () => {
  it('finds the ship-repair record (船舶修理) for 修船, which no record prints, and says the hit lacks 修船', () => {
    expect(off.search({ q: '修船', size: 10 }).total).toBe(0);
    const res = service.search({ q: '修船', size: 10 });
    expect(res.hits.length).toBeGreaterThan(0);
    expect(recordPlainText(service, res.hits[0].id)).toContain('船舶修理');
    for (const h of res.hits) {
      expect(h.missing).toContain('修船');
      expect(together(recordPlainText(service, h.id), '修船', 4)).toBe(true);
    }
    expect(res.partial).toBe(true);
  });

  it('finds the technical-trade-measures records (技术性贸易措施) for 技贸措施, where the typed 技贸 is printed by none', () => {
    expect(off.search({ q: '技贸措施', size: 10 }).total).toBe(0);
    const hits = service.search({ q: '技贸措施', size: 10 }).hits;
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(recordPlainText(service, h.id)).toContain('技术性贸易措施');
  });

  it('never searches a printed word by its characters: 退税, 估价 and 船舶 keep their own records only', () => {
    for (const q of ['退税', '估价', '船舶']) {
      for (const c of constraintsOf(service, q)) expect(c.scattered, q).toBeUndefined();
      expect(service.search({ q, size: 20 }).hits.map((h) => h.id)).toEqual(off.search({ q, size: 20 }).hits.map((h) => h.id));
    }
  });

  it('leaves a coined frame with a repeated character (一企一证) to its frame’s slogans, never to its characters apart', () => {
    const [slogan] = constraintsOf(service, '一企一证');
    expect(slogan.scattered).toBeUndefined();
    expect(service.search({ q: '一企一证', size: 10 }).hits.map((h) => h.id)).toEqual(off.search({ q: '一企一证', size: 10 }).hits.map((h) => h.id));
  });

  it('leaves quoted phrases and field prefixes as typed', () => {
    expect(service.search({ q: '"修船"', size: 10 }).total).toBe(0);
    expect(service.search({ q: 'title:修船', size: 10 }).total).toBe(0);
  });
});

describe('the characters are read from the rarest one out, with the same spans as uniting every character whole', () => {
  /** The seeds' postings read two ways: unlisted (as the offline page's reader: each character's terms united whole) and listed (rarest character first). */
  async function readers() {
    const { Matcher } = await import('../search/match.js');
    const { Postings } = await import('../search/postings.js');
    const postings = (service.engine as unknown as { postings: InstanceType<typeof Postings> }).postings;
    class Unlisted extends Postings {
      override prefixTerms(): undefined {
        return undefined;
      }
    }
    return {
      Matcher,
      Postings,
      postings,
      united: new Matcher(new Unlisted(postings.data, 1 << 20), 100, 4),
      rarest: new Matcher(new Postings(postings.data, 1 << 20), 100, 4),
    };
  }

  it('gives identical spans for typed short forms on the seeds, in every field and in the title alone, whichever way they are read', async () => {
    const { united, rarest } = await readers();
    let found = 0;
    for (const w of ['修船', '技贸措施', '进口生鲜', '海关估价', '科研机构', '污水排放', '贸易便利', '港口船舶']) {
      for (const fields of [undefined, [0]]) {
        const a = united.scattered(w, 2 * w.length, fields);
        const b = rarest.scattered(w, 2 * w.length, fields);
        expect([...b.slots], w).toEqual([...a.slots]);
        expect([...b.starts], w).toEqual([...a.starts]);
        expect([...b.pos], w).toEqual([...a.pos]);
        found += b.slots.length;
      }
    }
    expect(found).toBeGreaterThan(10);
  });

  it('gives the same spans when the common characters’ terms are read by their blocks, and reads some that way', async () => {
    const { Matcher, Postings, postings } = await readers();
    const { BlockTerm, DocSkipIndex } = await import('../search/doc-skips.js');
    const { buildDocSkips } = await import('../indexer/doc-skips.js');
    // Block starts for every term of a few entries (the seeds store none: too small a corpus).
    const skips = new DocSkipIndex(buildDocSkips(postings.data, { minEntries: 8, share: 1000 })!, postings.data);
    const whole = new Matcher(new Postings(postings.data, 1 << 20), 100, 4);
    const byBlocks = new Matcher(new Postings(postings.data, 1 << 20), 100, 4, undefined, skips);
    const read = vi.spyOn(BlockTerm.prototype, 'entryOf');
    try {
      let found = 0;
      for (const w of ['修船', '技贸措施', '进口生鲜', '海关估价', '科研机构', '污水排放', '贸易便利', '港口船舶']) {
        for (const fields of [undefined, [0]]) {
          const a = whole.scattered(w, 2 * w.length, fields);
          const b = byBlocks.scattered(w, 2 * w.length, fields);
          expect([...b.slots], w).toEqual([...a.slots]);
          expect([...b.starts], w).toEqual([...a.starts]);
          expect([...b.pos], w).toEqual([...a.pos]);
          found += b.slots.length;
        }
      }
      expect(found).toBeGreaterThan(10);
      expect(read).toHaveBeenCalled();
    } finally {
      read.mockRestore();
    }
  });

  it('finds five characters as surely as four: every span holds each character, and both readers agree', async () => {
    const { united, rarest } = await readers();
    // 技术性贸易措施 holds all five within 7 characters.
    const w = '技术贸易措';
    const span = 2 * w.length;
    const got = rarest.scattered(w, span);
    expect(got.slots.length).toBeGreaterThan(0);
    const a = united.scattered(w, span);
    expect([...got.slots]).toEqual([...a.slots]);
    expect([...got.pos]).toEqual([...a.pos]);
    // Each span [from, from + span) holds every character, read from that character's own occurrences.
    for (const c of w) {
      const occ = rarest.needle(c);
      for (let i = 0; i < got.slots.length; i++) {
        const e = [...occ.slots].indexOf(got.slots[i]);
        expect(e, c).toBeGreaterThanOrEqual(0);
        const at = [...occ.pos.subarray(occ.starts[e], occ.starts[e + 1])];
        for (let x = got.starts[i]; x < got.starts[i + 1]; x++) {
          expect(at.some((p) => p >= got.pos[x] && p < got.pos[x] + span), `${c} near ${got.pos[x]}`).toBe(true);
        }
      }
    }
  });
});
