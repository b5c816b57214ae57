/**
 * Reform mechanisms (dict/ideas.txt): classes of names the field gives one way of working (先放后检, 附条件提离 and
 * 先声明后验证 all release goods before the check is complete). Read by the similar-reform lists only, so two reforms
 * of one mechanism meet when they share no word; search never reads them (related mechanisms are not synonyms).
 * Parsing is pure; reading the file is the build's job.
 */

/** One mechanism: its label and the names it is printed under. */
export type IdeaClass = [name: string, terms: string[]];

/** A skipped line of ideas.txt and why (1-based line number). */
export interface IdeaWarning {
  line: number;
  message: string;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * A Han character as the similar lists read text (the unified ideographs and their extension A and compatibility
 * blocks, and 〇): a run of text ends at any other character, so a term must be made of these alone to be found.
 */
export function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff) || c === 0x3007;
}

/** 2–12 characters, each one the reader counts as Han (a term with any other character could never match). */
function isTerm(t: string): boolean {
  if (t.length < 2 || t.length > 12) return false;
  for (let i = 0; i < t.length; i++) if (!isHan(t.charCodeAt(i))) return false;
  return true;
}

/**
 * Parses ideas.txt: `name: term term …` per line, `#` starts a comment. A line without a valid name, or with no
 * valid term, is skipped; a term that is not 2–12 Han characters as isHan counts them (the reader's test, so every
 * kept term can match) is skipped; a name given twice keeps its first line. Each skip is a warning naming the line.
 */
export function parseIdeas(text: string): { classes: IdeaClass[]; warnings: IdeaWarning[] } {
  const classes: IdeaClass[] = [];
  const warnings: IdeaWarning[] = [];
  const seen = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, '').trim();
    if (!line) continue;
    const colon = line.search(/[:：]/);
    const name = colon < 0 ? '' : line.slice(0, colon).trim();
    if (!NAME.test(name)) {
      warnings.push({ line: i + 1, message: `expected "name: term term …" with a name of lower-case letters, digits and '-', got "${line.slice(0, 40)}"` });
      continue;
    }
    if (seen.has(name)) {
      warnings.push({ line: i + 1, message: `class "${name}" is defined again; the first definition is kept` });
      continue;
    }
    const terms: string[] = [];
    for (const t of line.slice(colon + 1).trim().split(/\s+/).filter(Boolean)) {
      if (isTerm(t)) {
        if (!terms.includes(t)) terms.push(t);
      } else warnings.push({ line: i + 1, message: `term "${t}" of class "${name}" is not 2–12 Chinese characters of the kinds the similar lists read as one run of text; skipped` });
    }
    if (!terms.length) {
      warnings.push({ line: i + 1, message: `class "${name}" has no term; skipped` });
      continue;
    }
    seen.add(name);
    classes.push([name, terms]);
  }
  return { classes, warnings };
}

/**
 * Finds the classes a run of Han text prints. Terms are looked up only where a run's two characters start one (a
 * numeric key; a slice of the run is built only there, at the lengths of the terms with that start), so reading a corpus's text costs about one set lookup per
 * character.
 */
export class IdeaMatcher {
  /** The lengths of the terms starting with each pair of characters, shortest first. */
  private readonly starts = new Map<number, number[]>();
  private readonly classesOf = new Map<string, number[]>();

  /** `classes` with their terms already normalised as the text is; class k's hits are reported as k. */
  constructor(classes: IdeaClass[]) {
    classes.forEach(([, terms], k) => {
      for (const t of terms) {
        const key = t.charCodeAt(0) * 65536 + t.charCodeAt(1);
        const lengths = this.starts.get(key) ?? this.starts.set(key, []).get(key)!;
        if (!lengths.includes(t.length)) lengths.push(t.length), lengths.sort((a, b) => a - b);
        const of = this.classesOf.get(t);
        if (!of) this.classesOf.set(t, [k]);
        else if (!of.includes(k)) of.push(k);
      }
    });
  }

  /**
   * Each class `text` prints, with the first of its terms printed there, in order of first sight (any text: a term
   * is a run of Han characters, so punctuation and Latin letters simply start no term); where several terms of a
   * class start at one place, the longest (启运港退税, not 启运港 inside it), since it is the name shown to users. For
   * explaining an entry, not for the build's hot path (`match`).
   */
  named(text: string): Map<number, string> {
    const out = new Map<number, string>();
    this.scan(text, true, (term, ks) => {
      for (const k of ks) if (!out.has(k)) out.set(k, term);
    });
    return out;
  }

  /** The classes `run` prints, each once, in order of first sight. */
  match(run: string): number[] {
    const out: number[] = [];
    this.scan(run, false, (_, ks) => {
      for (const k of ks) if (!out.includes(k)) out.push(k);
    });
    return out;
  }

  /**
   * Calls `hit` with each term `text` prints and its classes, by start position, the terms starting at one place
   * shortest first or (`longestFirst`) longest first.
   */
  private scan(text: string, longestFirst: boolean, hit: (term: string, classes: number[]) => void): void {
    if (this.classesOf.size === 0) return;
    for (let i = 0; i + 1 < text.length; i++) {
      const lengths = this.starts.get(text.charCodeAt(i) * 65536 + text.charCodeAt(i + 1));
      if (lengths === undefined) continue;
      for (let l = 0; l < lengths.length; l++) {
        const len = lengths[longestFirst ? lengths.length - 1 - l : l];
        // Too long for what is left: so is every later length shortest first; a shorter one may fit longest first.
        if (i + len > text.length) {
          if (longestFirst) continue;
          break;
        }
        const term = text.slice(i, i + len);
        const ks = this.classesOf.get(term);
        if (ks) hit(term, ks);
      }
    }
  }
}
