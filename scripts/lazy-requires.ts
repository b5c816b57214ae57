/**
 * Release time (scripts/release.ts): packages the server needs only off its start-up path, loaded on first use. In
 * the bundle, `require('mime')` (from any CommonJS file) returns a stand-in that loads the real module the first time
 * it is called, constructed or read, and forwards everything to it from then on. Their initialisation (building tables,
 * a deprecation helper that reads a stack trace) otherwise runs at every start, before the port opens.
 *
 * Only for CommonJS importers: esbuild's ES-module interop reads a module's keys when it is imported, which loads
 * it at once (still correct, only not deferred).
 */
import { isBuiltin } from 'node:module';
import type { Plugin } from 'esbuild';

/**
 * What the release defers, and when each is first needed:
 * - `http-errors` (with `depd`, which captures a stack trace at load): @fastify/send's error answers for the page's
 *   files (a missing file, a bad range);
 * - `mime-db` (a 150 KB table): @fastify/compress deciding whether a file of the page is compressible;
 * - `yaml`: @fastify/swagger's YAML output, which the server never asks for.
 * - `node:https` and `node:http2` (with node:tls; together with node:dns about 6 ms of CPU at every start here):
 *   Fastify's server module requires them as it loads but creates such a server only when given https or http2
 *   options, which the server never passes;
 * - `node:dns`: Fastify's listen looks up a host name only to bind its other addresses (`--host localhost`).
 * Not `mime`: @fastify/static sets its default type as it loads, which would load it at once anyway.
 */
export const LAZY_PACKAGES = ['http-errors', 'mime-db', 'yaml', 'node:https', 'node:http2', 'node:dns'] as const;

const NAMESPACE = 'lazy-require';

/** The esbuild plugin: `packages` required from CommonJS files become stand-ins loading them on first use. */
export function lazyRequires(packages: readonly string[] = LAZY_PACKAGES): Plugin {
  const filter = new RegExp(`^(${packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'lazy-requires',
    setup(b) {
      b.onResolve({ filter }, async (args) => {
        if (args.kind !== 'require-call' || args.pluginData === NAMESPACE || args.namespace === NAMESPACE) return undefined;
        // The module the importer would get (its own nested copy if it has one).
        const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: NAMESPACE });
        if (real.errors.length > 0) return { errors: real.errors };
        return { path: real.path, namespace: NAMESPACE };
      });
      b.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        contents: standIn(args.path),
        loader: 'js',
        resolveDir: '/',
      }));
      // The stand-in's own require of the real file resolves normally; a built-in module stays a require at run time.
      b.onResolve({ filter: /.*/, namespace: NAMESPACE }, (args) => ({ path: args.path, external: isBuiltin(args.path) }));
    },
  };
}

/**
 * A function-shaped Proxy (so the module may be a function, a class or a plain object): a call, `new`, a property read
 * or write, `in`, or listing its keys or own properties (Object.keys, a spread) loads the real module and acts on it.
 * Methods read through it run with the stand-in as `this`, which forwards to the module, so they see its fields.
 *
 * The target is a bound function: it is callable and constructible like a plain one but has no own `prototype`, a
 * property a plain function cannot give up (non-configurable), which a Proxy must then list among the keys of any
 * module, a plain object too. A property is described as configurable for the same reason (a Proxy may call a
 * property non-configurable only if its target has it so): only Object.defineProperty-style checks see the difference.
 */
function standIn(realPath: string): string {
  return `let real;
const load = () => (real ??= require(${JSON.stringify(realPath)}));
module.exports = new Proxy(function lazyRequired() {}.bind(null), {
  apply: (_target, self, args) => Reflect.apply(load(), self, args),
  construct: (_target, args) => Reflect.construct(load(), args),
  get: (_target, key) => load()[key],
  set: (_target, key, value) => ((load()[key] = value), true),
  has: (_target, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_target, key) => {
    const d = Reflect.getOwnPropertyDescriptor(load(), key);
    return d && { ...d, configurable: true };
  },
});
`;
}
