import { startMysql, type MysqlServer } from '@serverless-app/testing';
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_ROOT, bundleOptions } from './api-bundle.test-util';

/**
 * mysql2 as the api bundle has it (iconv-lite reduced to its internal, UTF-16 and UTF-32 codecs; no RDS CA
 * profiles) still reads and writes utf8mb4 and latin1 text, against a real server.
 */
jest.setTimeout(60_000);

type Mysql2 = typeof import('mysql2/promise');

let server: MysqlServer;
let mysql: Mysql2;
let dir: string;
let tables = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bundled-mysql2-'));
  const outfile = join(dir, 'mysql2.js');
  await build({ ...bundleOptions(), stdin: { contents: "module.exports = require('mysql2/promise');", resolveDir: API_ROOT, loader: 'js' }, outfile });
  mysql = require(outfile) as Mysql2;
  server = await startMysql();
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function roundTrip(column: string, charset: string, values: string[]): Promise<unknown[]> {
  const { host, port, user, password, database } = server.app;
  const connection = await mysql.createConnection({ host, port, user, password, database, charset });
  try {
    const table = `t_${++tables}`;
    await connection.query(`CREATE TABLE ${table} (id INT AUTO_INCREMENT PRIMARY KEY, v ${column})`);
    for (const value of values) await connection.query(`INSERT INTO ${table} (v) VALUES (?)`, [value]);
    const [rows] = await connection.query(`SELECT v FROM ${table} ORDER BY id`);
    return (rows as Array<{ v: unknown }>).map((r) => r.v);
  } finally {
    await connection.end();
  }
}

const TEXT = ['plain ascii', 'café crème', 'Grüße, 東京', 'emoji 🧪🚀', ''];

it('reads back utf8mb4 text (4-byte characters included) on a utf8mb4 connection', async () => {
  expect(await roundTrip('VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', 'UTF8MB4_UNICODE_CI', TEXT)).toEqual(TEXT);
});

it('reads back latin1 text on a utf8mb4 connection and on a latin1 connection', async () => {
  const latin = ['plain ascii', 'café crème', 'naïve façade ÿ', ''];
  expect(await roundTrip('VARCHAR(100) CHARACTER SET latin1', 'UTF8MB4_GENERAL_CI', latin)).toEqual(latin);
  expect(await roundTrip('VARCHAR(100) CHARACTER SET latin1', 'LATIN1_SWEDISH_CI', latin)).toEqual(latin);
});

it('reads binary columns as bytes', async () => {
  const [value] = await roundTrip('VARBINARY(10)', 'UTF8MB4_GENERAL_CI', ['\u0001\u00ff']);
  expect(Buffer.isBuffer(value)).toBe(true);
});

it('fails plainly on a character set the bundle leaves out (the reduction is in effect)', async () => {
  await expect(roundTrip('VARCHAR(100) CHARACTER SET cp1250', 'CP1250_GENERAL_CI', ['x'])).rejects.toThrow(/Encoding not recognized/);
});

it("names server errors as mysql2 does (its error table is loaded from JSON in the bundle)", async () => {
  const { host, port, user, password, database } = server.app;
  const connection = await mysql.createConnection({ host, port, user, password, database });
  try {
    await connection.query('CREATE TABLE dup (id INT PRIMARY KEY)');
    await connection.query('INSERT INTO dup VALUES (1)');
    await expect(connection.query('INSERT INTO dup VALUES (1)')).rejects.toMatchObject({ code: 'ER_DUP_ENTRY', errno: 1062 });
    await expect(connection.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: 'ER_NO_SUCH_TABLE', errno: 1146 });
  } finally {
    await connection.end();
  }
});
