/** `GetRandomPassword`: cryptographically random passwords with the options AWS documents. */
import { randomInt } from 'node:crypto';
import { invalidParameter } from './errors';

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NUMBERS = '0123456789';
/** The punctuation AWS may include: ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`` */
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * Options of {@link generateRandomPassword}; names and defaults follow the `GetRandomPassword` request.
 *
 * @example
 * ```ts
 * const options: RandomPasswordOptions = { passwordLength: 16, excludePunctuation: true };
 * ```
 */
export interface RandomPasswordOptions {
  /** 1..4096. @default 32 */
  passwordLength?: number;
  /** Characters that must not appear. */
  excludeCharacters?: string;
  excludeNumbers?: boolean;
  excludePunctuation?: boolean;
  excludeUppercase?: boolean;
  excludeLowercase?: boolean;
  /** Allow the space character. @default false */
  includeSpace?: boolean;
  /** At least one character of every included type (lower, upper, number, punctuation). @default true */
  requireEachIncludedType?: boolean;
}

/**
 * Generates a password the way `GetRandomPassword` does, from `node:crypto` randomness.
 * Throws `InvalidParameterException` when the options leave no characters to choose from, or when the password
 * is too short to hold one character of every required type.
 *
 * @example
 * ```ts
 * const password = generateRandomPassword({ passwordLength: 24, excludeCharacters: '/@"\'\\' });
 * ```
 */
export function generateRandomPassword(options: RandomPasswordOptions = {}): string {
  const length = options.passwordLength ?? 32;
  if (!Number.isInteger(length) || length < 1 || length > 4096) {
    throw invalidParameter('PasswordLength must be between 1 and 4096.');
  }
  const excluded = new Set(options.excludeCharacters ?? '');
  const keep = (chars: string): string => [...chars].filter((c) => !excluded.has(c)).join('');

  const types: string[] = [];
  if (!options.excludeLowercase) types.push(keep(LOWERCASE));
  if (!options.excludeUppercase) types.push(keep(UPPERCASE));
  if (!options.excludeNumbers) types.push(keep(NUMBERS));
  if (!options.excludePunctuation) types.push(keep(PUNCTUATION));
  const required = types.filter((chars) => chars.length > 0);
  const pool = required.join('') + (options.includeSpace && !excluded.has(' ') ? ' ' : '');
  if (pool.length === 0) {
    throw invalidParameter('The password options exclude every character; nothing is left to generate from.');
  }

  const chars: string[] = [];
  if (options.requireEachIncludedType ?? true) {
    if (length < required.length) {
      throw invalidParameter(
        `PasswordLength ${length} is too short for one character of each of the ${required.length} required types.`,
      );
    }
    for (const set of required) chars.push(pick(set));
  }
  while (chars.length < length) chars.push(pick(pool));
  // Fisher-Yates, so the required characters do not sit at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

function pick(chars: string): string {
  return chars.charAt(randomInt(chars.length));
}
