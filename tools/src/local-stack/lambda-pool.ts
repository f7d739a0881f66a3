import type { Context } from 'aws-lambda';
import type { Bundle } from './bundler';
import type { LambdaEnvironment } from './lambda-environment';

/** Starts an environment (a cold start) for a bundle. */
export type EnvironmentFactory = (bundle: Bundle) => LambdaEnvironment;

/** What the pool reports; the stack prints it. */
export interface PoolEvents {
  /** An environment finished its cold start. */
  onColdStart?(info: { environment: number; build: number; initDurationMs: number }): void;
  /** An environment that had started ended without being asked to (crash, timeout). Failed cold starts are reported by `deploy` and `invoke`. */
  onEnvironmentLost?(info: { environment: number; build: number; error: Error }): void;
  /** Every environment of a bundle that is no longer live has stopped: its folder may be deleted. */
  onRetired?(bundle: Bundle): void;
}

/** Options of {@link LambdaPool}. */
export interface LambdaPoolOptions extends PoolEvents {
  spawn: EnvironmentFactory;
  /** Most environments of the live bundle at once; further requests wait for one to be free. @default 2 */
  maxEnvironments?: number;
}

/** Result of {@link LambdaPool.deploy}. */
export type DeployOutcome =
  | { status: 'live'; initDurationMs: number }
  /** The bundle's first environment failed to start; the previous bundle (if any) keeps serving. */
  | { status: 'failed'; error: Error; servingPrevious: boolean }
  /** Overtaken by a newer bundle before it started, already live, or the pool is closed. */
  | { status: 'skipped' };

interface Generation {
  bundle: Bundle;
  environments: Set<LambdaEnvironment>;
  idle: LambdaEnvironment[];
  retired: boolean;
}

interface Waiter {
  resolve: (environment: LambdaEnvironment) => void;
  reject: (error: Error) => void;
}

/**
 * No bundle is deployed yet, or the pool is closed; the gateway answers 502.
 *
 * @example
 * await expect(new LambdaPool({ spawn }).invoke(event, context)).rejects.toBeInstanceOf(PoolUnavailableError);
 */
export class PoolUnavailableError extends Error {
  override readonly name = 'PoolUnavailableError';
}

/**
 * The function's execution environments, managed the way Lambda does: an invocation goes to an idle
 * environment of the live bundle, else to a new one (a cold start) while fewer than `maxEnvironments`
 * exist, else waits for one to be free. Each environment runs one invocation at a time.
 *
 * `deploy(bundle)` publishes a new version: one environment is started for it first; once its cold start
 * succeeds traffic switches to it, idle environments of the old bundle stop at once and busy ones as soon
 * as their invocation is answered. If the new bundle fails to initialise, the old one keeps serving.
 *
 * @example
 * const pool = new LambdaPool({ spawn: (bundle) => new LambdaEnvironment({ runtimeFile, taskRoot: bundle.dir, env }) });
 * await pool.deploy(bundle); // { status: 'live', initDurationMs: 180 }
 * const result = await pool.invoke(event, context);
 * await pool.close();
 */
export class LambdaPool {
  private live: Generation | undefined;
  private readonly generations = new Set<Generation>();
  private readonly waiters: Waiter[] = [];
  private readonly max: number;
  private deploys: Promise<unknown> = Promise.resolve();
  private newestRequested = 0;
  private closed = false;

  constructor(private readonly options: LambdaPoolOptions) {
    this.max = Math.max(1, options.maxEnvironments ?? 2);
  }

  /** The bundle serving traffic. */
  get liveBundle(): Bundle | undefined {
    return this.live?.bundle;
  }

  /** Every environment still running or stopping, live bundle first. */
  get environments(): LambdaEnvironment[] {
    return [...this.generations].flatMap((generation) => [...generation.environments]);
  }

  /**
   * Makes `bundle` the live version once one environment of it has started. Deploys run one after
   * another; one overtaken by a newer deploy before it started is skipped.
   */
  deploy(bundle: Bundle): Promise<DeployOutcome> {
    this.newestRequested = Math.max(this.newestRequested, bundle.build);
    const run = this.deploys.then(() => this.deployNow(bundle));
    this.deploys = run.catch(() => undefined);
    return run;
  }

