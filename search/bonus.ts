/**
 * Position bonuses for the top window of a ranking (SearchResult.select): every word in the title, the words close
 * together in a field, a clause printed verbatim, and the share of set-aside narrower terms a record prints. Read from
 * positions for a few dozen records per query, never for the whole result, so apart from matching and scoring.
 */
import type { Constraint, QueryAnalysis } from './analyzer.js';
import { BlockTerm } from './doc-skips.js';
import { SEARCH_FIELDS, type SearchField } from './fields.js';
import { slotEntry, gallop, type Matcher } from './match.js';
import type { EngineOptions } from './options.js';
import { positionsOf, type Occurrences } from './postings.js';
import type { Unit } from './query-words.js';
import { windowAdd, windowOfAdded, windowStart, type FieldStats } from './score.js';

/** The occurrences the position bonuses of one query read (PositionBonus.bonusPlan). */
export interface BonusPlan {
  /** Per word (constraint) of the query, its alternatives that are strings: length and occurrences. */
  alternatives: { length: number; occ: Occurrences }[][];
  /** Occurrences of each clause of two or more words written together (verbatim). */
  verbatim: Occurrences[];
  /** Words (units) of the query: a record with all of them can get the title bonus. */
  unitCount: number;
  /**
   * Per word whose kinds were set aside (Constraint.asideKinds), how to tell a record printing one of them: a common kind
   * read by blocks (only the top window's records' blocks are decoded), a rarer one-token kind by its record list.
   */
  kinds: { blocks: Occurrences[]; lists: Int32Array[] }[];
}

/** Whether any of a word's alternatives occurs in a slot (a loop, not a closure made per record and field). */
function anyHasSlot(alts: readonly { occ: Occurrences }[], slot: number): boolean {
  for (let j = 0; j < alts.length; j++) if (slotEntry(alts[j].occ, slot) >= 0) return true;
  return false;
}


  

export class PositionBonus {
  /** How many records' position bonuses were worked out (bonus): SearchEngine.bonusReads. */
  bonusReadCount = 0;
  /** How many fields' proximity the bound let go unread (bonus): SearchEngine.proximitySkips. */
  proximitySkipCount = 0;
  /** EngineOptions.proximityFields, heaviest first (bonus). */
  private proximityOrder?: SearchField[];

  constructor(
    private readonly matcher: Matcher,
    private readonly stats: FieldStats,
    private readonly fieldIndex: ReadonlyMap<SearchField, number>,
    private readonly options: EngineOptions,
  ) {}

  /** What the position bonuses of one query need, looked up once per ranking (not once per record). */
  bonusPlan(analysis: QueryAnalysis, units: Unit[]): BonusPlan {
    // Loops, not map/filter chains: once per first-seen query, and the inlined chains deoptimised (wrong map) here.
    const alternatives: BonusPlan['alternatives'] = [];
    for (let u = 0; u < units.length; u++) {
      const cs = units[u].constraints;
      for (let k = 0; k < cs.length; k++) alternatives.push(this.bonusAlternatives(cs[k]));
    }
    // A clause no record prints verbatim is dropped here, not checked per record and field.
    const verbatim: Occurrences[] = [];
    for (let g = 0; g < analysis.groups.length; g++) {
      const group = analysis.groups[g];
      for (let j = 0; j < group.length; j++) {
        if (group[j].constraints.length < 2) continue;
        const o = this.matcher.needle(group[j].text.replace(/\s+/g, ''));
        if (o.slots.length > 0) verbatim.push(o);
      }
    }
    const kinds: BonusPlan['kinds'] = [];
    for (let u = 0; u < units.length; u++) {
      const cs = units[u].constraints;
      for (let k = 0; k < cs.length; k++) if (cs[k].asideKinds) kinds.push(this.kindReaders(cs[k].asideKinds!));
    }
    return { alternatives, verbatim, unitCount: units.length, kinds };
  }

  /**
   * Readers of a word's set-aside kinds for the top window, never a kind's positions across the corpus: one with block
   * starts (a common word) by blocks, another that is one index token by its record list (rare, so short). A kind of
   * several tokens (供应链金融) would need its positions intersected, tens of milliseconds at 100k records with the
   * caches cleared: it is not read.
   */
  private kindReaders(kinds: string[]): { blocks: Occurrences[]; lists: Int32Array[] } {
    const blocks: Occurrences[] = [];
    const lists: Int32Array[] = [];
    for (const k of kinds) {
      if (this.matcher.soleTerm(k) === undefined) continue;
      const b = this.matcher.blockTerm(k);
      if (b) {
        if (b.records > 0) blocks.push(b);
      } else {
        const l = this.matcher.records(k);
        if (l.length > 0) lists.push(l);
      }
    }
    return { blocks, lists };
  }

  /**
   * The share of the query's words whose set-aside kinds (Constraint.asideKinds) a record prints in any field: its
   * base score grows by bonus.kinds × that share in the top window (SearchResult.select).
   */
  kindsShare(doc: number, plan: BonusPlan): number {
    if (plan.kinds.length === 0) return 0;
    const F = this.stats.fieldCount;
    let held = 0;
    for (const { blocks, lists } of plan.kinds) {
      let found = lists.some((l) => {
        const i = gallop(l, doc, 0);
        return i < l.length && l[i] === doc;
      });
      for (let f = 0; f < F && !found; f++) found = blocks.some((b) => slotEntry(b, doc * F + f) >= 0);
      if (found) held++;
    }
    return held / plan.unitCount;
  }

