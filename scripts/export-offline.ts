/**
 * npm run export:offline -- [--snapshot FILE] --out DIR
 * Writes a static folder that any file server (or an intranet share behind nginx, IIS, python -m http.server) serves
 * with no backend: the page built by Vite in its offline mode, whose API requests are answered in the browser by the
 * server's own SearchService over the snapshot, and the snapshot itself.
 *   DIR/index.html       the page (hash routes: #/?q=…, #/reforms/:id, #/outcomes — no server fallback needed)
 *   DIR/assets/          scripts and styles (relative URLs, so DIR may be served under any path)
 *   DIR/index.snapshot   the entry file: the analysis data, the records without their long texts, what ranking needs
 *                        per record (field lengths and facet columns packed as varints, web/src/offline/columns.ts;
 *                        title keys) and the manifests of the chunks below, verified (checksum) in the page before use
 *   DIR/postings/        the index's terms and postings in chunks by term range (about 48 KiB each), fetched when
 *                        a query first looks up a term of that range, together, each checked against its sha256
 *   DIR/records/         the records' long texts in chunks, fetched when an answer first reads them (each checked
 *                        against its sha256 in the entry file): a query loads the chunks of the hits it shows
 *   DIR/similar-*.bin    the similar-reform lists, fetched by the first similar-reforms answer
 * The folder is assembled beside DIR and renamed into place at the end, so DIR is never half-written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { decodeSnapshotBytes, serializeSnapshot, sha256 } from '../snapshot/file.js';
import type { SnapshotBody } from '../snapshot/body.js';
import { offlineChunks } from '../web/src/offline/chunks.js';
import { DEFAULT_POSTINGS_CHUNK_BYTES } from '../web/src/offline/postings-chunks.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `usage: npm run export:offline -- [--snapshot FILE] --out DIR

Writes a static folder (index.html, assets/, index.snapshot, postings/, records/) that any static file server serves: search, facets,
highlights, record pages and outcomes run in the browser, with no backend.

options:
  --snapshot FILE   the snapshot to ship (verified first; default: build one from --seeds, which needs jieba)
  --seeds DIR       documents to index when no snapshot is given (default: seeds)
  --dict DIR        dictionaries for that build (default: dict)
  --out DIR         the folder to write (replaced if it holds a previous export)
  --per-chunk N     records per chunk of long texts (default: 32)
  --postings-chunk-kb N  raw size a postings chunk aims at, in KiB (default: ${DEFAULT_POSTINGS_CHUNK_BYTES / 1024})
  -h, --help        show this help`;

/** What must never reach the browser: Node built-ins, the indexer's segmenter, the build tools. */
const FORBIDDEN = /^node:|^(fs|path|crypto|zlib|os|child_process|worker_threads|vite|esbuild)$|(^|\/)(nodejieba|opencc-js|fastify)(\/|$)|\/indexer\/(jieba|build|vocabulary|corpus|cli)\./;

function browserOnly(): Plugin {
  return {
    name: 'offline-browser-only',
    enforce: 'pre',
    resolveId(id, importer) {
      if (FORBIDDEN.test(id)) this.error(`offline bundle: ${id} (imported by ${importer ? relative(root, importer) : '?'}) is Node-only and must not reach the browser`);
      return null;
    },
  };
}

export interface ExportStats { files: { path: string; bytes: number; gzip: number }[]; snapshotBytes: number; entryBytes: number; chunks: number; postingsChunks: number; records: number }

function perChunk(n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 1) throw new Error(`--per-chunk: must be a whole number >= 1, got ${n}`);
  return n;
}

function postingsChunkBytes(kb: number | undefined): number {
  if (kb === undefined) return DEFAULT_POSTINGS_CHUNK_BYTES;
  if (!Number.isFinite(kb) || kb < 1) throw new Error(`--postings-chunk-kb: must be a number >= 1, got ${kb}`);
  return Math.round(kb * 1024);
}