  /** Runs one invocation on an environment of the live bundle. */
  async invoke(event: unknown, context: Context): Promise<unknown> {
    const environment = await this.acquire();
    try {
      return await environment.invoke(event, context);
    } finally {
      this.release(environment);
    }
  }

  /** Rejects waiting requests and stops every environment, each after its invocation in flight (within `graceMs`). */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new PoolUnavailableError('The local stack is shutting down'));
    await Promise.all(this.environments.map((environment) => environment.stop(graceMs)));
  }

  /** SIGKILLs every environment at once (forced exit). */
  killAll(): void {
    for (const environment of this.environments) environment.kill();
  }

  private async deployNow(bundle: Bundle): Promise<DeployOutcome> {
    if (this.closed || bundle.build < this.newestRequested || this.live?.bundle.build === bundle.build) {
      return { status: 'skipped' };
    }
    const generation: Generation = { bundle, environments: new Set(), idle: [], retired: false };
    this.generations.add(generation);
    const environment = this.start(generation);
    let initDurationMs: number;
    try {
      initDurationMs = await environment.ready;
    } catch (error) {
      if (this.live !== undefined) {
        this.retire(generation);
        return { status: 'failed', error: error as Error, servingPrevious: true };
      }
      // Nothing else to serve: go live anyway, so every request retries the cold start (and fails), as on Lambda.
      this.live = generation;
      return { status: 'failed', error: error as Error, servingPrevious: false };
    }
    if (this.closed) return { status: 'skipped' };
    const previous = this.live;
    this.live = generation;
    if (previous !== undefined) this.retire(previous);
    this.release(environment);
    return { status: 'live', initDurationMs };
  }

  private start(generation: Generation): LambdaEnvironment {
    const environment = this.options.spawn(generation.bundle);
    generation.environments.add(environment);
    const build = generation.bundle.build;
    let started = false;
    environment.ready.then(
      (initDurationMs) => {
        started = true;
        this.options.onColdStart?.({ environment: environment.id, build, initDurationMs });
      },
      () => undefined,
    );
    void environment.closed.then((error) => {
      if (error !== undefined && started && !this.closed) this.options.onEnvironmentLost?.({ environment: environment.id, build, error });
      this.forget(generation, environment);
      this.pump();
    });
    return environment;
  }

  private acquire(): Promise<LambdaEnvironment> {
    if (this.closed) return Promise.reject(new PoolUnavailableError('The local stack is shutting down'));
    if (this.live === undefined) return Promise.reject(new PoolUnavailableError('No bundle is deployed yet'));
    return new Promise<LambdaEnvironment>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  /** Hands idle environments to waiting requests, and starts new ones while under the limit. */
  private pump(): void {
    const generation = this.live;
    if (generation === undefined || this.closed) return;
    while (this.waiters.length > 0) {
      const idle = generation.idle.shift();
      if (idle !== undefined) {
        if (idle.alive) this.waiters.shift()?.resolve(idle);
        continue;
      }
      if (generation.environments.size >= this.max) return;
      const waiter = this.waiters.shift();
      if (waiter === undefined) return;
      const environment = this.start(generation);
      // A failed cold start fails the request that caused it, as on Lambda.
      environment.ready.then(
        () => waiter.resolve(environment),
        (error: Error) => waiter.reject(error),
      );
    }
  }

  /** After an invocation: back to the idle list if its bundle is live, else stopped. */
  private release(environment: LambdaEnvironment): void {
    const generation = [...this.generations].find((g) => g.environments.has(environment));
    if (generation === undefined || !environment.alive) return;
    if (generation === this.live && !this.closed) {
      generation.idle.push(environment);
      this.pump();
    } else {
      void environment.stop();
    }
  }

  private forget(generation: Generation, environment: LambdaEnvironment): void {
    generation.environments.delete(environment);
    generation.idle = generation.idle.filter((e) => e !== environment);
    this.finishIfDrained(generation);
  }

  private retire(generation: Generation): void {
    generation.retired = true;
    for (const environment of generation.idle.splice(0)) void environment.stop();
    this.finishIfDrained(generation);
  }

  private finishIfDrained(generation: Generation): void {
    if (generation.retired && generation.environments.size === 0 && this.generations.delete(generation)) {
      this.options.onRetired?.(generation.bundle);
    }
  }
}
