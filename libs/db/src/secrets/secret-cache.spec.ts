import { inspect } from 'node:util';
import { DatabaseAuthError, DatabaseError, DatabaseUnavailableError } from '../errors';
import { captureLogger } from '../integration.test-util';
import { CredentialsUnavailableError, type SecretStage, SecretsManagerFetchError } from './errors';
import { resolveSecretsOptions, type SecretsManagerCredentialsOptions } from './options';
import { SecretCache } from './secret-cache';
import { deferred, recordUnhandledRejections } from './unhandled-rejections.test-util';

const unhandled = recordUnhandledRejections();
afterEach(async () => {
  await unhandled.flush();
  expect(unhandled.reasons).toEqual([]);
});

const PASSWORDS = ['pw-one-Zq8#k', 'pw-two-Vv3!x', 'pw-three-Lm7?p'] as const;
const json = (password: string) => JSON.stringify({ username: 'app', password, host: 'proxy.local', port: 3306, dbname: 'app' });

/** Builds an SDK-like error with a message and response that quote input, as a real one might. */
function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name}: request for ${PASSWORDS[0]} failed`), { name, $metadata: { httpStatusCode: status }, $response: { body: PASSWORDS[0] } });
}

type Reply = (stage: SecretStage, signal: AbortSignal) => Promise<string>;

/** A cache over a scripted fetcher and a hand-moved clock. */
function setup(overrides: Partial<SecretsManagerCredentialsOptions> = {}) {
  const clock = { now: 1_000_000 };
  const calls: SecretStage[] = [];
  const signals: AbortSignal[] = [];
  const capture = captureLogger();
  const replies: Reply[] = [];
  let fallback: Reply = async () => json(PASSWORDS[0]);
  const cache = new SecretCache(
    resolveSecretsOptions({ secretId: 'rds/app', logger: capture.logger, now: () => clock.now, random: () => 0.5, ...overrides }),
    (stage, signal) => {
      calls.push(stage);
      signals.push(signal);
      return (replies.shift() ?? fallback)(stage, signal);
    },
  );
  return {
    cache,
    clock,
    calls,
    signals,
    capture,
    /** The next fetches answer with these, in order; later ones with `always`. */
    next: (...reply: Reply[]) => void replies.push(...reply),
    always: (reply: Reply) => void (fallback = reply),
    advance: (ms: number) => void (clock.now += ms),
  };
}

const value = (password: string): Reply => async () => json(password);
const failing = (name: string, status?: number): Reply => async () => Promise.reject(awsError(name, status));

/** Lets fake fetches that settle in microtasks finish. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Nothing the cache threw or logged shows a password, the SDK's message or its response. */
function expectNoLeak(errors: unknown[], logText: string) {
  for (const text of [...errors.map((e) => inspect(e, { depth: 10 })), logText]) {
    for (const password of PASSWORDS) expect(text).not.toContain(password);
    expect(text).not.toContain('request for');
  }
}

describe('SecretCache.get', () => {
  it('fetches once for many calls, concurrent first callers sharing the fetch', async () => {
    const { cache, calls } = setup();

    const first = await Promise.all(Array.from({ length: 10 }, () => cache.get()));
    for (let i = 0; i < 20; i++) await cache.get();

    expect(calls).toEqual(['AWSCURRENT']);
    expect(first.every((s) => s === first[0])).toBe(true);
    expect(first[0]).toEqual({ username: 'app', password: PASSWORDS[0], host: 'proxy.local', port: 3306, dbname: 'app' });
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(cache.stats()).toMatchObject({ fetches: 1, fetchFailures: 0, servedStale: 0, backgroundRefreshes: 0 });
  });

  it('past ttlMs answers from the cache at once and refreshes once in the background', async () => {
    const { cache, calls, next, advance } = setup({ ttlMs: 60_000 });
    await cache.get();
    const slow = deferred<string>();
    next(() => slow.promise);
    advance(60_000);

    const during = await Promise.all([cache.get(), cache.get(), cache.get()]);

    expect(during.map((s) => s.password)).toEqual([PASSWORDS[0], PASSWORDS[0], PASSWORDS[0]]);
    expect(calls).toEqual(['AWSCURRENT', 'AWSCURRENT']);
    expect(cache.stats()).toMatchObject({ backgroundRefreshes: 1, servedStale: 3 });

    slow.resolve(json(PASSWORDS[1]));
    await unhandled.flush();
    expect((await cache.get()).password).toBe(PASSWORDS[1]);
    expect(cache.stats()).toMatchObject({ fetches: 2, servedStale: 3, cachedAgeMs: 0, backgroundRefreshFailures: 0 });
  });

  it('keeps the last good secret when background refreshes fail, and backs off between them', async () => {
    const { cache, calls, always, advance, capture } = setup({ ttlMs: 1_000, backoffBaseMs: 1_000, backoffMaxMs: 8_000 });
    await cache.get();
    always(failing('InternalServiceError', 500));
    advance(1_000);

    const served: string[] = [];
    // Ten minutes of traffic, one call every 100 ms.
    for (let t = 0; t < 6_000; t++) {
      served.push((await cache.get()).password);
      await tick();
      advance(100);
    }

    expect(new Set(served)).toEqual(new Set([PASSWORDS[0]]));
    // Waits of 750, 1500, 3000, then 6000 ms for every later failure: about 100 fetches instead of 6,000.
    expect(calls.length).toBeGreaterThan(90);
    expect(calls.length).toBeLessThan(110);
    const stats = cache.stats();
    expect(stats.backgroundRefreshes).toBe(calls.length - 1);
    expect(stats.backgroundRefreshFailures).toBe(calls.length - 1);
    expect(cache.liveCounters()).toBe(cache.liveCounters()); // live, not a copy
    expect(cache.liveCounters().backgroundRefreshFailures).toBe(stats.backgroundRefreshFailures);
    expect(stats.fetchFailures).toBe(calls.length - 1);
    expect(stats.lastError).toEqual({ name: 'InternalServiceError' });
    const warnings = capture.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(calls.length - 1);
    expect(warnings[0]).toEqual({
      level: 'warn',
      message: 'could not fetch the database secret from Secrets Manager',
      attributes: { stage: 'AWSCURRENT', error: 'InternalServiceError', httpStatusCode: 500, reason: 'background', consecutiveFailures: 1, retryInMs: 750, servingCachedSecret: true },
    });
    expect(warnings.slice(0, 5).map((w) => w.attributes?.['retryInMs'])).toEqual([750, 1_500, 3_000, 6_000, 6_000]);
    expectNoLeak([], capture.text());
  });

  it('logs the recovery and serves the new value after failed refreshes', async () => {
    const { cache, next, advance, capture } = setup({ ttlMs: 1_000 });
    await cache.get();
    next(failing('ThrottlingException'), failing('ThrottlingException'), value(PASSWORDS[1]));

    for (let i = 0; i < 3; i++) {
      advance(10_000);
      await cache.get();
      await unhandled.flush();
    }

    expect((await cache.get()).password).toBe(PASSWORDS[1]);
    expect(cache.stats()).toMatchObject({ consecutiveFailures: 0, fetchFailures: 2, lastError: { name: 'ThrottlingException' } });
    expect(capture.lines.filter((l) => l.level === 'info')).toEqual([
      { level: 'info', message: 'fetched the database secret from Secrets Manager again', attributes: { reason: 'background', failedFetches: 2 } },
    ]);
  });

  it('keeps the last good secret when a refreshed secret is malformed, naming the field, never a value', async () => {
    const { cache, next, advance, capture } = setup({ ttlMs: 1_000 });
    await cache.get();
    next(async () => JSON.stringify({ username: 'app', password: 12345678, leaked: PASSWORDS[1] }));
    advance(1_000);

    await cache.get();
    await unhandled.flush();

    expect((await cache.get()).password).toBe(PASSWORDS[0]);
    expect(cache.stats().lastError).toEqual({ name: 'DatabaseAuthError', code: 'MALFORMED_SECRET' });
    expect(capture.lines.find((l) => l.level === 'warn')?.attributes).toMatchObject({
      error: 'DatabaseAuthError',
      problem: 'database secret field "password" must be a non-empty string, got number',
    });
    expect(capture.text()).not.toContain('12345678');
    expectNoLeak([], capture.text());
  });

  it('fails a cold start with CredentialsUnavailableError, shared by concurrent callers, and then fails fast', async () => {
    const { cache, calls, next, advance, capture } = setup();
    next(failing('ThrottlingException'));

    const errors = await Promise.all(Array.from({ length: 5 }, () => rejection(cache.get())));

    expect(calls).toHaveLength(1);
    const error = errors[0] as CredentialsUnavailableError;
    expect(errors.every((e) => e === error)).toBe(true);
    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ name: 'CredentialsUnavailableError', code: 'ThrottlingException', retryAfterSeconds: 1, attempts: 1 });
    expect(error.message).toBe('database credentials are unavailable: Secrets Manager ThrottlingException');
    expect(error.cause).toBeInstanceOf(SecretsManagerFetchError);
    expect(error.cause).toMatchObject({ errorName: 'ThrottlingException', httpStatusCode: 400, stage: 'AWSCURRENT' });

    // During the backoff (750 ms here) no call reaches Secrets Manager.
    advance(700);
    const fast = await rejection(cache.get());
    expect(fast).toBeInstanceOf(CredentialsUnavailableError);
    expect(fast).toMatchObject({ retryAfterSeconds: 1, message: 'database credentials are unavailable: Secrets Manager ThrottlingException' });
    expect(calls).toHaveLength(1);
    expect(cache.stats()).toMatchObject({ failedFast: 1, fetchFailures: 1, consecutiveFailures: 1, backgroundRefreshFailures: 0 });

    advance(50);
    expect((await cache.get()).password).toBe(PASSWORDS[0]);
    expect(calls).toHaveLength(2);
    expectNoLeak([...errors, fast], capture.text());
  });

  it('states the remaining backoff as retryAfterSeconds', async () => {
    const { cache, always, advance } = setup({ backoffBaseMs: 8_000, backoffMaxMs: 60_000 });
    always(failing('InternalServiceError', 500));
    await rejection(cache.get());

    advance(1_000);
    expect(await rejection(cache.get())).toMatchObject({ retryAfterSeconds: 5 });
    advance(5_000);
    const second = (await rejection(cache.get())) as CredentialsUnavailableError;
    expect(second).toMatchObject({ retryAfterSeconds: 12, attempts: 2 });
  });

  it('rejects a malformed secret on a cold start as a configuration error (DatabaseAuthError), naming the field and not the value', async () => {
    const { cache, next, capture } = setup();
    next(async () => `{"username":"app","password":"${PASSWORDS[2]}"`);

    const error = (await rejection(cache.get())) as DatabaseAuthError;

    expect(error).toBeInstanceOf(DatabaseAuthError);
    expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(error.message).toBe('database credentials are unavailable: database secret is not valid JSON');
    expect(error.cause).toBeUndefined();
    expect(await rejection(cache.get())).toBeInstanceOf(DatabaseAuthError);
    expectNoLeak([error], capture.text());
  });

  it('gives up on a hanging fetch at fetchTimeoutMs and aborts it', async () => {
    const { cache, signals, next } = setup({ fetchTimeoutMs: 50 });
    next(() => new Promise<string>(() => undefined));

    const error = await rejection(cache.get());

    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect((error as Error).cause).toMatchObject({ errorName: 'TimeoutError' });
    expect(signals[0]?.aborted).toBe(true);
  });

  it('turns a fetcher that throws synchronously into a failed fetch', async () => {
    const { cache, next } = setup();
    next(() => {
      throw awsError('AccessDeniedException');
    });

    expect(await rejection(cache.get())).toMatchObject({ name: 'CredentialsUnavailableError', code: 'AccessDeniedException' });
  });

  it('keeps working with a logger that throws', async () => {
    const broken = { debug: () => undefined, info: () => undefined, warn: () => { throw new Error('log sink down'); }, error: () => undefined };
    const { cache, next } = setup({ logger: broken });
    next(failing('InternalServiceError', 500));

    expect(await rejection(cache.get())).toBeInstanceOf(CredentialsUnavailableError);
    expect(cache.stats().fetchFailures).toBe(1);
  });
});

describe('SecretCache.peek', () => {
  it('answers nothing before the first fetch, the cached secret after, and refreshes past ttlMs without waiting', async () => {
    const { cache, calls, next, advance } = setup({ ttlMs: 60_000 });
    expect(cache.peek()).toBeUndefined();
    expect(calls).toEqual([]);
    await cache.get();
    const first = cache.peek();
    expect(first).toMatchObject({ password: PASSWORDS[0] });

    advance(60_000);
    next(value(PASSWORDS[1]));
    expect(cache.peek()).toBe(first);
    await tick();

    expect(calls).toEqual(['AWSCURRENT', 'AWSCURRENT']);
    expect(cache.peek()).toMatchObject({ password: PASSWORDS[1] });
    expect(cache.peek()).toBe(cache.peek());
  });
});

describe('SecretCache.prefetch', () => {
  it('starts the first fetch, which get() then shares', async () => {
    const { cache, calls } = setup();

    const prefetched = cache.prefetch();
    const secret = await cache.get();
    await prefetched;

    expect(calls).toEqual(['AWSCURRENT']);
    expect(secret.password).toBe(PASSWORDS[0]);
  });

  it('never rejects, and a failed prefetch leaves nothing unhandled', async () => {
    const { cache, next, calls } = setup();
    next(failing('InternalServiceError', 500));

    await expect(cache.prefetch()).resolves.toBeUndefined();
    await expect(cache.prefetch()).resolves.toBeUndefined(); // in backoff: no second call

    expect(calls).toHaveLength(1);
    expect(cache.stats().fetchFailures).toBe(1);
  });

  it('does nothing once a secret is cached', async () => {
    const { cache, calls } = setup();
    await cache.get();

    await cache.prefetch();

    expect(calls).toHaveLength(1);
  });
});

describe('SecretCache.refresh', () => {
  it('bypasses the cache, shares one fetch among concurrent callers, and updates get()', async () => {
    const { cache, calls, always } = setup();
    await cache.get();
    always(value(PASSWORDS[1]));

    const refreshed = await Promise.all(Array.from({ length: 10 }, () => cache.refresh()));

    expect(refreshed.map((s) => s.password)).toEqual(Array(10).fill(PASSWORDS[1]));
    expect(calls).toHaveLength(2);
    expect((await cache.get()).password).toBe(PASSWORDS[1]);
    expect(cache.stats()).toMatchObject({ forcedRefreshes: 1, fetches: 2 });
  });

  it('fetches at most once per refreshCooldownMs, answering from the cache in between', async () => {
    const { cache, calls, always, advance } = setup({ refreshCooldownMs: 10_000 });
    await cache.refresh();
    always(value(PASSWORDS[1]));

    for (let i = 0; i < 99; i++) {
      expect((await cache.refresh()).password).toBe(PASSWORDS[0]);
      advance(100);
    }
    expect(calls).toHaveLength(1);
    advance(100);
    expect((await cache.refresh()).password).toBe(PASSWORDS[1]);

    expect(calls).toHaveLength(2);
    expect(cache.stats()).toMatchObject({ forcedRefreshes: 2, coolDownHits: 99 });
  });

  it('rejects when the forced fetch fails, while get() keeps serving the cached secret', async () => {
    const { cache, next, advance } = setup({ refreshCooldownMs: 1_000 });
    await cache.get();
    next(failing('InternalServiceError', 500));

    const error = await rejection(cache.refresh());

    expect(error).toBeInstanceOf(CredentialsUnavailableError);
    expect((error as Error).message).toBe('could not refresh the database credentials: Secrets Manager InternalServiceError');
    expect((await cache.get()).password).toBe(PASSWORDS[0]);
    expect((await cache.refresh()).password).toBe(PASSWORDS[0]); // cool-down: the cached value
    advance(1_000);
    expect((await cache.refresh()).password).toBe(PASSWORDS[0]); // fetched again
    expect(cache.stats()).toMatchObject({ forcedRefreshes: 2, coolDownHits: 1, fetchFailures: 1, backgroundRefreshFailures: 0 });
  });

  it('rejects within the cool-down when no secret was ever fetched', async () => {
    const { cache, always, calls } = setup();
    always(failing('InternalServiceError', 500));
    await rejection(cache.refresh());

    expect(await rejection(cache.refresh())).toBeInstanceOf(CredentialsUnavailableError);
    expect(calls).toHaveLength(1);
  });

  it('is not overwritten by an older background fetch that finishes later', async () => {
    const { cache, next, advance } = setup({ ttlMs: 1_000 });
    await cache.get();
    const older = deferred<string>();
    next(() => older.promise, value(PASSWORDS[2]));
    advance(1_000);
    await cache.get(); // starts the background fetch

    expect((await cache.refresh()).password).toBe(PASSWORDS[2]);
    older.resolve(json(PASSWORDS[1]));
    await unhandled.flush();

    expect((await cache.get()).password).toBe(PASSWORDS[2]);
  });

  it('is what a cold get() waits for when it is in flight', async () => {
    const { cache, calls } = setup();

    const [refreshed, got] = await Promise.all([cache.refresh(), cache.get()]);

    expect(got).toBe(refreshed);
    expect(calls).toHaveLength(1);
  });
});

describe('SecretCache.pending', () => {
  it('returns the AWSPENDING version', async () => {
    const { cache, calls, next } = setup();
    next(value(PASSWORDS[1]));

    expect((await cache.pending())?.password).toBe(PASSWORDS[1]);
    expect(calls).toEqual(['AWSPENDING']);
    expect(cache.stats()).toMatchObject({ pendingFetches: 1, fetches: 1 });
  });

  it('returns undefined without a warning when there is no pending version', async () => {
    const { cache, next, capture } = setup();
    next(failing('ResourceNotFoundException'));

    expect(await cache.pending()).toBeUndefined();
    expect(capture.lines).toEqual([]);
    expect(cache.stats()).toMatchObject({ fetchFailures: 0, lastError: undefined });
  });

  it('returns undefined and logs the error name on any other failure', async () => {
    const { cache, next, capture } = setup();
    next(failing('InternalServiceError', 500));

    expect(await cache.pending()).toBeUndefined();
    expect(capture.lines).toEqual([
      { level: 'warn', message: 'could not fetch the pending database secret from Secrets Manager', attributes: { stage: 'AWSPENDING', error: 'InternalServiceError', httpStatusCode: 500 } },
    ]);
    expect(cache.stats()).toMatchObject({ fetchFailures: 1, lastError: { name: 'InternalServiceError' }, consecutiveFailures: 0 });
    expectNoLeak([], capture.text());
  });

  it('shares a fetch in flight and honours its own cool-down, apart from refresh()', async () => {
    const { cache, calls, always, advance } = setup({ refreshCooldownMs: 5_000 });
    always(async (stage) => json(stage === 'AWSPENDING' ? PASSWORDS[1] : PASSWORDS[0]));

    await cache.refresh();
    const [a, b] = await Promise.all([cache.pending(), cache.pending()]);
    advance(4_999);
    const c = await cache.pending();

    expect([a, b, c].map((s) => s?.password)).toEqual([PASSWORDS[1], PASSWORDS[1], PASSWORDS[1]]);
    expect(calls).toEqual(['AWSCURRENT', 'AWSPENDING']);
    advance(1);
    await cache.pending();
    expect(calls).toEqual(['AWSCURRENT', 'AWSPENDING', 'AWSPENDING']);
    expect(cache.stats().coolDownHits).toBe(1);
  });
});

describe('SecretCache.dispose', () => {
  it('abandons a fetch in flight: waiters get CredentialsUnavailableError, nothing is left unhandled', async () => {
    const { cache, signals, next, capture } = setup();
    const never = deferred<string>();
    next(() => never.promise);

    const waiting = rejection(cache.get());
    const prefetched = cache.prefetch();
    cache.dispose();

    expect(await waiting).toBeInstanceOf(CredentialsUnavailableError);
    await expect(prefetched).resolves.toBeUndefined();
    expect(signals[0]?.aborted).toBe(true);
    never.reject(awsError('AbortError'));
    await unhandled.flush();
    expect(capture.lines).toEqual([]);
  });

  it('serves a cached secret afterwards but fetches nothing more', async () => {
    const { cache, calls, advance } = setup({ ttlMs: 1_000 });
    await cache.get();
    cache.dispose();
    cache.dispose();
    advance(5_000);

    expect((await cache.get()).password).toBe(PASSWORDS[0]);
    expect(await rejection(cache.refresh())).toBeInstanceOf(DatabaseError);
    expect(await cache.pending()).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('rejects get() when nothing was cached', async () => {
    const { cache } = setup();
    cache.dispose();

    expect(await rejection(cache.get())).toMatchObject({ name: 'DatabaseError', message: 'the Secrets Manager credentials provider is disposed' });
  });
});

describe('unhandled rejection recorder', () => {
  it('sees a rejection nobody handles (so its silence elsewhere means something)', async () => {
    const rejected = Promise.reject(new Error('deliberately unhandled'));
    await unhandled.flush();

    expect(unhandled.reasons).toEqual([new Error('deliberately unhandled')]);
    unhandled.reasons.length = 0;
    rejected.catch(() => undefined); // handled late, so Jest does not fail this test for it
    await unhandled.flush();
  });
});
