import { TRACKED_SESSION_VARIABLES } from '@serverless-app/rds-proxy-rules';
import { Command } from '../protocol/constants';
import { commandPayload, parseErr } from '../protocol/packets';
import { isIntegerColumn, type QueryOutcome } from '../protocol/result-set';
import type { BackendConnection } from './backend-connection';
import { DatabaseServerError } from './backend-errors';

/** One tracked variable's value as the server reports it. */
export interface TrackedValue {
  readonly value: string | null;
  /** The server reports it as an integer: written back unquoted. */
  readonly integer: boolean;
}

/**
 * The session state RDS Proxy tracks for one client session (or holds on one
 * database connection): the current database and the tracked variables.
 * `key` is equal for equal states.
 */
export interface SessionValues {
  readonly database: string | null;
  readonly variables: ReadonlyMap<string, TrackedValue>;
  readonly key: string;
}

/**
 * Tracked variables in the order they are applied: a character set before
 * its collation (setting `character_set_connection` resets
 * `collation_connection`). Pairs of aliases: the first the server knows is
 * used. `character_set_database` and `collation_database` follow the current
 * database and are not applied separately.
 */
const CANDIDATES: ReadonlyArray<readonly string[]> = [
  ['character_set_client'],
  ['character_set_connection'],
  ['character_set_results'],
  ['collation_connection'],
  ['character_set_server'],
  ['collation_server'],
  ['character_set_filesystem'],
  ['sql_mode'],
  ['time_zone'],
  ['transaction_isolation', 'tx_isolation'],
  ['transaction_read_only', 'tx_read_only'],
  ['auto_increment_increment'],
  ['interactive_timeout'],
  ['net_write_timeout'],
  ['wait_timeout'],
  ['query_cache_type'],
  ['session_track_schema'],
  ['autocommit'],
];

/** Every candidate is one RDS Proxy tracks (checked against the shared rules at load). */
for (const names of CANDIDATES) {
  for (const name of names) if (!TRACKED_SESSION_VARIABLES.has(name)) throw new Error(`${name} is not a tracked variable`);
}

/** The variables `SET NAMES ... COLLATE ...` sets. */
const CHARSET_VARIABLES: readonly string[] = ['character_set_client', 'character_set_connection', 'character_set_results', 'collation_connection'];

/** A collation id's name and character set. */
interface Collation {
  readonly name: string;
  readonly charset: string;
}

function stateKey(database: string | null, variables: ReadonlyMap<string, TrackedValue>): string {
  let key = database === null ? '\u0001' : database;
  for (const [name, v] of variables) key += `\u0000${name}=${v.value === null ? '\u0001' : v.value}`;
  return key;
}

/**
 * A session state with its key computed.
 *
 * @example
 * const state = sessionValues('app', new Map([['autocommit', { value: '1', integer: true }]]));
 */
export function sessionValues(database: string | null, variables: ReadonlyMap<string, TrackedValue>): SessionValues {
  return { database, variables, key: stateKey(database, variables) };
}

/** A value written into a SET statement. */
function literal(v: TrackedValue): string {
  if (v.value === null) return 'NULL';
  if (v.integer && /^-?\d+$/.test(v.value)) return v.value;
  if (v.value.includes('\\')) throw new Error('a tracked value with a backslash cannot be re-applied safely');
  return `'${v.value.replace(/'/g, "''")}'`;
}

/**
 * The database refused the `SET` that restores a session's tracked state on
 * a connection; `errno` is the server's error number.
 */
export class SessionStateError extends Error {
  override readonly name = 'SessionStateError';

  constructor(readonly errno: number) {
    super(`restoring the session state failed (database error ${errno})`);
  }
}

/** Thrown when a connection cannot take a session's state (no database selected cannot be restored). */
export class IncompatibleStateError extends Error {
  override readonly name = 'IncompatibleStateError';
}

/**
 * What the proxy knows about the server's tracked variables: which exist,
 * how to read them all at once, how to re-apply a difference, and the
 * collations (to work out the state a client logs in with).
 *
 * @example
 * const catalog = await TrackedState.probe(conn);
 * conn.state = await catalog.snapshot(conn);
 */
export class TrackedState {
  private readonly snapshotSql: string;
  private readonly collationsByName: ReadonlyMap<string, Collation>;

  private constructor(
    /** The variable names in use, in apply order. */
    readonly names: readonly string[],
    private readonly collations: ReadonlyMap<number, Collation>,
  ) {
    this.snapshotSql = `SELECT DATABASE()${names.map((n) => `, @@session.${n}`).join('')}`;
    this.collationsByName = new Map([...collations.values()].map((c) => [c.name, c]));
  }

