import type { ServerBinary } from './find-server';
import type { RunDir } from './run-dir';

/** Small memory and no durability work: the data lives for one test run. */
const SPEED_FLAGS = [
  '--innodb-buffer-pool-size=16M',
  '--loose-innodb-log-file-size=8M',
  '--innodb-flush-log-at-trx-commit=2',
  '--loose-innodb-doublewrite=OFF',
  '--loose-innodb-buffer-pool-load-at-startup=OFF',
  '--loose-innodb-buffer-pool-dump-at-shutdown=OFF',
  '--skip-log-bin',
  '--performance-schema=OFF',
];

/** Flags that only make sense for one flavor; `loose-` so an unknown one is ignored, not fatal. */
const FLAVOR_FLAGS: Record<ServerBinary['flavor'], string[]> = {
  mariadb: [],
  // No X Protocol listener (it would take port 33060); keep mysql_native_password available on 8.4.
  mysql: ['--loose-mysqlx=OFF', '--loose-mysql-native-password=ON'],
};

/** Flags shared by `mariadb-install-db` (passed through to the bootstrap server) and the real start. */
export const INIT_PASS_THROUGH_FLAGS = ['--innodb-buffer-pool-size=16M', '--loose-innodb-log-file-size=8M'];

/**
 * Turns `{ 'max-connections': 20, 'skip-show-database': true, x: false }` into
 * `['--max-connections=20', '--skip-show-database']`; `false` drops the flag.
 *
 * @example
 * flagArgs({ 'wait-timeout': 5 }); // ['--wait-timeout=5']
 */
export function flagArgs(flags: Readonly<Record<string, string | number | boolean>> = {}): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(flags)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
      throw new Error(`Invalid server flag name ${JSON.stringify(name)}: give it without leading dashes, e.g. 'max-connections'.`);
    }
    if (value === false) continue;
    args.push(value === true ? `--${name}` : `--${name}=${String(value)}`);
  }
  return args;
}

/** True when the current process is root (mariadbd/mysqld refuse to run as root without `--user=root`). */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * The full argument list for starting the server of `dir` on `port`. `--no-defaults` must be first.
 *
 * @example
 * spawn(binary.path, serverArgs(binary, dir, 40213, { 'wait-timeout': 5 }));
 */
export function serverArgs(
  binary: ServerBinary,
  dir: RunDir,
  port: number,
  flags: Readonly<Record<string, string | number | boolean>> | undefined,
): string[] {
  return [
    '--no-defaults',
    ...(runningAsRoot() ? ['--user=root'] : []),
    `--datadir=${dir.data}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${dir.socket}`,
    `--pid-file=${dir.pidFile}`,
    `--log-error=${dir.errorLog}`,
    `--tmpdir=${dir.tmp}`,
    `--secure-file-priv=${dir.files}`,
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    ...SPEED_FLAGS,
    ...FLAVOR_FLAGS[binary.flavor],
    ...flagArgs(flags),
  ];
}
