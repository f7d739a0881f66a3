import { type CounterSources, counterDeltas } from './db-counters';

const zero = { credentialRefreshes: 0, credentialRefreshFailures: 0, readsReplayed: 0, staleConnectionsReplaced: 0, outcomeUnknown: 0, poolWaitMs: 0 };

function setup() {
  const state = { db: undefined as ReturnType<CounterSources['db']>, secret: { backgroundRefreshFailures: 0 } };
  const deltas = counterDeltas({ db: () => state.db, secret: () => state.secret });
  const next = () => {
    const seen: Record<string, number> = {};
    deltas.each((name, delta) => void (seen[name] = delta));
    return seen;
  };
  return { state, next };
}

describe('counterDeltas', () => {
  it('emits nothing while nothing moved, or before the client exists', () => {
    const { state, next } = setup();
    expect(next()).toEqual({});
    state.db = { ...zero };
    expect(next()).toEqual({});
  });

  it('emits each counter\'s change since the last call under its metric name', () => {
    const { state, next } = setup();
    state.db = { ...zero, readsReplayed: 2, poolWaitMs: 1.5, outcomeUnknown: 1 };
    state.secret = { backgroundRefreshFailures: 3 };
    expect(next()).toEqual({ ReadsReplayed: 2, PoolWaitMs: 1.5, StatementOutcomeUnknown: 1, SecretRefreshFailures: 3 });

    state.db = { ...zero, readsReplayed: 2, poolWaitMs: 2, outcomeUnknown: 1, credentialRefreshes: 1, credentialRefreshFailures: 1, staleConnectionsReplaced: 4 };
    expect(next()).toEqual({ PoolWaitMs: 0.5, CredentialRefreshes: 1, CredentialRefreshFailures: 1, StaleConnectionsReplaced: 4 });
    expect(next()).toEqual({});
  });

  it('starts over from a counter that went back (a new client), emitting no negative delta', () => {
    const { state, next } = setup();
    state.db = { ...zero, readsReplayed: 5 };
    next();
    state.db = { ...zero, readsReplayed: 1 };
    expect(next()).toEqual({});
    state.db = { ...zero, readsReplayed: 2 };
    expect(next()).toEqual({ ReadsReplayed: 1 });
  });
});
