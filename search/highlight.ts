/**
 * Highlights: <mark> around exactly the matched text of the original field (not the normalised or segmented
 * form), everything else HTML-escaped; long fields become a snippet of about 120 characters around the best
 * match, cut at character boundaries, with … where cut.
 */
import { insertionSort } from './insertion-sort.js';

export const SNIPPET_LENGTH = 120;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/;

export function escapeHtml(s: string): string {
  // Most slices of Chinese text hold nothing to escape: returned as they are, with no replace pass.
  return SPECIAL.test(s) ? s.replace(/[&<>"']/g, (c) => ESCAPES[c]) : s;
}

/**
 * Merge overlapping or touching [start, end) spans: sorted by start (longest first) and merged in the list itself, which
 * is returned (callers pass a list of their own; no copy per shown field).
 */
export function mergeSpans(spans: [number, number][]): [number, number][] {
  // One string's occurrences arrive in order already (a sort copies the list); a field's few spans of several
  // strings are put in order in place (Array sort copies them to a work array first).
  if (!inOrder(spans)) {
    if (spans.length <= 32) insertionSort(spans, byStartLongestFirst);
    else spans.sort(byStartLongestFirst);
  }
  let n = 0;
  for (let k = 0; k < spans.length; k++) {
    const sp = spans[k];
    const last = n > 0 ? spans[n - 1] : undefined;
    if (last && sp[0] <= last[1]) last[1] = Math.max(last[1], sp[1]);
    else spans[n++] = sp;
  }
  spans.length = n;
  return spans;
}

function byStartLongestFirst(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || b[1] - a[1];
}

function inOrder(spans: [number, number][]): boolean {
  for (let k = 1; k < spans.length; k++) if (byStartLongestFirst(spans[k - 1], spans[k]) > 0) return false;
  return true;
}

/** Escape `text[from, to)` and wrap the spans (original offsets, merged) in <mark>. */
export function markRange(text: string, spans: [number, number][], from = 0, to = text.length): string {
  let out = '';
  let pos = from;
  for (const [s0, e0] of spans) {
    const s = Math.max(s0, from);
    const e = Math.min(e0, to);
    if (e <= s) continue;
    out += escapeHtml(text.slice(pos, s)) + '<mark>' + escapeHtml(text.slice(s, e)) + '</mark>';
    pos = e;
  }
  return out + escapeHtml(text.slice(pos, to));
}

/** Move an offset off the middle of a surrogate pair so a cut never splits a character. */
function charBoundary(text: string, i: number): number {
  if (i > 0 && i < text.length && /[\uDC00-\uDFFF]/.test(text[i]) && /[\uD800-\uDBFF]/.test(text[i - 1])) return i - 1;
  return i;
}

/** A window of about `length` characters around the first span, with … where the field was cut. */
export function snippet(text: string, spans: [number, number][], length = SNIPPET_LENGTH): string {
  if (text.length <= length) return markRange(text, spans);
  const first = spans[0];
  let start = 0;
  if (first) {
    // Some context before the match, but keep the match and what follows it in view.
    start = Math.max(0, Math.min(first[0] - Math.floor(length / 4), text.length - length));
    // Prefer starting at a sentence or line start if one is close.
    const lead = text.slice(Math.max(0, start - 12), first[0]);
    const boundary = Math.max(lead.lastIndexOf('。'), lead.lastIndexOf('\n'), lead.lastIndexOf('；'));
    if (boundary >= 0) start = Math.max(0, start - 12) + boundary + 1;
    if (first[0] - start > length / 2) start = first[0] - Math.floor(length / 4);
  }
  start = charBoundary(text, start);
  const end = charBoundary(text, Math.min(text.length, start + length));
  return (start > 0 ? '…' : '') + markRange(text, spans, start, end) + (end < text.length ? '…' : '');
}
