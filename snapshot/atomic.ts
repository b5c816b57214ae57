/**
 * Atomic file replacement: the data goes to a temporary file in the target's own folder (same file system, so the
 * rename cannot turn into a copy), is fsynced, then renamed over the target and the folder fsynced. A crash, a kill
 * or a full disk at any point leaves either the old file or the new one, never a mix or an empty file.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const CHUNK = 1 << 20;

/** Temporary files (and folders) in progress, removed on SIGINT/SIGTERM by `removeTempFilesOnSignal`. */
const live = new Set<string>();

/** Have a temporary path removed if the process is stopped by a signal before it is done with it. */
export function trackTemp(path: string): () => void {
  live.add(path);
  return () => live.delete(path);
}

function tempName(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp files left beside `target` by writers that were killed (SIGKILL, power cut) and whose process is gone. */
export async function staleTempFiles(target: string): Promise<string[]> {
  const prefix = `.${basename(target)}.`;
  const names = await readdir(dirname(target)).catch(() => [] as string[]);
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'))
    .filter((n) => {
      const pid = Number(n.slice(prefix.length).split('.')[0]);
      return Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid);
    })
    .map((n) => join(dirname(target), n));
}

/**
 * Write `data` to `target` atomically; on any error the temporary file is removed and the old target is untouched.
 * `data` may be parts written one after the other (a snapshot's head and its payload's sections, never joined).
 */
export async function writeFileAtomic(target: string, data: Uint8Array | string | readonly Uint8Array[]): Promise<void> {
  for (const stale of await staleTempFiles(target)) await rm(stale, { force: true });
  const parts = typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : data;
  const tmp = tempName(target);
  live.add(tmp);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(tmp, 'wx', 0o644);
    // In chunks, so a large snapshot does not need a second copy in memory and a kill can land mid-way.
    let offset = 0;
    for (const bytes of parts) {
      for (let at = 0; at < bytes.length; at += CHUNK) {
        const end = Math.min(bytes.length, at + CHUNK);
        let done = at;
        while (done < end) done += (await fh.write(bytes, done, end - done, offset + done)).bytesWritten;
      }
      offset += bytes.length;
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, target);
    live.delete(tmp);
    await syncFolder(dirname(target));
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true });
    live.delete(tmp);
    throw err;
  }
}

/** The rename is only durable once the folder entry is on disk. Some file systems refuse to fsync a folder: ignored. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort
  }
}

/** For command-line writers: on SIGINT/SIGTERM remove the temporary files of writes in progress, then exit. */
export function removeTempFilesOnSignal(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const tmp of live) {
        // Synchronous: the process is about to exit.
        rmSync(tmp, { recursive: true, force: true });
      }
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
