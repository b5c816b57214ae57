/**
 * The server's command line, shared by `npm run serve` (server/main.ts) and a release's `node server.mjs`
 * (server/release.ts): options, --help, validation, and the signals an operator sends.
 */
import { parseArgs } from 'node:util';
import type { CompiledSchemas } from './compilers.js';
import type { SecurityHeaders } from './security-headers.js';
import type { RunOptions, RunningServer } from './run.js';

export interface CliDefaults {
  /** How the command is typed, for --help. */
  usage: string;
  /** Default snapshot (a release serves the one beside it); none = build from seeds. */
  snapshot?: string;
  /** Only the repository command can build from seeds. */
  seeds?: string;
  dict?: string;
  webRoot: string;
  version: string;
  /** A release's route schemas, compiled when it was made (server/compiled-schemas.ts). */
  compiledSchemas?: CompiledSchemas;
  /** A release's security headers, probed when it was made (server/release-headers.ts). */
  securityHeaders?: SecurityHeaders;
}

export function helpText(d: CliDefaults): string {
  return [
    `usage: ${d.usage} [options]`,
    '',
    'Serves the FTZ reform search API under /api and the search page at /.',
    '',
    'options:',
    `  --snapshot FILE      serve this snapshot file${d.snapshot ? ` (default: ${d.snapshot})` : ' (default: build the index from --seeds at start-up)'}`,
    ...(d.seeds !== undefined
      ? [`  --seeds DIR          documents to index when no snapshot is given (default: ${d.seeds})`, `  --dict DIR           dictionaries for that build (default: ${d.dict})`]
      : []),
    `  --web DIR            folder of the built page (default: ${d.webRoot})`,
    '  --port N             port to listen on (default: $PORT or 3000; 0 picks a free one)',
    '  --host ADDR          address to listen on (default: $HOST or 127.0.0.1)',
    '  --no-access-log      do not print one line per request',
    '  --no-warm-up         do not warm up after listening (by default the server answers ~4,000 queries made from its',
    '                       snapshot\'s titles and vocabulary, in 4 ms slices, plus the query in progress, that give way',
    '                       to requests, so the JIT compiles the search code before most users arrive; it clears the',
    '                       search caches as it goes, so while it runs a user\'s next page is recomputed; 2.6–3.2 s',
    '                       of process CPU on the seeds in the run recorded at 6934f4f)',
    '  --admin-token TOKEN  enable POST /api/admin/reload with "Authorization: Bearer TOKEN" (or $ADMIN_TOKEN; 16+ characters)',
    '  --drain-seconds N    at shutdown, wait at most N seconds for requests in flight (default: 10)',
    '  --workers N          N server processes on one port (node:cluster), each with its own copy of the snapshot (default: 1)',
    '  -h, --help           show this help',
    '',
    'signals:',
    '  SIGTERM, SIGINT      stop accepting connections, finish requests in flight, exit 0',
    '  SIGHUP               re-read the snapshot file; a snapshot that fails any check is refused and the old one stays',
    '',
    'A damaged, truncated or newer-format snapshot is refused before the port opens (exit 1, with the reason).',
  ].join('\n');
}

export class UsageError extends Error {}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return Number(value);
}

/** Parse argv into run options (`help` when --help was asked). Throws UsageError on a bad option. */
export function parseServerArgs(argv: string[], d: CliDefaults, env: NodeJS.ProcessEnv): { help: true } | { help: false; options: Omit<RunOptions, 'build' | 'log'>; seeds?: string; dict?: string; workers: number } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        snapshot: { type: 'string' },
        seeds: { type: 'string' },
        dict: { type: 'string' },
        web: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'no-access-log': { type: 'boolean' },
        'no-warm-up': { type: 'boolean' },
        'admin-token': { type: 'string' },
        'drain-seconds': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return { help: true };
  if (d.seeds === undefined && (values.seeds || values.dict)) throw new UsageError('this server only serves snapshots: --seeds and --dict need the repository (npm run index)');
  const port = integer('port', values.port, 0, 65535) ?? integer('port ($PORT)', env.PORT || undefined, 0, 65535) ?? 3000;
  const adminToken = values['admin-token'] ?? (env.ADMIN_TOKEN || undefined);
  if (adminToken !== undefined && adminToken.length < 16) throw new UsageError('the admin token must be at least 16 characters');
  return {
    help: false,
    workers: integer('workers', values.workers, 1, 64) ?? 1,
    seeds: values.seeds ?? d.seeds,
    dict: values.dict ?? d.dict,
    options: {
      snapshot: values.snapshot ?? d.snapshot,
      webRoot: values.web ?? d.webRoot,
      port,
      // An empty $HOST (HOST=) means unset, as an empty $PORT does.
      host: values.host ?? (env.HOST || '127.0.0.1'),
      accessLog: !values['no-access-log'],
      ...(values['no-warm-up'] ? { warmUp: false as const } : {}),
      adminToken,
      drainSeconds: integer('drain-seconds', values['drain-seconds'], 0, 3600) ?? 10,
      version: d.version,
    },
  };
}