  /** Finds which tracked variables the server has (one cheap query each, once per proxy). */
  static async probe(conn: BackendConnection): Promise<TrackedState> {
    const names: string[] = [];
    for (const aliases of CANDIDATES) {
      for (const name of aliases) {
        const outcome = await conn.query(`SELECT @@session.${name}`);
        if (outcome.kind === 'rows') {
          names.push(name);
          break;
        }
      }
    }
    const collations = new Map<number, Collation>();
    const outcome = await conn.query('SELECT ID, COLLATION_NAME, CHARACTER_SET_NAME FROM information_schema.COLLATIONS');
    if (outcome.kind === 'rows') {
      for (const [id, name, charset] of outcome.rows) {
        if (id && name && charset) collations.set(Number(id), { name, charset });
      }
    }
    return new TrackedState(names, collations);
  }

  /** Reads a connection's current state. */
  async snapshot(conn: BackendConnection): Promise<SessionValues> {
    return this.fromOutcome(await conn.query(this.snapshotSql));
  }

  private fromOutcome(outcome: QueryOutcome): SessionValues {
    if (outcome.kind === 'error') throw new DatabaseServerError(outcome.error);
    if (outcome.kind !== 'rows' || outcome.rows.length !== 1) throw new Error('reading the session state returned no row');
    const row = outcome.rows[0] ?? [];
    const variables = new Map<string, TrackedValue>();
    this.names.forEach((name, i) => {
      const column = outcome.columns[i + 1];
      variables.set(name, { value: row[i + 1] ?? null, integer: column !== undefined && isIntegerColumn(column) });
    });
    return sessionValues(row[0] ?? null, variables);
  }

  /**
   * The state a client starts with: `base` (a fresh connection's state), the
   * character set of the collation it logged in with, and its database.
   */
  initial(base: SessionValues, collationId: number, database: string | null): SessionValues {
    const collation = this.collations.get(collationId);
    if (collation === undefined) return sessionValues(database, base.variables);
    const variables = new Map(base.variables);
    for (const name of ['character_set_client', 'character_set_connection', 'character_set_results']) {
      if (variables.has(name)) variables.set(name, { value: collation.charset, integer: false });
    }
    if (variables.has('collation_connection')) variables.set('collation_connection', { value: collation.name, integer: false });
    return sessionValues(database, variables);
  }

  /**
   * `NAMES 'cs' COLLATE 'coll'` when the client, connection and results
   * character sets are one and the collation belongs to it — what a login
   * with that collation (or `SET NAMES`) sets up. It also sets the collation
   * of result metadata, which assigning the four variables one by one does
   * not (that leaves the character set's default collation).
   */
  private namesClause(target: SessionValues): string | undefined {
    const value = (name: string) => target.variables.get(name)?.value;
    const charset = value('character_set_client');
    const collation = value('collation_connection');
    if (!charset || !collation || value('character_set_connection') !== charset || value('character_set_results') !== charset) return undefined;
    if (this.collationsByName.get(collation)?.charset !== charset) return undefined;
    return `NAMES ${literal({ value: charset, integer: false })} COLLATE ${literal({ value: collation, integer: false })}`;
  }

  /**
   * Makes `conn` hold `target`: `USE` the database if it differs, one `SET`
   * for the variables that differ. Does nothing when the keys match.
   * Throws {@link IncompatibleStateError} when `target` has no database and
   * the connection has one (MySQL cannot unselect a database).
   */
  async apply(conn: BackendConnection, current: SessionValues, target: SessionValues): Promise<void> {
    if (current.key === target.key) return;
    if (target.database === null && current.database !== null) throw new IncompatibleStateError('cannot unselect the current database');
    if (target.database !== null && target.database !== current.database) {
      const [reply] = await conn.exchange(commandPayload(Command.INIT_DB, target.database), 'single');
      if (reply?.payload[0] === 0xff) throw new DatabaseServerError(parseErr(reply.payload));
    }
    const assignments: string[] = [];
    const differs = (name: string): boolean => {
      const want = target.variables.get(name);
      return want !== undefined && current.variables.get(name)?.value !== want.value;
    };
    const names = this.namesClause(target);
    if (names !== undefined && CHARSET_VARIABLES.some(differs)) assignments.push(names);
    for (const name of this.names) {
      if (names !== undefined && CHARSET_VARIABLES.includes(name)) continue;
      const want = target.variables.get(name);
      if (want !== undefined && differs(name)) assignments.push(`SESSION ${name} = ${literal(want)}`);
    }
    if (assignments.length === 0) return;
    const outcome = await conn.query(`SET ${assignments.join(', ')}`);
    // The server's message would quote the statement: keep only the number.
    if (outcome.kind === 'error') throw new SessionStateError(outcome.error.errno);
  }
}
