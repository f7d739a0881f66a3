import { type Connection, type ConnectionOptions, createConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import { driverInfo } from '../classify';
import { type DbClientLogger, silentLogger } from '../logger';
import { MigrationError } from './migration-error';
import { type GrantLine, parseGrantLine, privilegeName } from './show-grants';

/** What the app user may do: data, never schema. */
export const APP_USER_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

/**
 * Schema-level privileges besides {@link APP_USER_PRIVILEGES} that both MySQL 8.4 and MariaDB know; revoked
 * one by one when the app user holds `ALL PRIVILEGES` on the schema (revoking `ALL` would leave it without
 * DML for a moment). Anything else a server lists afterwards is revoked by the name it lists.
 */
const OTHER_SCHEMA_PRIVILEGES = [
  'CREATE',
  'DROP',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'TRIGGER',
];

/** A user or schema name we quote ourselves. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;

/** Options of {@link syncAppUser}. */
export interface SyncAppUserOptions {
  /** Where to connect, as a user that may create users and grant (the administrator). */
  connection: ConnectionOptions;
  /** The app user's name (`'app'`); the account is `user@'%'`. */
  user: string;
  /** Its password: the app secret's current one. Never logged nor put in an error. */
  password: string;
  /** The schema it gets `SELECT, INSERT, UPDATE, DELETE` on. */
  database: string;
  /**
   * Leave an existing user's password as it is (still set for a new user). Set it while the secret is being
   * rotated: the rotation function may already have changed the password to the pending one.
   * @default false
   */
  keepExistingPassword?: boolean;
  logger?: DbClientLogger;
}

/** What {@link syncAppUser} did. */
export interface AppUserSync {
  created: boolean;
  passwordSet: boolean;
  /** How many REVOKE statements it ran (grants beyond DML on the schema). */
  revoked: number;
}

/**
 * Creates the app user if it does not exist, sets its password, and leaves it with exactly `SELECT, INSERT,
 * UPDATE, DELETE` on `database` — revoking any other privilege, role or grant option it holds, anywhere. DML is
 * granted before anything is revoked, so the api never loses it. Idempotent and safe to re-run; statements go
 * one at a time on a dedicated connection. Errors name the step and the server's code, never the SQL (which
 * holds the password).
 *
 * @example
 * await syncAppUser({ connection: adminConnection, user: 'app', password: appSecret.password, database: 'serverless_app', logger });
 */
export async function syncAppUser(options: SyncAppUserOptions): Promise<AppUserSync> {
  const { user, database, password } = options;
  if (typeof user !== 'string' || !NAME.test(user)) throw new MigrationError(`app user name must be a plain identifier of at most 32 characters`);
  if (typeof database !== 'string' || !NAME.test(database)) throw new MigrationError(`app user database "${String(database)}" is not a plain identifier`);
  if (typeof password !== 'string' || password === '') throw new MigrationError('app user password must be a non-empty string');
  const logger = options.logger ?? silentLogger;
  const schema = `\`${database}\`.*`;
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      const info = driverInfo(error);
      // No cause: a mysql2 error carries the statement, password included.
      throw new MigrationError(`app user: ${name} failed (${info.errno !== undefined ? `${info.code ?? 'server error'} ${info.errno}` : (info.code ?? 'unknown error')})`, undefined, info);
    }
  };

  const c = await step('connecting', () => createConnection({ ...options.connection, multipleStatements: false }));
  // A connection killed while idle reports it as an event; the next statement fails with it anyway.
  c.on('error', () => undefined);
  try {
    const [created] = await step('CREATE USER', () => c.query<ResultSetHeader>("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [user, password]));
    const isNew = created.warningStatus === 0;
    const passwordSet = isNew || !options.keepExistingPassword;
    if (!isNew && passwordSet) await step('ALTER USER', () => c.query("ALTER USER ?@'%' IDENTIFIED BY ?", [user, password]));
    await step('GRANT', () => c.query(`GRANT ${APP_USER_PRIVILEGES.join(', ')} ON ${schema} TO ?@'%'`, [user]));

    let revoked = 0;
    for (let pass = 1; ; pass += 1) {
      const revokes = extraGrants(await step('SHOW GRANTS', () => showGrants(c, user)), schema);
      if (revokes.length === 0) break;
      if (pass > 3) {
        throw new MigrationError(`app user: could not reduce its grants to ${APP_USER_PRIVILEGES.join(', ')} ON ${schema}; still holds ${revokes.map((r) => r.describe).join('; ')}`);
      }
      for (const revoke of revokes) {
        await step(`REVOKE ${revoke.describe}`, () => c.query(revoke.sql, [user]));
        revoked += 1;
      }
    }
    logger.info('app user in sync', { user, created: isNew, passwordSet, revoked, privileges: APP_USER_PRIVILEGES.join(', '), on: schema });
    return { created: isNew, passwordSet, revoked };
  } finally {
    await c.end().catch(() => c.destroy());
  }
}

async function showGrants(conn: Connection, user: string): Promise<GrantLine[]> {
  const [rows] = await conn.query<RowDataPacket[]>({ sql: "SHOW GRANTS FOR ?@'%'", rowsAsArray: true }, [user]);
  return rows.map((row) => parseGrantLine(String((row as unknown as unknown[])[0])));
}

/** A REVOKE to run (`?` is the user) and what it revokes, in words safe to log. */
interface Revoke {
  sql: string;
  describe: string;
}

/** The REVOKE statements that leave only DML on `schema` (and the grant-less `USAGE`). */
export function extraGrants(lines: readonly GrantLine[], schema: string): Revoke[] {
  const revokes: Revoke[] = [];
  const revoke = (what: string, on: string) => revokes.push({ sql: `REVOKE ${what} ON ${on} FROM ?@'%'`, describe: `${what.length > 80 ? `${what.slice(0, 80)}...` : what} ON ${on}` });
  for (const line of lines) {
    if (line.kind === 'role') {
      revokes.push({ sql: `REVOKE ${line.role} FROM ?@'%'`, describe: `role ${line.role}` });
      continue;
    }
    if (line.kind !== 'privileges') continue;
    const names = line.privileges.map(privilegeName);
    if (line.on === schema) {
      const all = names.some((n) => n === 'ALL' || n === 'ALL PRIVILEGES');
      const extra = all ? OTHER_SCHEMA_PRIVILEGES : line.privileges.filter((p) => !(APP_USER_PRIVILEGES as readonly string[]).includes(privilegeName(p)) && privilegeName(p) !== 'USAGE');
      if (extra.length > 0) revoke(extra.join(', '), line.on);
    } else {
      const extra = line.privileges.filter((p) => privilegeName(p) !== 'USAGE');
      if (extra.length > 0) revoke(names.some((n) => n === 'ALL' || n === 'ALL PRIVILEGES') ? 'ALL PRIVILEGES' : extra.join(', '), line.on);
    }
    if (line.withGrantOption) revoke('GRANT OPTION', line.on);
  }
  return revokes;
}
