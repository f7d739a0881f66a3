import { CACHING_SHA2_PASSWORD, NATIVE_PASSWORD, nativePasswordToken, newScramble, sameBytes, Sha2 } from '../protocol/auth';
import type { Packet } from '../protocol/framing';
import { authMoreDataPayload, authSwitchPayload } from '../protocol/packets';
import type { ClientPasswordAuthType, SecretCredentials, SecretRegistry } from '../secrets/secret-registry';

/** The client side of a login, as the authentication exchange sees it. */
export interface AuthChannel {
  /** The client's next packet. */
  next(): Promise<Packet>;
  /** Sends a payload with the next sequence id. */
  send(payload: Buffer): void;
  /** The connection is encrypted. */
  readonly tls: boolean;
}

/** What the client sent in its handshake response (or COM_CHANGE_USER). */
export interface AuthAttempt {
  readonly user: string;
  readonly response: Buffer;
  /** The plugin the client answered with. */
  readonly plugin: string;
  /** The scramble the client's answer was computed with. */
  readonly scramble: Buffer;
}

/** Why a login was refused. */
export type AuthRefusal = 'wrong-password' | 'insecure-transport';

/** The result of {@link authenticate}. */
export type AuthResult = { readonly ok: true; readonly credentials: SecretCredentials } | { readonly ok: false; readonly reason: AuthRefusal; readonly usedPassword: boolean };

/** The plugin a secret's auth type uses. */
export function pluginFor(authType: ClientPasswordAuthType): string {
  return authType === 'MYSQL_NATIVE_PASSWORD' ? NATIVE_PASSWORD : CACHING_SHA2_PASSWORD;
}

function samePassword(received: string, expected: string): boolean {
  return sameBytes(Buffer.from(received, 'utf8'), Buffer.from(expected, 'utf8'));
}

/**
 * Checks a client's password against the registered secrets of its user, as
 * RDS Proxy does: with the plugin the secret's `clientPasswordAuthType` names
 * (switching the client to it if it answered with another).
 *
 * - mysql_native_password: the 20-byte answer to the scramble is compared
 *   with the one each candidate password gives;
 * - caching_sha2_password: the proxy keeps no cache, so it always asks for
 *   full authentication (as a server whose cache is empty); the client then
 *   sends its password in clear, which the proxy accepts only over TLS. The
 *   proxy has no RSA key to offer, so without TLS the login is refused, as by
 *   a MySQL server without RSA keys.
 *
 * A password that matches no cached secret makes the secrets be read again
 * once (a rotation the cache has not seen yet).
 *
 * @example
 * const result = await authenticate(channel, attempt, registry, 'MYSQL_CACHING_SHA2_PASSWORD');
 */
export async function authenticate(channel: AuthChannel, attempt: AuthAttempt, secrets: SecretRegistry, defaultAuthType: ClientPasswordAuthType): Promise<AuthResult> {
  let candidates = await secrets.forUser(attempt.user, false);
  const authType = candidates[0]?.clientPasswordAuthType ?? defaultAuthType;
  const plugin = pluginFor(authType);
  let response = attempt.response;
  let scramble = attempt.scramble;
  if (attempt.plugin !== plugin) {
    scramble = newScramble();
    channel.send(authSwitchPayload(plugin, Buffer.concat([scramble, Buffer.from([0])])));
    response = (await channel.next()).payload;
  }

  let check: (candidate: SecretCredentials) => boolean;
  let usedPassword = response.length > 0;
  if (plugin === NATIVE_PASSWORD) {
    check = (c) => sameBytes(response, nativePasswordToken(c.password, scramble));
  } else {
    channel.send(authMoreDataPayload(Buffer.from([Sha2.PERFORM_FULL_AUTHENTICATION])));
    const answer = (await channel.next()).payload;
    if (!channel.tls) return { ok: false, reason: 'insecure-transport', usedPassword };
    const nul = answer.indexOf(0);
    const password = answer.toString('utf8', 0, nul === -1 ? answer.length : nul);
    usedPassword = password.length > 0;
    check = (c) => samePassword(password, c.password);
  }

  let match = candidates.find(check);
  if (match === undefined) {
    candidates = await secrets.forUser(attempt.user, true);
    match = candidates.find(check);
  }
  return match === undefined ? { ok: false, reason: 'wrong-password', usedPassword } : { ok: true, credentials: match };
}
