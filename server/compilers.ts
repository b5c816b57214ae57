/**
 * Fastify's own schema compilers (Ajv for parameters, fast-json-stringify for responses), run on first use instead
 * of at route registration. Compiling every route's schemas up front was the largest part of the server's start-up
 * (measured with --cpu-prof: more than the snapshot load); deferred, a route's schemas are compiled by its first
 * request, or by `warmCompilers` once the port is open. The compilers, their options and the schemas are Fastify's
 * defaults unchanged, so validation, coercion, error messages and serialisation are exactly those of eager
 * compilation: only the moment differs.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Fn = ((data: unknown) => unknown) & { errors?: unknown };

export interface LazyCompilers {
  /** The `schemaController` option for Fastify(): its default compilers, each schema compiled on first use. */
  schemaController: NonNullable<FastifyServerOptions['schemaController']>;
  /**
   * Compiles what no request has needed yet, one schema per turn of the event loop so requests are not held up
   * (called once the port is open). Resolves when nothing is left or `stop` was called.
   */
  warm(): Promise<void>;
  stop(): void;
}

export function lazyCompilers(): LazyCompilers {
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
  const validators = AjvCompiler();
  const serializers = SerializerSelector();
  return {
    schemaController: {
      compilersFactory: {
        buildValidator(externalSchemas: unknown, options: unknown) {
          let compiler: ReturnType<typeof validators> | undefined;
          return (route: unknown) => lazy(() => (compiler ??= validators(externalSchemas as never, options as never))(route as never) as (d: unknown) => unknown);
        },
        buildSerializer(externalSchemas: unknown, options: unknown) {
          let compiler: ReturnType<typeof serializers> | undefined;
          return (route: unknown) => lazy(() => (compiler ??= serializers(externalSchemas as never, options as never))(route as never) as (d: unknown) => unknown) as (d: unknown) => string;
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
  };
}
