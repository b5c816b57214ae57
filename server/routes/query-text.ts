/**
 * The query text must be text: a `q` whose percent-encoding is not UTF-8 (%ED%A0%80, an encoded lone surrogate, or
 * 退税 followed by %FF) reaches a route as the undecoded percent-text (the query-string parser keeps what it cannot
 * decode), and was searched as the words "ed", "a0", "80". U+FFFD in it is the mark of a bad decode upstream (no
 * record prints it). Either is a 400 naming q, as every other bad parameter is. The check (qTextError) is shared with
 * the offline bundle's router.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { qTextError } from '../../search/request-rules.js';
import { HttpError } from '../guard.js';

/** A route's preValidation hook: a `q` that is not text is refused before the route's schema reads it. */
export function qMustBeText(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  const message = qTextError(request.url);
  done(message ? new HttpError(400, message) : undefined);
}
