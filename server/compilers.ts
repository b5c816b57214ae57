/**
 * Fastify's own schema compilers (Ajv for parameters, fast-json-stringify for responses), run on first use instead
 * of at route registration. Compiling every route's schemas up front was the largest part of the server's start-up
 * (measured with --cpu-prof: more than the snapshot load); deferred, a route's schemas are compiled by its first
 * request, or by `warmCompilers` once the port is open. The compilers, their options and the schemas are Fastify's
 * defaults unchanged, so validation, coercion, error messages and serialisation are exactly those of eager
 * compilation: only the moment differs.
 *
 * A release goes one step further (scripts/release.ts): `storeCompilers` compiles every route's schemas at release
 * time into Ajv's and fast-json-stringify's own standalone code (scripts/compiled-schemas.ts), which is bundled into server.cjs
 * (server/compiled-schemas.ts) and so also lands in V8's code cache. Its server then restores each route's functions
 * instead of compiling them: the first search no longer pays for Ajv (about 90 ms of CPU here, most of it Ajv
 * compiling its meta-schema to check ours). A route missing from the table is compiled on first use, as before.
 *
 * The compilers themselves (Ajv, fast-json-stringify and their helpers) are loaded only when some route's schema is
 * not in the table: `prepare`, run before the port opens, loads them then. A release whose table covers every route
 * never loads them at all.
 */
import type { AjvCompiler } from '@fastify/ajv-compiler';
import type { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Fn = ((data: unknown) => unknown) & { errors?: unknown };

/** What Fastify tells a compiler about the schema it asks for. */
export interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
  httpStatus?: string;
  contentType?: string;
}

/**
 * Route schemas compiled ahead of time: each key (`schemaKey`) gives a function returning the compiled validator or
 * serializer. Filled only in a release's bundle (server/compiled-schemas.ts).
 */
export type CompiledSchemas = Readonly<Record<string, () => unknown>>;

/** The table key of one route's validator (by request part) or serializer (by status and content type). */
export function schemaKey(kind: 'validator' | 'serializer', route: RouteSchema): string {
  return kind === 'validator' ? `validator ${route.method} ${route.url} ${route.httpPart}` : `serializer ${route.method} ${route.url} ${route.httpStatus} ${route.contentType ?? ''}`;
}

export interface LazyCompilers {
  /** The `schemaController` option for Fastify(): its default compilers, each schema compiled on first use. */
  schemaController: NonNullable<FastifyServerOptions['schemaController']>;
  /**
   * Compiles what no request has needed yet, one schema per turn of the event loop so requests are not held up
   * (called once the port is open). Resolves when nothing is left or `stop` was called.
   */
  warm(): Promise<void>;
  stop(): void;
  /**
   * Loads the compilers if a route asked for a schema the table lacks (call once every route is registered, before
   * the first request: Fastify's onReady). Without this, such a route fails on first use.
   */
  prepare(): Promise<void>;
}

/** Fastify's default compilers, loaded when first needed. */
interface Compilers {
  validators: ReturnType<typeof AjvCompiler>;
  serializers: ReturnType<typeof SerializerSelector>;
}

async function loadCompilers(): Promise<Compilers> {
  const [{ AjvCompiler }, { SerializerSelector }] = await Promise.all([import('@fastify/ajv-compiler'), import('@fastify/fast-json-stringify-compiler')]);
  return { validators: AjvCompiler(), serializers: SerializerSelector() };
}

/** `compiled`: a release's table of functions compiled at release time, used in place of compiling those schemas. */
export function lazyCompilers(compiled: CompiledSchemas = {}): LazyCompilers {
  /** Compilations not done yet, in registration order. */
  const pending = new Set<() => void>();
  let stopped = false;
  const lazy = (compile: () => (data: unknown) => unknown): Fn => {
    let fn: Fn | undefined;
    const force = () => {
      fn ??= compile() as Fn;
      pending.delete(force);
      return fn;
    };
    pending.add(force);
    const wrapper: Fn = (data: unknown) => {
      const f = force();
      const result = f(data);
      // Fastify reads a failed validation's details from the function it was given.
      wrapper.errors = f.errors;
      return result;
    };
    return wrapper;
  };
  /** Set once a route's schema is missing from the table; `prepare` then loads the compilers. */
  let missing = false;
  let compilers: Compilers | undefined;
  const loaded = (): Compilers => {
    if (!compilers) throw new Error('a route schema is compiled before the compilers were loaded (lazyCompilers().prepare)');
    return compilers;
  };
  return {
    schemaController: {
      compilersFactory: {
        buildValidator(externalSchemas: unknown, options: unknown) {
          let compiler: ReturnType<Compilers['validators']> | undefined;
          return (route: RouteSchema) => {
            const ahead = compiled[schemaKey('validator', route)];
            if (!ahead) missing = true;
            return lazy(() => (ahead ? ahead() : (compiler ??= loaded().validators(externalSchemas as never, options as never))(route as never)) as (d: unknown) => unknown);
          };
        },
        buildSerializer(externalSchemas: unknown, options: unknown) {
          let compiler: ReturnType<Compilers['serializers']> | undefined;
          return (route: RouteSchema) => {
            const ahead = compiled[schemaKey('serializer', route)];
            if (!ahead) missing = true;
            return lazy(() => (ahead ? ahead() : (compiler ??= loaded().serializers(externalSchemas as never, options as never))(route as never)) as (d: unknown) => unknown) as (d: unknown) => string;
          };
        },
      },
      // Fastify types its compilers as Ajv's: these return plain functions with the same call and `errors` contract.
    } as unknown as LazyCompilers['schemaController'],
    warm: () =>
      new Promise((resolve) => {
        const step = () => {
          const next = pending.values().next();
          if (stopped || next.done) return resolve();
          next.value();
          setImmediate(step);
        };
        setImmediate(step);
      }),
    stop: () => {
      stopped = true;
    },
    prepare: async () => {
      if (missing) compilers ??= await loadCompilers();
    },
  };
}

