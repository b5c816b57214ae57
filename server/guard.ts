/**
 * What keeps one client from taking the server down, and bad input from reaching a handler:
 * - strict numbers: a numeric parameter is plain decimal in range (no 0x10, 1e2, +1, Infinity), or a 400 naming it;
 * - a q that is not text (search/request-rules.ts qTextError, shared with the offline router) is a 400 on every route whose querystring has a q;
 * - expensive requests (every /api route but the cheap ones below) run one at a time from a bounded queue, each
 *   within a time budget counted from its arrival; a full queue or a spent budget is a 503 with Retry-After;
 * - the queue yields to the event loop between jobs, so /api/health and other cheap routes are answered ahead of
 *   queued search work.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { DeadlineExceeded, SliceExhausted, withDeadline } from '../search/budget.js';
import { DECIMAL_INTEGER, DECIMAL_NUMBER, decimalMessage, qTextError } from '../search/request-rules.js';

export interface Limits {
  /** Time a search request may take from arrival (queueing included) before it is a 503. Default 2000 ms. */
  searchBudgetMs: number;
  /**
   * Longest a search runs before yielding to other I/O (health checks, new requests) and resuming. Default 20 ms:
   * what /api/health can wait behind one search.
   */
  sliceMs: number;
  /** Expensive requests queued or running at once; one more is a 503. Default 128. */
  maxPending: number;
  /** Seconds a 503 or 429 asks the client to wait (Retry-After). Default 1. */
  retryAfterSeconds: number;
  /** Requests per client per minute (all routes but /api/health); 0 turns the rate limit off. Default 1200. */
  rateLimitPerMinute: number;
  /** Clients on the loopback interface (127.0.0.1, ::1) are not rate limited. Default true. */
  rateLimitExemptLoopback: boolean;
  /** Close idle keep-alive connections after this long. Default 5000 ms. */
  keepAliveTimeoutMs: number;
  /** Whole request (headers and body) must arrive within this. Default 30000 ms. */
  requestTimeoutMs: number;
  /** Request headers must arrive within this. Default 10000 ms. */
  headersTimeoutMs: number;
  /** Bytes of serialised /api/search answers kept for repeated requests (per served snapshot); 0 turns it off. Default 32 MiB. */
  answerCacheBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  searchBudgetMs: 2000,
  sliceMs: 20,
  maxPending: 128,
  retryAfterSeconds: 1,
  rateLimitPerMinute: 1200,
  rateLimitExemptLoopback: true,
  keepAliveTimeoutMs: 5000,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  answerCacheBytes: 32 * 2 ** 20,
};

const ENV: Record<keyof Limits, string> = {
  searchBudgetMs: 'SEARCH_BUDGET_MS',
  sliceMs: 'SEARCH_SLICE_MS',
  maxPending: 'MAX_PENDING_SEARCHES',
  retryAfterSeconds: 'RETRY_AFTER_SECONDS',
  rateLimitPerMinute: 'RATE_LIMIT_PER_MINUTE',
  rateLimitExemptLoopback: 'RATE_LIMIT_EXEMPT_LOOPBACK',
  keepAliveTimeoutMs: 'KEEP_ALIVE_TIMEOUT_MS',
  requestTimeoutMs: 'REQUEST_TIMEOUT_MS',
  headersTimeoutMs: 'HEADERS_TIMEOUT_MS',
  answerCacheBytes: 'ANSWER_CACHE_BYTES',
};

/** Limits from environment variables (names in ENV, documented in the README); a malformed value is an error. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(ENV) as (keyof Limits)[]) {
    const raw = env[ENV[key]];
    if (raw === undefined || raw === '') continue;
    if (typeof DEFAULT_LIMITS[key] === 'boolean') {
      if (!/^(0|1|true|false)$/.test(raw)) throw new Error(`${ENV[key]} must be true or false (got ${JSON.stringify(raw)})`);
      (out[key] as boolean) = raw === '1' || raw === 'true';
    } else {
      if (!/^\d{1,9}$/.test(raw)) throw new Error(`${ENV[key]} must be a whole number (got ${JSON.stringify(raw)})`);
      (out[key] as number) = Number(raw);
    }
  }
  return out;
}

/** Routes cheap enough to run at once, outside the queue (a record lookup, counts, the API description). */
const CHEAP = new Set(['/api/health', '/api/stats', '/api/reforms/:id', '/api/openapi.json']);

/** An error that is sent as { error, message } with its status (and Retry-After for 429/503). */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string, readonly retryAfter?: number) {
    super(message);
    this.name = STATUS_CODES[statusCode] ?? 'Error';
  }
}

interface Job {
  deadline: number;
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Runs expensive handlers one at a time, yielding to I/O between them, within a bounded queue and a time budget. */
export class WorkQueue {
  private readonly jobs: Job[] = [];
  private head = 0;
  private scheduled = false;
  /** Requests refused because the queue was full or their budget ran out (for tests and the soak report). */
  refused = 0;
  /** Times a search yielded to other I/O and ran again. */
  yields = 0;
  /** The longest a single job held the event loop, in ms (what a health check may wait behind). */
  longestJobMs = 0;

  constructor(private readonly limits: Pick<Limits, 'searchBudgetMs' | 'sliceMs' | 'maxPending' | 'retryAfterSeconds'>) {}

  get pending(): number {
    return this.jobs.length - this.head;
  }

