/**
 * MySQL client/server protocol numbers the proxy needs (MySQL 8 / MariaDB
 * "Client/Server Protocol" documentation: capability flags, status flags,
 * command bytes).
 */

/** Capability flags (`CLIENT_*`). */
export const Capability = {
  LONG_PASSWORD: 0x1, // MariaDB calls it CLIENT_MYSQL: set, the extended MariaDB capabilities are not used
  FOUND_ROWS: 0x2,
  LONG_FLAG: 0x4,
  CONNECT_WITH_DB: 0x8,
  NO_SCHEMA: 0x10,
  COMPRESS: 0x20,
  ODBC: 0x40,
  LOCAL_FILES: 0x80,
  IGNORE_SPACE: 0x100,
  PROTOCOL_41: 0x200,
  INTERACTIVE: 0x400,
  SSL: 0x800,
  IGNORE_SIGPIPE: 0x1000,
  TRANSACTIONS: 0x2000,
  RESERVED: 0x4000,
  SECURE_CONNECTION: 0x8000,
  MULTI_STATEMENTS: 0x10000,
  MULTI_RESULTS: 0x20000,
  PS_MULTI_RESULTS: 0x40000,
  PLUGIN_AUTH: 0x80000,
  CONNECT_ATTRS: 0x100000,
  PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
  CAN_HANDLE_EXPIRED_PASSWORDS: 0x400000,
  SESSION_TRACK: 0x800000,
  DEPRECATE_EOF: 0x1000000,
  QUERY_ATTRIBUTES: 0x8000000,
} as const;

/** `SERVER_STATUS_*` flags of OK and EOF packets. */
export const Status = {
  IN_TRANS: 0x1,
  AUTOCOMMIT: 0x2,
  MORE_RESULTS_EXISTS: 0x8,
  CURSOR_EXISTS: 0x40,
} as const;

/** Command bytes (`COM_*`). */
export const Command = {
  QUIT: 0x01,
  INIT_DB: 0x02,
  QUERY: 0x03,
  FIELD_LIST: 0x04,
  STATISTICS: 0x09,
  PROCESS_KILL: 0x0c,
  DEBUG: 0x0d,
  PING: 0x0e,
  CHANGE_USER: 0x11,
  STMT_PREPARE: 0x16,
  STMT_EXECUTE: 0x17,
  STMT_SEND_LONG_DATA: 0x18,
  STMT_CLOSE: 0x19,
  STMT_RESET: 0x1a,
  SET_OPTION: 0x1b,
  STMT_FETCH: 0x1c,
  RESET_CONNECTION: 0x1f,
} as const;

/** First byte of a response packet. */
export const Marker = {
  OK: 0x00,
  AUTH_MORE_DATA: 0x01,
  LOCAL_INFILE: 0xfb,
  EOF: 0xfe,
  ERR: 0xff,
} as const;

/** The largest payload of one physical packet; a payload this long continues in the next packet. */
export const MAX_PACKET_PAYLOAD = 0xffffff;

/** Server error numbers and SQL states the proxy itself answers with. */
export const ServerError = {
  /** ER_UNKNOWN_ERROR */
  UNKNOWN_ERROR: { errno: 1105, sqlState: 'HY000' },
  /** ER_ACCESS_DENIED_ERROR */
  ACCESS_DENIED: { errno: 1045, sqlState: '28000' },
  /** ER_UNKNOWN_COM_ERROR */
  UNKNOWN_COMMAND: { errno: 1047, sqlState: '08S01' },
  /** ER_HANDSHAKE_ERROR ("Bad handshake") */
  BAD_HANDSHAKE: { errno: 1043, sqlState: '08S01' },
  /** ER_UNKNOWN_STMT_HANDLER */
  UNKNOWN_STATEMENT: { errno: 1243, sqlState: 'HY000' },
  /** ER_SECURE_TRANSPORT_REQUIRED (MySQL 8) */
  SECURE_TRANSPORT_REQUIRED: { errno: 3159, sqlState: 'HY000' },
  /** ER_NET_PACKET_TOO_LARGE */
  PACKET_TOO_LARGE: { errno: 1153, sqlState: '08S01' },
  /** RDS Proxy: no database connection could be borrowed in time. */
  BORROW_TIMEOUT: { errno: 9501, sqlState: 'HY000' },
} as const;

/** RDS Proxy's message for error 9501. */
export const BORROW_TIMEOUT_MESSAGE = 'Timed-out waiting to acquire database connection';

/** The capabilities the proxy offers clients (see the README, "Protocol"). */
export const PROXY_CAPABILITIES =
  Capability.LONG_PASSWORD |
  Capability.FOUND_ROWS |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.NO_SCHEMA |
  Capability.ODBC |
  Capability.IGNORE_SPACE |
  Capability.PROTOCOL_41 |
  Capability.INTERACTIVE |
  Capability.IGNORE_SIGPIPE |
  Capability.TRANSACTIONS |
  Capability.RESERVED |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_STATEMENTS |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.CONNECT_ATTRS |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  // Offered so clients read an OK packet's info as the length-encoded string servers send; the proxy's
  // database connections never ask for session tracking, so no session-state data follows it.
  Capability.SESSION_TRACK;

/**
 * Client capabilities that change what the server does with a connection's
 * statements, so a database connection serves only clients with the same
 * ones: its pool is chosen by them.
 */
export const SESSION_CAPABILITIES =
  Capability.FOUND_ROWS |
  Capability.NO_SCHEMA |
  Capability.IGNORE_SPACE |
  Capability.INTERACTIVE |
  Capability.MULTI_STATEMENTS |
  Capability.MULTI_RESULTS |
  Capability.PS_MULTI_RESULTS;

/** Capabilities every database connection asks for, whatever its clients. */
export const BACKEND_BASE_CAPABILITIES =
  Capability.LONG_PASSWORD |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.PROTOCOL_41 |
  Capability.TRANSACTIONS |
  Capability.SECURE_CONNECTION |
  Capability.PLUGIN_AUTH |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Capability.CONNECT_ATTRS;
