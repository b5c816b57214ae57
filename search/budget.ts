/**
 * A time budget for search work. The server runs each expensive request inside `withDeadline`; the engine calls
 * `checkDeadline()` between units of work (each constraint it matches), which costs one comparison and throws
 * `DeadlineExceeded` once the request's time is up. Search work is synchronous, so one module-level deadline is
 * the one of the request running now; nothing else can interleave with it.
 */

export class DeadlineExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`the search ran out of its ${budgetMs} ms time budget`);
    this.name = 'DeadlineExceeded';
  }
}

let deadline = Infinity;
let budget = 0;

/** Run synchronous work that must finish by `at` (a `performance.now()` time); `budgetMs` is for the message. */
export function withDeadline<T>(at: number, budgetMs: number, work: () => T): T {
  const [outer, outerBudget] = [deadline, budget];
  deadline = at;
  budget = budgetMs;
  try {
    return work();
  } finally {
    deadline = outer;
    budget = outerBudget;
  }
}

/** Throws DeadlineExceeded when the current request's budget is spent (never outside withDeadline). */
export function checkDeadline(): void {
  if (deadline !== Infinity && performance.now() > deadline) throw new DeadlineExceeded(budget);
}
