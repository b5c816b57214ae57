/**
 * A bundle's text in ASCII only. esbuild escapes non-ASCII characters in strings and templates (its default
 * `charset: 'ascii'`) but leaves them in regular-expression literals (the analysers' 《…》, [余多], 节约|制约…).
 * One such character makes Node read the whole file as a two-byte string: UTF-8 decoding 1.6 MB took 30–50 ms of
 * CPU at every start of a release here, against ~5 for the same bytes in ASCII, and V8 scans and stores a two-byte
 * source at twice the size. Each remaining character becomes its `\uXXXX` escape (per UTF-16 unit), which means the
 * same character in a regular expression (with or without the u flag: an escaped surrogate pair is one code point
 * there), a string, a template's cooked value and an identifier. (A tagged template's raw text would differ: esbuild
 * leaves none with such characters in the server's bundle, and test/release.test.ts compares the release's answers.)
 */

/** `code` with every non-ASCII UTF-16 unit written as `\uXXXX`; `\X` (an identity escape of X) becomes X's escape. */
export function asciiOnly(code: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c < 0x80) continue;
    // An odd run of backslashes before it escapes the character itself: the \u escape replaces that backslash.
    let slashes = 0;
    while (i - slashes - 1 >= from && code.charCodeAt(i - slashes - 1) === 0x5c) slashes++;
    out += code.slice(from, slashes % 2 === 1 ? i - 1 : i) + '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    from = i + 1;
  }
  return from === 0 ? code : out + code.slice(from);
}