/**
 * SIGTERM/SIGINT: graceful stop then exit 0 (a second signal exits at once); SIGHUP: reload the snapshot file.
 * Installed before start-up, so a signal that arrives while the snapshot loads is not lost: nothing is listening
 * yet, so the process just exits 0.
 */
export function handleSignals(current: () => RunningServer | undefined, log: (line: string) => void): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        log(`${signal} again: exiting without waiting`);
        process.exit(1);
      }
      stopping = true;
      const server = current();
      if (!server) {
        log(`${signal} during start-up: exiting`);
        process.exit(0);
      }
      server.shutdown(signal).then(
        () => process.exit(0),
        (e) => {
          log(`error while stopping: ${(e as Error).message}`);
          process.exit(1);
        },
      );
    });
  }
  process.on('SIGHUP', () => {
    const server = current();
    if (stopping || !server) return;
    if (!server.reloader) {
      log('SIGHUP: nothing to re-read (this server was built from seeds, not loaded from a snapshot file)');
      return;
    }
    void server.reloader.reload('SIGHUP');
  });
}

/** Run a server command to completion: help, usage errors and a refused snapshot all end here with a message. */
export async function serverCommand(argv: string[], d: CliDefaults, build?: (seeds: string, dict: string) => Promise<{ body: import('../snapshot/body.js').SnapshotBody; origin: string }>): Promise<void> {
  const log = (line: string) => process.stdout.write(line + '\n');
  let parsed;
  try {
    parsed = parseServerArgs(argv, d, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n(see --help)\n`);
    process.exit(2);
  }
  if (parsed.help) {
    log(helpText(d));
    return;
  }
  const { options, seeds, dict } = parsed;
  // --workers N: this process forks N servers on one port, each loading its own copy of the snapshot (server/cluster.ts).
  // node:cluster is loaded only when asked for (a few ms of every single server's start otherwise).
  if (parsed.workers > 1 && (await (await import('./cluster.js')).superviseWorkers({ workers: parsed.workers, log }))) return;
  // Scavenges on one thread (server/serving-gc.ts): a query's collection is its own work, not a wait for a helper.
  (await import('./serving-gc.js')).applyServingGc();
  // The signal handlers come before the snapshot's read: a SIGTERM while a large file is read and checked exits
  // through them ("during start-up"), not by Node's default, and a SIGHUP then is ignored instead of killing the process.
  let server: RunningServer | undefined;
  handleSignals(() => server, log);
  // The snapshot is read, its checksum checked and its packed streams set unpacking on libuv's thread pool before the
  // server's modules initialise (run.js: Fastify and its plugins, most of a release's start-up work on the main
  // thread), so on two cores the unpacking runs beside that initialisation instead of after it. A refused file is
  // reported where it was before: runServer awaits this same read.
  const reading = options.snapshot ? (await import('../snapshot/file.js')).readSnapshotFile(options.snapshot) : undefined;
  await reading?.catch(() => undefined);
  const { runServer } = await import('./run.js');
  try {
    server = await runServer({
      ...options,
      compiledSchemas: d.compiledSchemas,
      securityHeaders: d.securityHeaders,
      log,
      reading,
      build: !options.snapshot && build && seeds && dict ? () => build(seeds, dict) : undefined,
    });
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