export async function exportOffline(o: { snapshot?: string; seeds: string; dict: string; out: string; perChunk?: number; postingsChunkKb?: number; log: (s: string) => void }): Promise<ExportStats> {
  const out = resolve(o.out);
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, 'index.snapshot'))) {
    throw new Error(`--out ${o.out}: folder exists and is not an offline export; choose an empty or new folder`);
  }
  let bytes: Uint8Array;
  let body: SnapshotBody;
  if (o.snapshot) {
    bytes = readFileSync(o.snapshot);
    body = decodeSnapshotBytes(bytes).body; // a damaged file is refused here (checksum and structure), not shipped
    o.log(`snapshot ${o.snapshot}: ${body.records.length} records`);
  } else {
    const { buildSnapshot } = await import('../indexer/build.js');
    ({ body } = await buildSnapshot({ seedsDir: o.seeds, dictDir: o.dict }));
    bytes = serializeSnapshot(body);
    o.log(`snapshot built from ${o.seeds}: ${body.records.length} records`);
  }
  // The records as the service serves them, split into the entry's records and the chunks of long texts.
  const split = offlineChunks(body, serializeSnapshot, sha256, { perChunk: perChunk(o.perChunk), postingsBytes: postingsChunkBytes(o.postingsChunkKb) });
  const { entry, records } = split;
  const entryBytes = serializeSnapshot(entry);
  const work = mkdtempSync(join(dirname(out), `.${basename(out)}-`));
  try {
    const { build } = await import('vite');
    await build({
      configFile: join(root, 'vite.config.ts'),
      root: join(root, 'web'),
      mode: 'offline',
      base: './',
      logLevel: 'warn',
      plugins: [browserOnly()],
      build: { outDir: work, emptyOutDir: true },
    });
    writeFileSync(join(work, 'index.snapshot'), entryBytes);
    mkdirSync(join(work, 'records'));
    mkdirSync(join(work, 'postings'));
    for (const f of split.files) writeFileSync(join(work, f.file), f.bytes);
    const files: ExportStats['files'] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else {
          const data = readFileSync(p);
          files.push({ path: relative(work, p), bytes: data.length, gzip: gzipSync(data, { level: 9 }).length });
        }
      }
    };
    walk(work);
    if (existsSync(out)) rmSync(out, { recursive: true, force: true });
    renameSync(work, out);
    return { files, snapshotBytes: bytes.length, entryBytes: entryBytes.length, chunks: split.textChunks, postingsChunks: split.postingsChunks, records };
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      snapshot: { type: 'string' },
      seeds: { type: 'string', default: join(root, 'seeds') },
      dict: { type: 'string', default: join(root, 'dict') },
      out: { type: 'string' },
      'per-chunk': { type: 'string' },
      'postings-chunk-kb': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  if (!values.out) {
    console.error(`--out: required\n\n${HELP}`);
    process.exit(2);
  }
  try {
    const stats = await exportOffline({ snapshot: values.snapshot, seeds: values.seeds!, dict: values.dict!, out: values.out, perChunk: values['per-chunk'] === undefined ? undefined : Number(values['per-chunk']), postingsChunkKb: values['postings-chunk-kb'] === undefined ? undefined : Number(values['postings-chunk-kb']), log: (s) => console.log(s) });
    for (const f of stats.files.filter((f) => !f.path.startsWith('records/') && !f.path.startsWith('postings/'))) console.log(`  ${f.path.padEnd(32)} ${kb(f.bytes).padStart(10)}  gzip ${kb(f.gzip).padStart(10)}`);
    const code = stats.files.filter((f) => f.path !== 'index.snapshot' && !f.path.startsWith('records/') && !f.path.startsWith('postings/') && !f.path.startsWith('similar-'));
    const inPostings = stats.files.filter((f) => f.path.startsWith('postings/'));
    console.log(`page: ${kb(code.reduce((n, f) => n + f.bytes, 0))} (gzip ${kb(code.reduce((n, f) => n + f.gzip, 0))}); entry file: ${kb(stats.entryBytes)} (the whole snapshot: ${kb(stats.snapshotBytes)}); ${stats.chunks} chunks of record texts; ${stats.postingsChunks} postings chunks (${kb(inPostings.reduce((n, f) => n + f.bytes, 0))}, gzip ${kb(inPostings.reduce((n, f) => n + f.gzip, 0))})`);
    console.log(`serve ${values.out} with any static file server and open index.html`);
  } catch (e) {
    console.error(`export:offline: ${(e as Error).message}`);
    process.exit(1);
  }
}
