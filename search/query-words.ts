/**
 * What each word of a query asks for, as matching and ranking read it: the query's words as units (a constraint, or an
 * OR group scored as one word), and which of them say what about the topic is wanted (a change verb, a measure word, a
 * superlative, a figure asked for, the aim of a question of manner) rather than what the topic is: marked on the units
 * (markQualifiers, markQuestionAims). Apart from the engine because matching (engine.ts), ranking (result.ts), outcome
 * facts and the service's copies all ask it.
 */
import type { Constraint, QueryAnalysis } from './analyzer.js';
import type { DocScores } from './score.js';
import { DOWN_VERBS, UP_VERBS } from '../analysis/outcomes.js';
import { isMeasureWord, isSuperlative, questionAimStart } from '../analysis/ask.js';
import type { EngineOptions } from './options.js';

/** Queries of at most this many words count the parts of their compounds (a longer one is a pasted paragraph), and
 * only such a compound typed whole can hold its words apart (result.ts apartScale). */
export const MAX_PARTS_WORDS = 4;

/** One word of the query as matching sees it: a constraint, or an OR group (either side, scored as one word). */
export interface Unit {
  text: string;
  ds: DocScores;
  idf: number;
  /** The analysed constraints behind it (the bonus stage looks at their positions). */
  constraints: Constraint[];
  /** The figure a question asks for (analysis.ask), matched against outcome facts rather than text. */
  ask?: boolean;
  /**
   * In an outcome query, a change verb, a word naming a measure or a superlative (缩短, 时间 in 退税时间缩短), or the aim
   * of a question of manner (快速 in 进口食品怎么快速通关): it says what about the topic is wanted, so lacking it
   * costs less than lacking a topic word (EngineOptions.qualifierCost).
   */
  qualifier?: boolean;
  /**
   * The idf of the word as printed (it and its equivalents), where narrower terms widen it (药品 → 中药): whether the
   * query's other words are common beside it is judged by how rarely the corpus prints the word, not its kinds.
   */
  ownIdf?: number;
}


/** The direction a change verb states (缩短 down, 提高 up), if the word is one. */
export function directionOf(word: string): 'down' | 'up' | undefined {
  return DOWN_VERBS.includes(word) ? 'down' : UP_VERBS.includes(word) ? 'up' : undefined;
}

/**
 * Whether a query word, typed plain (one constraint, no phrase or field), says what about the topic is wanted rather
 * than what the topic is: a change verb (缩短), a measure word (时间) or a superlative (最快).
 */
export function namesQualifier(u: { text: string; constraints: readonly Constraint[]; ask?: boolean }): boolean {
  const c = u.constraints;
  if (u.ask || c.length !== 1 || c[0].phrase || c[0].fields) return false;
  return directionOf(u.text) !== undefined || isMeasureWord(u.text) || isSuperlative(u.text);
}

/**
 * Whether a query asks for a figure or for what about its topic changed (a qualifier, an asked figure, or a word
 * namesQualifier reads as one): such a query is neither a keyword list nor a description, and keeps its tiers.
 */
export function asksForQualifier(units: readonly Unit[]): boolean {
  return units.some((u) => u.qualifier || u.ask || namesQualifier(u));
}

/**
 * Whether a query asks about a topic, so that any printing of a matched reform answers it (its copies in other
 * documents are listed under the hit even where their own text lacks a word: a short printing of the same reform).
 * Not when the words ask about the text itself: a phrase, a field (department:), a number, a figure asked for
 * (多少家) or a change verb of an outcome query (缩短): a printing without them does not answer.
 */
export function asksAboutTopic(analysis: QueryAnalysis): boolean {
  if (analysis.ask) return false;
  const groups = analysis.groups;
  for (let g = 0; g < groups.length; g++) {
    for (let j = 0; j < groups[g].length; j++) {
      const cs = groups[g][j].constraints;
      for (let k = 0; k < cs.length; k++) {
        const c = cs[k];
        if (c.phrase || c.fields || /\d/.test(c.text) || directionOf(c.text)) return false;
      }
    }
  }
  return groups.length > 0;
}

/** The longest clause read as a question of manner (进口食品怎么快速通关 is 10): longer text is pasted, not asked. */
export const QUESTION_AIM_MAX_CHARS = 20;

/**
 * In a question of manner typed after its topic (进口食品怎么快速通关), the words after the question word say what is
 * wanted of the topic, as a change verb does: they are qualifiers (Unit.qualifier), so in the tiers of partial
 * matches a record on 食品 lacking 快速 and 通关 comes before one that lacks only 食品. Counting every word alike put
 * 关保通 (通关 fast, no food) first. Only when the clause types words both before and after the question word, and
 * only in a question: not in a field clause (title:…如何…) or a quoted phrase, which name what a text says, nor in a
 * clause longer than a question (QUESTION_AIM_MAX_CHARS: a pasted paragraph's 如何 frames none of its words).
 */
export function markQuestionAims(analysis: QueryAnalysis, units: Unit[], options: EngineOptions): void {
  if (!options.questionAims || options.qualifierCost === 1) return;
  const unitOf = new Map(units.map((u) => [u.text, u] as const));
  for (const group of analysis.groups) {
    if (group.length !== 1) continue;
    const clause = group[0];
    if (clause.text.replace(/\s+/g, '').length > QUESTION_AIM_MAX_CHARS || clause.constraints.some((c) => c.fields || c.phrase)) continue;
    const start = questionAimStart(clause.text);
    if (start === undefined) continue;
    const at = clause.constraints.map((c) => clause.text.indexOf(c.text));
    if (!at.some((x) => x >= 0 && x < start) || !at.some((x) => x >= start)) continue;
    clause.constraints.forEach((c, k) => {
      const u = unitOf.get(c.text);
      if (u && !u.ask && at[k] >= start) u.qualifier = true;
    });
  }
}

/**
 * Marks the change verbs, measure words and superlatives of an outcome query (Unit.qualifier); not when nothing
 * else is typed.
 */
export function markQualifiers(analysis: QueryAnalysis, units: Unit[], options: EngineOptions): void {
  if (options.qualifierCost === 1) return;
  // Loops, not map/some chains (once per first-seen query; the chain's boolean arrays deoptimised it: wrong map).
  let verb = false;
  for (let b = 0; b < units.length && !verb; b++) verb = namesQualifier(units[b]) && directionOf(units[b].text) !== undefined;
  if (!analysis.ask && !verb) return;
  // A superlative (最快 of 企业开办最快多久) says which figure of the topic is wanted, as a measure word does.
  let other = false;
  for (let b = 0; b < units.length && !other; b++) other = !units[b].ask && !namesQualifier(units[b]);
  if (!other) return;
  for (let b = 0; b < units.length; b++) if (namesQualifier(units[b])) units[b].qualifier = true;
}
