/**
 * A time budget for search work, and the points where long work yields. The server runs each expensive request
 * inside `withDeadline`; the engine calls `checkDeadline()` between units of work (before each constraint it
 * matches), which costs one clock read and throws:
 * - `DeadlineExceeded` once the request's whole budget is spent (the server answers 503 with Retry-After);
 * - `SliceExhausted` once this turn's slice is used up: the server puts the request back at the head of its queue,
 *   answers what arrived meanwhile (health checks), and runs it again. Work already done is not lost: the engine
 *   caches each constraint's matches, so the rerun continues where this one stopped.
 * Search work is synchronous, so one module-level deadline is the one of the request running now.
 */

export class DeadlineExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`the search ran out of its ${budgetMs} ms time budget`);
    this.name = 'DeadlineExceeded';
  }
}

/** Not an error: the running request should yield and be run again (see above). */
export class SliceExhausted extends Error {
  constructor() {
    super('time slice used up; the request runs again after pending I/O');
    this.name = 'SliceExhausted';
  }
}

let deadline = Infinity;
let sliceEnd = Infinity;
let budget = 0;

/**
 * Run synchronous work that must finish by `at` (a `performance.now()` time), yielding at `slice` (default: never
 * yield before the deadline); `budgetMs` is for the message.
 */
export function withDeadline<T>(at: number, budgetMs: number, work: () => T, slice = at): T {
  const outer = [deadline, sliceEnd, budget] as const;
  [deadline, sliceEnd, budget] = [at, Math.min(slice, at), budgetMs];
  try {
    return work();
  } finally {
    [deadline, sliceEnd, budget] = outer;
  }
}

/**
 * Throws when the current request must stop (DeadlineExceeded) or, at a point where the work done so far is
 * cached (`canYield`), yield (SliceExhausted). Never throws outside withDeadline. Only call it with `canYield`
 * where a rerun skips what was done: elsewhere a yield would redo the same work forever.
 */
export function checkDeadline(canYield = true): void {
  if (deadline === Infinity) return;
  const now = performance.now();
  if (now > deadline) throw new DeadlineExceeded(budget);
  if (canYield && now > sliceEnd) throw new SliceExhausted();
}
