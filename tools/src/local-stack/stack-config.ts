import { isAbsolute, resolve } from 'node:path';
import { stackFilePath } from './stack-file';

/** The local stack's settings, from the environment. */
export interface StackConfig {
  workspaceRoot: string;
  host: string;
  port: number;
  logLevel: string;
  stackFile: string;
  maxEnvironments: number;
  /** Put a local RDS Proxy between the api and the database, as in AWS (`LOCAL_RDS_PROXY`, on by default). */
  rdsProxy: boolean;
}

/**
 * A setting is malformed; the message names the variable.
 *
 * @example
 * loadStackConfig(root, { PORT: 'x' }); // throws StackConfigError('PORT must be a whole number from 0 to 65535, got "x"')
 */
export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

function wholeNumber(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new StackConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function onOff(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw !== 'on' && raw !== 'off') throw new StackConfigError(`${name} must be on or off, got "${raw}"`);
  return raw === 'on';
}

/**
 * Reads `PORT` (3000; 0 = a free port), `HOST` (127.0.0.1), `LOG_LEVEL` (INFO, checked by the api itself),
 * `LOCAL_STACK_FILE` (`.local/stack.json`), `LOCAL_LAMBDA_CONCURRENCY` (2 environments at most) and `LOCAL_RDS_PROXY`
 * (`on`: the api reaches the database through a local RDS Proxy, as in AWS; `off`: straight, plaintext).
 *
 * @example
 * loadStackConfig('/repo', { PORT: '0' }); // { port: 0, host: '127.0.0.1', stackFile: '/repo/.local/stack.json', ... }
 */
export function loadStackConfig(workspaceRoot: string, env: Record<string, string | undefined>): StackConfig {
  const file = stackFilePath(workspaceRoot, env);
  return {
    workspaceRoot,
    host: env['HOST']?.trim() || '127.0.0.1',
    port: wholeNumber(env, 'PORT', 3000, 0, 65_535),
    logLevel: env['LOG_LEVEL']?.trim() || 'INFO',
    stackFile: isAbsolute(file) ? file : resolve(file),
    maxEnvironments: wholeNumber(env, 'LOCAL_LAMBDA_CONCURRENCY', 2, 1, 32),
    rdsProxy: onOff(env, 'LOCAL_RDS_PROXY', true),
  };
}
