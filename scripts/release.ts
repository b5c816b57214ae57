/**
 * npm run release -- [--snapshot FILE] --out DIR
 * Writes a folder an intranet runs with Node alone (no npm install, no registry, no internet):
 *   server.mjs        the start-up file: runs server.cjs with V8's code cache when this Node accepts it
 *   server.cjs        the server and all its dependencies in one file (esbuild); no jieba, vite or tsx inside
 *   server.cache      V8's compiled code of server.cjs, written by one warm-up run at release time (optional)
 *   web/              the built page (vite build)
 *   index.snapshot    the index it serves by default (--snapshot FILE, or built from seeds/ when not given)
 *   README.txt        how to run it; ftz-search.service: a systemd unit example
 * The folder is assembled beside DIR and renamed into place at the end, so DIR is never half-written.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';
import type { SnapshotBody } from '../snapshot/body.js';
import { loadSnapshotFile, writeSnapshotFile } from '../snapshot/file.js';
import { removeTempFilesOnSignal, trackTemp } from '../snapshot/atomic.js';
import { asciiOnly } from './ascii-bundle.js';
import { codeCacheLoader } from './code-cache-loader.js';
import { lazyRequires } from './lazy-requires.js';
import { compileRouteSchemas, releaseHeadersModule } from './compiled-schemas.js';
import { probeSecurityHeaders } from '../server/security-headers.js';
import { SearchService } from '../search/service.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

const HELP = `usage: npm run release -- [--snapshot FILE] --out DIR

Writes a folder that serves the search with Node ${process.versions.node.split('.')[0]}+ alone (no npm install, no registry, no internet):
  DIR/server.mjs         the bundled server (run: node server.mjs --help)
  DIR/web/               the built page
  DIR/index.snapshot     the index served by default
  DIR/README.txt         the operator's instructions
  DIR/ftz-search.service a systemd unit example

options:
  --snapshot FILE   the snapshot to ship (checked first; default: build one from --seeds)
  --seeds DIR       documents to index when no snapshot is given (default: seeds)
  --dict DIR        dictionaries for that build (default: dict)
  --out DIR         the release folder (replaced if it holds a previous release)
  -h, --help        show this help`;

/** Packages that must never end up in the server bundle: the indexer's, the build tools'. */
const FORBIDDEN = /(^|\/)node_modules\/(nodejieba|vite|tsx|esbuild|@preact\/preset-vite|opencc-js)\//;

const guard: Plugin = {
  name: 'release-guard',
  setup(b) {
    b.onLoad({ filter: /.*/ }, (args) => {
      if (FORBIDDEN.test(args.path) || /\/indexer\/(build|jieba|vocabulary)\.ts$/.test(args.path)) {
        return { errors: [{ text: `the release server must not include ${args.path.slice(root.length + 1)}` }] };
      }
      return undefined;
    });
  },
};

