/**
 * `npm start -- --workers N`: N server processes on one port through node:cluster, each loading its own copy of
 * the snapshot (a worker is a replica: no state is shared, so the same snapshot scales out the same way behind a
 * load balancer). The primary only forks, restarts a worker that dies, and stops them all on SIGTERM or SIGINT.
 */
import cluster from 'node:cluster';

export interface ClusterOptions {
  /** Server processes; 1 (the default) serves from this process with no primary. */
  workers: number;
  /** A worker that dies is replaced, but not more often than this many times a minute (a crash loop stops). */
  maxRestartsPerMinute?: number;
  log?: (line: string) => void;
}

/** Parse the --workers value: a positive integer, at most 64. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--workers must be an integer from 1 to 64, got "${value}"`);
  return n;
}

/**
 * In the primary with workers > 1: fork the workers, supervise them, and resolve true once every one is
 * listening (the caller then serves nothing itself). Otherwise resolve false: this process serves.
 */
export async function superviseWorkers(options: ClusterOptions): Promise<boolean> {
  if (options.workers <= 1 || !cluster.isPrimary) return false;
  const log = options.log ?? ((line: string) => console.log(line));
  const maxRestarts = options.maxRestartsPerMinute ?? 10;
  const restarts: number[] = [];
  let stopping = false;

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} worker(s)`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    // Workers close their servers and exit; a worker that hangs is not waited for forever.
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // SIGHUP re-reads the snapshot: every worker re-reads its own copy.
  process.on('SIGHUP', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGHUP');
  });

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
      return;
    }
    const now = Date.now();
    while (restarts.length && restarts[0] < now - 60_000) restarts.shift();
    if (restarts.length >= maxRestarts) {
      log(`worker ${worker.process.pid} died (${signal ?? code}); ${maxRestarts} restarts in a minute, giving up`);
      stop('SIGTERM');
      return;
    }
    restarts.push(now);
    log(`worker ${worker.process.pid} died (${signal ?? code}); starting another`);
    cluster.fork();
  });

  let listening = 0;
  const allListening = new Promise<void>((resolve) => {
    cluster.on('listening', (worker, address) => {
      log(`worker ${worker.process.pid} listening on port ${address.port}`);
      if (++listening === options.workers) resolve();
    });
  });
  for (let i = 0; i < options.workers; i++) cluster.fork();
  await allListening;
  log(`${options.workers} workers serving, each with its own copy of the snapshot`);
  return true;
}