  run(work: () => unknown): Promise<unknown> {
    if (this.pending >= this.limits.maxPending) {
      this.refused++;
      return Promise.reject(new HttpError(503, `server busy: ${this.limits.maxPending} searches already waiting; retry shortly`, this.limits.retryAfterSeconds));
    }
    return new Promise((resolve, reject) => {
      this.jobs.push({ deadline: performance.now() + this.limits.searchBudgetMs, run: work, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending === 0) return;
    this.scheduled = true;
    // setImmediate runs after pending I/O: requests that arrived meanwhile (health) are answered between two jobs.
    setImmediate(() => {
      this.scheduled = false;
      this.next();
      this.schedule();
    });
  }

  private next(): void {
    const job = this.jobs[this.head];
    this.jobs[this.head++] = undefined as never;
    if (this.head > 1024 && this.head * 2 > this.jobs.length) this.jobs.splice(0, this.head), (this.head = 0);
    const start = performance.now();
    if (start > job.deadline) {
      this.refused++;
      job.reject(this.timeout());
      return;
    }
    let out: unknown;
    try {
      out = withDeadline(job.deadline, this.limits.searchBudgetMs, job.run, start + this.limits.sliceMs);
    } catch (e) {
      out = Promise.reject(e);
    }
    this.longestJobMs = Math.max(this.longestJobMs, performance.now() - start);
    Promise.resolve(out).then(job.resolve, (e) => {
      if (e instanceof SliceExhausted) {
        // Back to the head of the queue: it runs again after the I/O that arrived meanwhile.
        this.yields++;
        this.jobs[this.head > 0 ? --this.head : (this.jobs.unshift(job), 0)] = job;
        this.schedule();
        return;
      }
      if (e instanceof DeadlineExceeded) this.refused++;
      job.reject(e instanceof DeadlineExceeded ? this.timeout() : e);
    });
  }

  private timeout(): HttpError {
    return new HttpError(503, `search took longer than its ${this.limits.searchBudgetMs} ms budget (server busy or query too costly); retry shortly or narrow the query`, this.limits.retryAfterSeconds);
  }
}

// Numeric parameters as typed (search/request-rules.ts, shared with the offline router): Ajv's coercion would take
// 0x10, 1e2, +5, 1.0 and ±Infinity; the schema's type, minimum and maximum are checked after this, by Ajv.

type PropSchema = { type?: string | string[]; items?: PropSchema };

function numericKind(p?: PropSchema): 'integer' | 'number' | undefined {
  const types = [p?.type ?? []].flat();
  return types.includes('integer') ? 'integer' : types.includes('number') ? 'number' : undefined;
}

/** A schema's numeric parameters with their kind, found once per schema (not per request). */
const numericParams = new WeakMap<object, [string, 'integer' | 'number'][]>();

function numericOf(schema: object): [string, 'integer' | 'number'][] {
  let found = numericParams.get(schema);
  if (found) return found;
  found = [];
  const props = (schema as { properties?: Record<string, PropSchema> }).properties ?? {};
  for (const [name, prop] of Object.entries(props)) {
    const kind = numericKind(prop) ?? (prop.type === 'array' ? numericKind(prop.items) : undefined);
    if (kind) found.push([name, kind]);
  }
  numericParams.set(schema, found);
  return found;
}

/** The first numeric parameter of a request part whose raw value is not written in plain decimal (its message names it). */
export function strictNumberError(schema: unknown, values: unknown): string | undefined {
  if (!schema || typeof schema !== 'object' || !values || typeof values !== 'object') return undefined;
  for (const [name, kind] of numericOf(schema)) {
    const raw = (values as Record<string, unknown>)[name];
    if (raw === undefined) continue;
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (typeof v !== 'string' || (kind === 'integer' ? DECIMAL_INTEGER : DECIMAL_NUMBER).test(v)) continue;
      return decimalMessage(name, kind, v);
    }
  }
  return undefined;
}

/** An answer a route has at hand without work for this request (route config `readyAnswer`), or undefined. */
export type ReadyAnswer = (request: FastifyRequest, reply: FastifyReply) => unknown;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Guarded routes: answers this returns (not undefined) are sent at once, without queueing. */
    readyAnswer?: ReadyAnswer;
  }
}

/** Whether a querystring schema has a q property (the query text). */
function hasQ(schema: unknown): boolean {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties !== undefined && properties.q !== undefined;
}

/** Wire the guards into an app: strict integers, q that is text, the work queue around expensive routes. */
export function installGuards(app: FastifyInstance, limits: Limits): WorkQueue {
  const queue = new WorkQueue(limits);
  // A callback hook, not an async one: no promise per request for a check that almost always passes.
  app.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    const schema = request.routeOptions.schema;
    // A q that is not text is refused on every route whose querystring has one (export and quantities too).
    const message = schema && (strictNumberError(schema.querystring, request.query) ?? strictNumberError(schema.params, request.params)
      ?? (hasQ(schema.querystring) ? qTextError(request.url) : undefined));
    done(message ? new HttpError(400, message) : undefined);
  });
  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url ?? '';
    if (!url.startsWith('/api/') || CHEAP.has(url)) return;
    const handler = route.handler;
    // A route may answer some requests at once (a cached answer is a lookup): those skip the queue.
    const ready = route.config?.readyAnswer;
    route.handler = function guarded(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const answer = ready?.(request, reply);
      if (answer !== undefined) return Promise.resolve(answer);
      return queue.run(() => handler.call(this, request, reply));
    };
  });
  return queue;
}

/** The one error body: { error, message } — never Fastify's code or statusCode. */
export function sendError(reply: FastifyReply, status: number, message: string, retryAfter?: number): FastifyReply {
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  return reply.status(status).type('application/json; charset=utf-8').send({ error: STATUS_CODES[status] ?? 'Error', message });
}

/** Absolute file paths in a message (a server's folders) shortened to the file name: the API shows no server paths. */
export function redactPaths(message: string): string {
  return message.replace(/(^|[\s'"(=])(?:[A-Za-z]:)?[\\/](?:[^\s'"\\/]+[\\/])+([^\s'"\\/]*)/g, '$1$2');
}
