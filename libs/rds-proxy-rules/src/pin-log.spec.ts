import { PINNING_CODES } from './finding';
import { PIN_LOG_REASONS, pinnedSessionMessage } from './pin-log';

describe('RDS Proxy pin log wording', () => {
  it('frames the reason the way RDS Proxy logs a pinned session', () => {
    expect(pinnedSessionMessage(42, 'session-variable')).toBe(
      'The client session was pinned to the database connection [dbConnection=42] for the remainder of the session. ' +
        "The proxy can't reuse this connection until the session ends. " +
        "Reason: SQL changed session settings that the proxy doesn't track. Consider moving session configuration to the proxy's initialization query.",
    );
  });

  it('has a one-sentence reason for every pinning code, and says which come from RDS Proxy itself', () => {
    for (const code of PINNING_CODES) {
      const entry = PIN_LOG_REASONS[code];

      expect([code, entry.reason]).toEqual([code, expect.stringMatching(/^[A-Z].*\.$/)]);
    }
    expect(PINNING_CODES.filter((code) => PIN_LOG_REASONS[code].documented)).toEqual(['session-variable']);
  });

  it('names the rule, never a statement or a value', () => {
    expect(pinnedSessionMessage(1, 'user-variable')).not.toMatch(/@|Digest|"/);
  });
});
