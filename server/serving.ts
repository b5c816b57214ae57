/**
 * What the server is serving right now, and how it is replaced without a restart. The service is swapped by one
 * assignment once the new snapshot is fully loaded, verified and validated: a request sees the old snapshot or the
 * new one, never a mix, and a snapshot that fails any check never replaces the one being served.
 */
import { SearchService } from '../search/service.js';
import { readSnapshotFile, type ReadSnapshot, type SnapshotInfo } from '../snapshot/file.js';

export interface Served {
  service: SearchService;
  snapshot: SnapshotInfo & {
    /** Where it came from: a snapshot file path, or the seeds folder it was built from. */
    origin: string;
    loadedAt: string;
  };
}

export interface ReloadOutcome {
  ok: boolean;
  trigger: string;
  at: string;
  /** What happened, for the log and /api/stats: the new snapshot, or why it was refused. */
  message: string;
  ms: number;
  snapshot?: SnapshotInfo;
}

export class ServingState {
  private served: Served;
  lastReload?: ReloadOutcome;

  constructor(served: Served) {
    this.served = served;
  }

  get current(): Served {
    return this.served;
  }

  get service(): SearchService {
    return this.served.service;
  }

  swap(next: Served): void {
    this.served = next;
  }
}

/**
 * Read, verify, validate and load a snapshot file into a service (throws on any problem). `reading`: that file's read
 * already started (readSnapshotFile; server/cli.ts starts it before the server's modules load).
 */
export async function loadServed(path: string, reading?: Promise<ReadSnapshot>): Promise<Served> {
  const { body, info } = await (await (reading ?? readSnapshotFile(path))).finish();
  let service: SearchService;
  try {
    service = new SearchService(body);
  } catch (e) {
    // The body passed validation but the engine could not load its index: still a damaged snapshot, not a crash.
    throw new Error(`damaged snapshot: the index could not be loaded (${(e as Error).message})`);
  }
  return { service, snapshot: { ...info, origin: path, loadedAt: new Date().toISOString() } };
}

/**
 * Re-reads one snapshot path on demand (SIGHUP, admin route). Reloads never overlap: a request for a reload while
 * one runs is answered by one more reload after it, so the file as it is after the last signal is what ends up served.
 */
export class Reloader {
  private running?: Promise<ReloadOutcome>;
  private queued?: Promise<ReloadOutcome>;

  constructor(
    private readonly state: ServingState,
    readonly path: string,
    private readonly log: (line: string) => void,
    private readonly load: (path: string) => Promise<Served> = loadServed,
  ) {}

  reload(trigger: string): Promise<ReloadOutcome> {
    if (!this.running) {
      this.running = this.run(trigger).finally(() => (this.running = undefined));
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.reload(trigger);
    });
    return this.queued;
  }

  private async run(trigger: string): Promise<ReloadOutcome> {
    const t0 = performance.now();
    const at = new Date().toISOString();
    const before = this.state.current.snapshot;
    let outcome: ReloadOutcome;
    try {
      const next = await this.load(this.path);
      this.state.swap(next);
      const s = next.snapshot;
      const same = s.hash === before.hash ? ' (same content as before)' : '';
      outcome = {
        ok: true, trigger, at, ms: Math.round(performance.now() - t0), snapshot: { hash: s.hash, records: s.records, documents: s.documents, builtAt: s.builtAt },
        message: `reloaded ${this.path}: ${s.records} records from ${s.documents} documents, snapshot ${s.hash.slice(0, 12)}${same}`,
      };
    } catch (e) {
      outcome = {
        ok: false, trigger, at, ms: Math.round(performance.now() - t0),
        message: `reload of ${this.path} refused, still serving snapshot ${before.hash.slice(0, 12)}: ${(e as Error).message}`,
      };
    }
    this.state.lastReload = outcome;
    this.log(`${trigger}: ${outcome.message} (${outcome.ms} ms)`);
    return outcome;
  }
}
