/**
 * One line per answered request, for operators (grep-able, no JSON parser needed):
 *   2026-11-23T09:40:00.123Z 127.0.0.1 "GET /api/search?q=退税" 200 5123 1.4ms
 * Bytes are "-" when the length is not known in advance (streamed or compressed bodies).
 */
import type { FastifyInstance } from 'fastify';

export function registerAccessLog(app: FastifyInstance, write: (line: string) => void): void {
  app.addHook('onResponse', (request, reply, done) => {
    const length = reply.getHeader('content-length');
    let url = request.url;
    try {
      url = decodeURI(url);
    } catch {
      // keep it percent-encoded when it does not decode
    }
    // Control characters in a URL must not forge log lines.
    url = url.replace(/[\u0000-\u001f\u007f"]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    write(`${new Date().toISOString()} ${request.ip} "${request.method} ${url}" ${reply.statusCode} ${length ?? '-'} ${reply.elapsedTime.toFixed(1)}ms`);
    done();
  });
}
