import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchService } from '../search/service.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DICT, seedService } from './helpers.js';

let service: SearchService;
beforeAll(async () => {
  service = await seedService();
});

const search = (q: string) => service.search({ q, size: 20, collapse: false });
const marks = (html: string) => (html.match(/<mark>([^<]*)<\/mark>/g) ?? []).map((m) => m.slice(6, -7));
const shown = (h: { highlight: { title: string; snippet: string } }) => h.highlight.title + '\n' + h.highlight.snippet;
/**
 * A mark's text as the engine compares it: HTML-unescaped (marks are escaped, as all shown text is), then normalised
 * (the original may print traditional or full-width characters, spaces).
 */
const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (t: string) => t.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => HTML_ENTITIES[e]);
const plain = (t: string) => service.engine.analyzer.normalizer.plain(unescapeHtml(t));

/**
 * Everything a hit of a query may mark: its words, their equivalents and kinds, the words of loose expansions, and the
 * parts of a word only where the hit lacks that word (it filled the page through them).
 */
function markable(q: string, missing: readonly string[]): string[] {
  const out: string[] = [];
  for (const group of service.engine.analyse(q).groups)
    for (const c of group)
      for (const k of c.constraints) {
        out.push(k.text, ...(missing.includes(k.text) ? (k.parts ?? []) : []));
        for (const a of k.alternatives) out.push(a.text, ...(a.words ?? []), ...(a.near ?? []));
      }
  return out;
}

/** Whether `text` is one or more of `strings` written one after another (the highlighter merges adjacent marks). */
function spells(text: string, strings: readonly string[]): boolean {
  const ok = new Array<boolean>(text.length + 1).fill(false);
  ok[0] = true;
  for (let i = 0; i < text.length; i++) if (ok[i]) for (const s of strings) if (s && text.startsWith(s, i)) ok[i + s.length] = true;
  return text.length > 0 && ok[text.length];
}

describe('bar 6: a record found through an expansion shows what matched', () => {
  it('marks the words of a slogan’s long form where a record rewords it (首违不罚 → 首次违法 … 处罚)', () => {
    const hit = search('首违不罚').hits.find((h) => h.title === '多领域实施包容免罚清单模式');
    expect(hit, '首违不罚 finds the 包容免罚 list reform').toBeDefined();
    expect(hit!.missing).toEqual([]);
    // The record never prints 首违不罚 or 首次违法不予处罚 whole: the marks are the long form's words.
    expect(service.reform(hit!.id)!.content).not.toContain('首次违法不予处罚');
    expect(marks(shown(hit!))).toContain('首次违法');
  });

  it('marks the parts a record holds when it fills the page without the word (工改 → 工程建设项目)', () => {
    const res = search('工改');
    const partial = res.hits.filter((h) => h.missing.includes('工改'));
    expect(partial.length).toBeGreaterThan(0);
    const parts = service.engine.analyse('工改').groups[0][0].constraints[0].parts ?? [];
    for (const h of partial) {
      const m = marks(shown(h));
      expect(m.length, `${h.title} marks nothing`).toBeGreaterThan(0);
      for (const t of m) expect(spells(plain(t), parts), `${h.title}: ${t}`).toBe(true);
    }
  });

  it('marks something in the title or snippet of every hit of a slogan, a short form or a long form', () => {
    for (const q of ['工改', '首违不罚', '服贸', '综保区', '一业一证', '环评', '不见面审批']) {
      for (const h of search(q).hits) {
        const matchedInShownText = h.highlight.title + h.highlight.snippet;
        expect(marks(matchedInShownText).length, `${q}: ${h.title}`).toBeGreaterThan(0);
      }
    }
  });

  it('marks only what the query, its expansions and their words hold, and a word’s parts only in a hit lacking the word', () => {
    for (const q of ['工改', '首违不罚', '服贸', '跨境电商', '一业一证']) {
      for (const h of search(q).hits) {
        const allowed = markable(q, h.missing);
        // Whole allowed strings only (adjacent ones merge into one mark): a mark that merely contains one, or is
        // part of one, marks text that matched nothing.
        for (const t of marks(shown(h))) expect(spells(plain(t), allowed), `${q}: ${h.title}: ${t}`).toBe(true);
      }
    }
  });

  it('does not mark an expansion’s word again beside the expansion printed whole (电子 of 跨境电子商务 in 电子清单)', () => {
    const hit = search('跨境电商').hits.find((h) => h.title === '中欧班列“三优两并”通关模式创新');
    expect(hit).toBeDefined();
    expect(shown(hit!)).toContain('<mark>跨境电子商务</mark>');
    expect(shown(hit!)).not.toContain('<mark>电子</mark>');
  });

  it('marks something in every hit whose shown fields print what it matched, over every thesaurus term as a query', () => {
    const terms = new Set<string>();
    for (const line of readFileSync(join(DICT, 'synonyms.txt'), 'utf8').split('\n')) {
      const body = line.replace(/#.*/, '').trim();
      if (!body) continue;
      if (body.includes('>')) terms.add(body.split('>')[0].trim());
      else for (const t of body.split(/[\s,，、=]+/)) if (t) terms.add(t);
    }
    const n = service.engine.analyzer.normalizer;
    let hits = 0;
    const gaps: string[] = [];
    for (const q of terms) {
      const constraints = service.engine.analyse(q).groups.flat().flatMap((c) => c.constraints);
      for (const h of service.search({ q, size: 10 }).hits) {
        hits++;
        if (marks(shown(h)).length) continue;
        // Nothing marked: then nothing it was found by may stand in a shown field (it matched departments or regions).
        const r = service.reform(h.id)!;
        const text = n.plain([r.title, r.content, r.applicableTo, r.process, r.outcome].join('\n'));
        const strings = constraints.flatMap((k) => [
          ...k.alternatives.filter((a) => !a.words && !a.near).map((a) => a.text),
          ...(h.missing.includes(k.text) ? (k.parts ?? []) : []),
        ]);
        const held = strings.filter((t) => text.includes(t));
        if (held.length) gaps.push(`${q}: ${h.title} holds ${held.join(', ')}`);
      }
    }
    expect(hits).toBeGreaterThan(5000);
    expect(gaps).toEqual([]);
  });
});
