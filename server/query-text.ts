/**
 * The query text must be text: a `q` whose percent-encoding is not UTF-8 (%ED%A0%80, an encoded lone surrogate, or
 * 退税 followed by %FF) reaches a route as the undecoded percent-text (the query-string parser keeps what it cannot
 * decode), and was searched as the words "ed", "a0", "80". U+FFFD in it is the mark of a bad decode upstream (no
 * record prints it). Either is a 400 naming q, as every other bad parameter is. Checked once for the whole app
 * (server/guard.ts), on every route whose querystring schema has a q, so a new route that reads q cannot miss it.
 */

/** U+FFFD, or a surrogate without its other half. */
const NOT_TEXT = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why the raw query string's `q` values are not text, or undefined when they are (or there is none). */
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
