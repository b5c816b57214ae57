/**
 * One line per answered request, for operators (grep-able, no JSON parser needed):
 *   2026-11-23T09:40:00.123Z 127.0.0.1 "GET /api/search?q=退税" 200 5123 1.4ms
 * Bytes are "-" when the length is not known in advance (streamed or compressed bodies).
 */
import type { FastifyInstance } from 'fastify';

/**
 * What a log line never prints raw: C0 and C1 controls, DEL, the quote that ends the request field, bidirectional
 * marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–E, U+2066–9), and the line and paragraph
 * separators U+2028/9.
 */
const LOG_UNSAFE = /[\u0000-\u001f\u007f-\u009f"\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

export function registerAccessLog(app: FastifyInstance, write: (line: string) => void): void {
  app.addHook('onResponse', (request, reply, done) => {
    const length = reply.getHeader('content-length');
    let url = request.url;
    try {
      url = decodeURI(url);
    } catch {
      // keep it percent-encoded when it does not decode
    }
    // Control characters in a URL must not forge log lines, nor may bidi controls (U+202E) or line separators
    // reorder or break one on an operator's screen: C0/C1 controls and " as \xNN, the others as \uNNNN.
    url = url.replace(LOG_UNSAFE, (c) => {
      const code = c.charCodeAt(0);
      return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    });
    write(`${new Date().toISOString()} ${request.ip} "${request.method} ${url}" ${reply.statusCode} ${length ?? '-'} ${reply.elapsedTime.toFixed(1)}ms`);
    done();
  });
}