  /**
   * A word's alternatives that are strings and occur somewhere: one that occurs nowhere (most narrower terms of a word
   * printed rarely, 集成电路布图设计质押融资) can give no record a bonus, so the top window never looks it up.
   */
  private bonusAlternatives(c: Constraint): { length: number; occ: Occurrences }[] {
    const out: { length: number; occ: Occurrences }[] = [];
    for (const a of c.alternatives) {
      if (a.near) continue;
      // A common word read by blocks: the top window's records' blocks are decoded, not the word's whole list.
      const blocks = this.matcher.blockTerm(a.text);
      if (blocks) {
        if (blocks.records > 0) out.push({ length: a.text.length, occ: blocks });
        continue;
      }
      const occ = this.matcher.needle(a.text);
      if (occ.slots.length > 0) out.push({ length: a.text.length, occ });
    }
    return out;
  }

  /**
   * Every word in the title, words close together, a clause found verbatim: from positions, for the top window only.
   * With `met`, also whether the words meet: some word in the title, two of them close together in one field, or the
   * clause printed whole in any field.
   */
  bonus(doc: number, plan: BonusPlan, matched: number, met?: { met: boolean }): number {
    this.bonusReadCount++;
    const o = this.options;
    const F = this.stats.fieldCount;
    const title = this.fieldIndex.get('title')!;
    let score = 0;
    // One walk of the words' title slots answers both: does the title hold every word (the bonus), any (`met`).
    const asksAll = plan.unitCount > 1 && matched === plan.unitCount;
    if (met || asksAll) {
      const slot = doc * F + title;
      let held = 0;
      let missed = false;
      for (const alts of plan.alternatives) {
        if (anyHasSlot(alts, slot)) held++;
        else missed = true;
        // Known once: `met` needs one word held, the bonus every word (a miss ends it).
        if ((!met || held > 0) && (!asksAll || missed)) break;
      }
      if (met) met.met = held > 0;
      if (asksAll && held === plan.alternatives.length) score += o.bonus.titleHasAll;
    }
    if (matched >= 2) {
      let best = 0;
      // Heaviest field first: the bonus is the best field's, and a field's can be no more than its share of the words
      // held × its weight (closeness is at most 1), so a field whose share cannot beat the best so far has its
      // positions never read (a title holding the words close together leaves the long text fields unread). The
      // maximum is the same in any order.
      for (const name of (this.proximityOrder ??= [...o.proximityFields].sort((a, b) => o.fieldWeights[b] - o.fieldWeights[a]))) {
        const slot = doc * F + this.fieldIndex.get(name)!;
        // A field holding fewer than two of the words adds nothing: found out from the slots alone, before any
        // position is read or listed (most fields of most records).
        let holding = 0;
        for (const alts of plan.alternatives) if (anyHasSlot(alts, slot)) holding++;
        if (holding < 2 || (holding / plan.alternatives.length) * o.fieldWeights[name] <= best) {
          if (holding >= 2) this.proximitySkipCount++;
          continue;
        }
        // Each word present in the field is one list of the window, its alternatives' positions given straight to
        // the window's columns (score.ts windowAdd); `span` adds each present word's first occurrence's length.
        windowStart();
        let present = 0;
        let span = 0;
        for (const alts of plan.alternatives) {
          let first = -1;
          for (const a of alts) {
            const occ = a.occ;
            const entry = slotEntry(occ, slot);
            if (entry < 0) continue;
            let s: number;
            let e: number;
            let pos: Int32Array;
            if (occ instanceof BlockTerm) [s, e, pos] = occ.positionsAt(entry);
            // A list read in place (no [from, to, positions] triple per word, field and record); a term decoded lazily
            // decodes only the block of positions holding the entry.
            else (s = occ.starts[entry]), (e = occ.starts[entry + 1]), (pos = positionsOf(occ, entry));
            if (first < 0) first = a.length;
            for (let x = s; x < e; x++) windowAdd(present, pos[x], a.length);
          }
          if (first >= 0) {
            present++;
            span += first;
          }
        }
        if (present < 2) continue;
        const window = windowOfAdded(present);
        if (window > o.proximityWindow + span) continue;
        const closeness = 1 - Math.max(0, window - span) / (o.proximityWindow + 1);
        best = Math.max(best, closeness * (present / plan.alternatives.length) * o.fieldWeights[name]);
      }
      score += o.bonus.proximity * best;
      if (met && best > 0) met.met = true;
    }
    for (const occ of plan.verbatim) {
      for (const name of SEARCH_FIELDS) {
        if (slotEntry(occ, doc * F + this.fieldIndex.get(name)!) >= 0) {
          score += o.bonus.verbatim * o.fieldWeights[name];
          // The clause printed whole: its words meet, in whichever field (regions, departments and scope too).
          if (met) met.met = true;
          break;
        }
      }
    }
    return score;
  }
}
