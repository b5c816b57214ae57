/**
 * The limits of an API request and the words of its 400s, shared by the server's routes (server/) and the offline
 * bundle's router (web/src/offline/router.ts), which may not import the server stage: one wording, so a user gets
 * the same message from the page whether it talks to a server or answers itself. Stage-neutral and pure.
 */

export const MAX_QUERY_LENGTH = 500;
export const MAX_PAGE_SIZE = 100;
/** page × size may not go past this many results: deep paging is what export is for. */
export const MAX_WINDOW = 10_000;
/** Similar lists are precomputed at build time, this many per reform: the most /api/reforms/{id}/similar gives. */
export const SIMILAR_MAX = 20;

/** The values a choice parameter takes, one list for the route schemas and the offline router. /api/search: */
export const SORT_ORDERS = ['relevance', 'source', 'quantity'] as const;
export const MATCHING_STRATEGIES = ['last', 'all'] as const;
/** /api/outcomes (the facts' own direction and kind, and their orders). */
export const OUTCOME_DIRECTIONS = ['down', 'up', 'none'] as const;
export const OUTCOME_KINDS = ['time', 'money', 'percent', 'count', 'other'] as const;
export const OUTCOME_SORTS = ['change', 'value', 'source'] as const;

/** A value as a message shows it: JSON, cut at 40 characters. */
export function shownValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/** `sort: must be one of "relevance", "source" (got "foo")`. */
export function oneOfMessage(param: string, allowed: readonly unknown[], got?: unknown): string {
  return `${param}: must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}${got === undefined ? '' : ` (got ${shownValue(got)})`}`;
}

export function notEmptyMessage(param: string): string {
  return `${param}: must not be empty`;
}

/** A parameter that takes one value, given several times (size=10&size=20). */
export function givenTimesMessage(param: string, times: number): string {
  return `${param}: given ${times} times; give it once`;
}

export function unknownParamMessage(param: string, known: readonly string[]): string {
  return `${param}: unknown parameter (known: ${known.join(', ')})`;
}

/**
 * Numeric parameters as typed: optional minus, decimal digits without a leading zero (and, for a number, a
 * decimal fraction). A looser reading would take 0x10, 1e2, +5, 1.0 and ±Infinity.
 */
export const DECIMAL_INTEGER = /^-?(0|[1-9]\d{0,14})$/;
export const DECIMAL_NUMBER = /^-?(0|[1-9]\d{0,14})(\.\d{1,15})?$/;

export function decimalMessage(param: string, kind: 'integer' | 'number', got: string): string {
  return `${param}: must be ${kind === 'integer' ? 'a whole number' : 'a number'} written in decimal digits (got ${shownValue(got)})`;
}

/** 400 when page × size reaches past MAX_WINDOW; `advice` says where the whole set is (the server's export route). */
export function windowMessage(page: number, size: number, advice?: string): string | undefined {
  return page * size > MAX_WINDOW ? `page: page × size must be at most ${MAX_WINDOW} (got ${page} × ${size})${advice ? `; ${advice}` : ''}` : undefined;
}

/** U+FFFD, or a surrogate without its other half. */
const NOT_TEXT = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why the raw query string's `q` values are not text, or undefined when they are (or there is none). A `q` whose
 * percent-encoding is not UTF-8 (%ED%A0%80, an encoded lone surrogate, or 退税 followed by %FF) would otherwise be
 * searched as its undecoded percent-text or as U+FFFD; U+FFFD itself is the mark of a bad decode upstream (no
 * record prints it).
 */
export function qTextError(url: string): string | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  for (const pair of url.slice(at + 1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq) !== 'q') continue;
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return 'q: is not valid UTF-8 (percent-encode the query as UTF-8)';
    }
    if (NOT_TEXT.test(value)) return 'q: holds U+FFFD or a lone surrogate, the trace of text decoded with the wrong encoding';
  }
  return undefined;
}