export async function release(o: { snapshot?: string; seeds: string; dict: string; out: string; log: (s: string) => void }): Promise<void> {
  const out = resolve(o.out);
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, 'server.mjs'))) {
    throw new Error(`${out} exists and is not a release folder: give an empty or new folder`);
  }
  mkdirSync(dirname(out), { recursive: true });
  const staging = mkdtempSync(join(dirname(out), `.${basename(out)}.staging-`));
  const untrack = trackTemp(staging);
  try {
    const t0 = performance.now();
    // 1. The snapshot first: a damaged one stops the release before anything else is done.
    const target = join(staging, 'index.snapshot');
    let body: SnapshotBody;
    if (o.snapshot) {
      const loaded = await loadSnapshotFile(o.snapshot);
      body = loaded.body;
      cpSync(o.snapshot, target);
      o.log(`snapshot ${o.snapshot}: ${loaded.info.records} records from ${loaded.info.documents} documents, ${loaded.info.hash.slice(0, 12)}`);
    } else {
      const { buildSnapshot } = await import('../indexer/build.js');
      body = (await buildSnapshot({ seedsDir: o.seeds, dictDir: o.dict })).body;
      await writeSnapshotFile(target, body);
      o.log(`snapshot built from ${o.seeds}: ${body.records.length} records`);
    }
    // 2. Every route's schemas compiled now (scripts/compiled-schemas.ts), so the released server restores them
    // instead of running Ajv at its first requests; built on the shipped snapshot's service, as it will serve (its body
    // from step 1, not loaded again).
    // And the security headers, probed as the server would at start-up (server/security-headers.ts): the released server
    // reads them from its bundle and never loads helmet.
    const schemas = await compileRouteSchemas(new SearchService(body));
    const headers = releaseHeadersModule(await probeSecurityHeaders());
    const compiledSchemas: Plugin = {
      name: 'compiled-schemas',
      setup(b) {
        // Their generated code requires Ajv's and fast-json-stringify's runtime helpers, resolved from the project.
        b.onLoad({ filter: /[\\/]server[\\/]compiled-schemas\.ts$/ }, () => ({ contents: schemas, loader: 'js', resolveDir: root }));
        b.onLoad({ filter: /[\\/]server[\\/]release-headers\.ts$/ }, () => ({ contents: headers, loader: 'js' }));
      },
    };
    // 3. The server, bundled with its dependencies; a guard refuses the indexer's and build tools' code. CommonJS, so
    // server.mjs can compile it as a vm.Script with V8's code cache (Node 20 has no compile cache for ES modules).
    const result = await build({
      entryPoints: [join(root, 'server', 'release.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: join(staging, 'server.cjs'),
      write: false,
      define: { FTZ_RELEASE_VERSION: JSON.stringify(version) },
      // Packages needed only off the start-up path load on first use (scripts/lazy-requires.ts).
      plugins: [compiledSchemas, lazyRequires(), guard],
      legalComments: 'none',
      // Smaller is faster to compile at start-up when the code cache is not usable (another Node version).
      minify: true,
      logLevel: 'error',
      metafile: true,
    });
    const modules = Object.keys(result.metafile!.inputs).length;
    // ASCII only (scripts/ascii-bundle.ts): Node then reads it as a one-byte string, much faster at every start.
    writeFileSync(join(staging, 'server.cjs'), asciiOnly(result.outputFiles![0].text));
    writeFileSync(join(staging, 'server.mjs'), LOADER);
    o.log(`server.cjs: ${modules} modules bundled`);
    // 4. The page, built straight into the release (dist/web in the work tree is left alone).
    execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn', '--outDir', join(staging, 'web'), '--emptyOutDir'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (!existsSync(join(staging, 'web', 'index.html'))) throw new Error('the page build produced no index.html');
    o.log('web/: page built');
    // 5. V8's code cache: one warm-up run compiles what start-up and the first requests need, and saves it.
    const cache = await writeCodeCache(staging);
    o.log(cache ? `server.cache: ${Math.round(cache / 1024)} KiB of compiled code` : 'server.cache: not written (the warm-up run failed; the release starts without it)');
    // 6. Instructions.
    writeFileSync(join(staging, 'README.txt'), operatorReadme());
    writeFileSync(join(staging, 'ftz-search.service'), systemdUnit());
    // 7. Into place: the previous release (if any) goes only once the new one is complete.
    const previous = existsSync(out) ? `${staging}.previous` : undefined;
    if (previous) renameSync(out, previous);
    renameSync(staging, out);
    if (previous) rmSync(previous, { recursive: true, force: true });
    o.log(`release written to ${out} in ${Math.round(performance.now() - t0)} ms: run it with  node ${join(out, 'server.mjs')}`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    untrack();
  }
}

/**
 * DIR/server.mjs: server.cjs compiled with V8's code cache (server.cache, made by the same Node version at release
 * time; scripts/code-cache-loader.ts says why and what happens with a cache V8 rejects).
 */
const LOADER = `// Starts the bundled server (server.cjs), with V8's compiled code from server.cache when this Node accepts it.
${codeCacheLoader(
  'server',
  `await module.exports.startRelease(here);
// Release time only (scripts/release.ts): after the warm-up requests, save what V8 compiled, then stop.
if (process.env.FTZ_WRITE_CODE_CACHE === '1' && process.send) {
  process.on('message', (m) => {
    if (m !== 'write-code-cache') return;
    writeFileSync(cacheFile, script.createCachedData());
    process.exit(0);
  });
  process.send('ready');
}`,
)}`;

/** Runs the release once on a free port, sends it the requests an operator's first users make, saves V8's code cache. */
async function writeCodeCache(dir: string): Promise<number | undefined> {
  // --no-warm-up: the cache holds what start-up and these requests compile, not what the server's own warm-up
  // (server/warm-up.ts) happened to reach between them.
  const child = spawn(process.execPath, [join(dir, 'server.mjs'), '--port', '0', '--no-access-log', '--no-warm-up'], {
    cwd: dir,
    env: { ...process.env, FTZ_WRITE_CODE_CACHE: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const ready = await Promise.race([new Promise((r) => child.once('message', r)), exited, new Promise((r) => setTimeout(r, 60_000))]);
    const url = /listening on (http:\/\/\S+?):? /.exec(out)?.[1];
    if (ready !== 'ready' || !url) return undefined;
    // bench/first-answer-child.ts `warmUp` makes the service calls behind these requests (the bench has no HTTP
    // layer) so that its code cache covers what this one does: change the two together.
    const q = encodeURIComponent('留抵退税');
    const first = (await (await fetch(`${url}/api/search?q=${q}&size=10`)).json()) as { hits?: { id: string }[] };
    const id = first.hits?.[0]?.id ?? 'x';
    for (const path of ['/', '/api/health', '/api/stats', `/api/search?q=${q}&page=2&sort=quantity`, `/api/search?q=${encodeURIComponent('"跨境电商" OR 海关 -税')}`, `/api/suggest?q=${q}`, `/api/reforms/${id}`, `/api/reforms/${id}/similar`, '/api/outcomes?q=%E6%97%B6%E9%97%B4', '/api/quantities?unit=%E5%A4%A9', '/api/search?size=0', '/api/nothing']) {
      await (await fetch(url + path)).arrayBuffer();
    }
    child.send('write-code-cache');
    if ((await exited) !== 0) return undefined;
    return statSync(join(dir, 'server.cache')).size;
  } catch {
    return undefined;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function operatorReadme(): string {
  return `FTZ reform search ${version}: release for a closed network

Needs: Node.js 20 or later. Nothing else: no npm install, no registry, no internet.

Run:
  node server.mjs                        serves index.snapshot and the page on http://127.0.0.1:3000
  node server.mjs --host 0.0.0.0 --port 8080
  node server.mjs --snapshot /srv/ftz/other.snapshot
  node server.mjs --help                 every option

At start-up it prints one line with the records, documents and snapshot hash served, and then one line per request
(--no-access-log turns that off). A damaged, truncated or newer-format snapshot is refused before the port opens,
with the reason, and the process exits 1. GET /api/health answers {"status":"ok","records":N,"snapshot":"<sha256>"}.

Memory: about 150 MB for the five seed documents; it grows with the index (see docs/benchmarks.md in the source).

Replacing the index without a restart:
  1. put the new file in place atomically: copy it beside the old one, then rename it over index.snapshot
     (mv on the same file system), never copy straight over the served file;
  2. send SIGHUP (systemctl reload ftz-search), or POST /api/admin/reload with "Authorization: Bearer TOKEN"
     when started with --admin-token TOKEN (or ADMIN_TOKEN in the environment; the route does not exist otherwise).
  The new snapshot is loaded and checked in the background and swapped in at once; a bad one is refused, the old one
  keeps serving, and the refusal is logged and shown in GET /api/stats (served.lastReload).

Stopping: SIGTERM or SIGINT stop accepting connections, finish the requests in flight (at most --drain-seconds,
default 10) and exit 0.

systemd: copy ftz-search.service to /etc/systemd/system/, adjust the paths and the user, then
  systemctl daemon-reload && systemctl enable --now ftz-search
`;
}

function systemdUnit(): string {
  return `# Example systemd unit: node runs the server directly (no npm in between, so signals reach it).
[Unit]
Description=FTZ reform search
After=network.target

[Service]
Type=simple
User=ftz
WorkingDirectory=/opt/ftz-search
ExecStart=/usr/bin/node /opt/ftz-search/server.mjs --host 127.0.0.1 --port 3000
ExecReload=/bin/kill -HUP $MAINPID
# SIGTERM drains requests in flight (at most --drain-seconds, default 10) and exits 0.
KillSignal=SIGTERM
TimeoutStopSec=20
Restart=on-failure
# Environment=ADMIN_TOKEN=change-me-to-a-long-random-string
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadOnlyPaths=/opt/ftz-search

[Install]
WantedBy=multi-user.target
`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      snapshot: { type: 'string' },
      seeds: { type: 'string', default: join(root, 'seeds') },
      dict: { type: 'string', default: join(root, 'dict') },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.out) {
    console.error('error: --out DIR is required (see --help)');
    return 2;
  }
  removeTempFilesOnSignal();
  await release({ snapshot: values.snapshot, seeds: values.seeds!, dict: values.dict!, out: values.out, log: (s) => console.log(s) });
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
