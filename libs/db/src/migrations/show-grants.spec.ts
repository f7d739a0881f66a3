import { extraGrants } from './app-user';
import { parseGrantLine, privilegeName } from './show-grants';

const schema = '`serverless_app`.*';
const revokesFor = (...lines: string[]) => extraGrants(lines.map(parseGrantLine), schema).map((r) => r.sql);

describe('parseGrantLine', () => {
  it('reads privileges, object and grant option as MySQL 8 prints them', () => {
    expect(parseGrantLine('GRANT SELECT, INSERT, UPDATE, DELETE ON `serverless_app`.* TO `app`@`%`')).toEqual({
      kind: 'privileges',
      privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      on: '`serverless_app`.*',
      withGrantOption: false,
    });
    expect(parseGrantLine('GRANT PROCESS ON *.* TO `app`@`%` WITH GRANT OPTION')).toMatchObject({ on: '*.*', withGrantOption: true });
  });

  it('keeps column lists, quoted names with separators in them, and drops MariaDB\'s password hash', () => {
    const line = parseGrantLine("GRANT SELECT (`a`, `b`), UPDATE (`c`) ON `db`.`t ON x TO y` TO `app`@`%` IDENTIFIED BY PASSWORD '*ABC WITH GRANT OPTION'");

    expect(line).toEqual({ kind: 'privileges', privileges: ['SELECT (`a`, `b`)', 'UPDATE (`c`)'], on: '`db`.`t ON x TO y`', withGrantOption: false });
    expect(JSON.stringify(line)).not.toContain('*ABC');
  });

  it('reads role grants and ignores partial revokes', () => {
    expect(parseGrantLine('GRANT `reader`@`%` TO `app`@`%`')).toEqual({ kind: 'role', role: '`reader`@`%`' });
    expect(parseGrantLine('REVOKE INSERT ON `mysql`.* FROM `app`@`%`')).toEqual({ kind: 'other' });
  });

  it('names a privilege without its columns', () => {
    expect(privilegeName('select (`a`,  `b`)')).toBe('SELECT');
    expect(privilegeName('ALL PRIVILEGES')).toBe('ALL PRIVILEGES');
  });
});

describe('extraGrants', () => {
  it('asks nothing of a user with exactly DML on the schema', () => {
    expect(revokesFor('GRANT USAGE ON *.* TO `app`@`%`', 'GRANT SELECT, INSERT, UPDATE, DELETE ON `serverless_app`.* TO `app`@`%`')).toEqual([]);
  });

  it('revokes anything else, keeping DML on the schema', () => {
    expect(
      revokesFor(
        'GRANT PROCESS, CREATE USER ON *.* TO `app`@`%`',
        'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON `serverless_app`.* TO `app`@`%` WITH GRANT OPTION',
        'GRANT ALL PRIVILEGES ON `other`.* TO `app`@`%`',
        'GRANT UPDATE (`name`) ON `serverless_app`.`items` TO `app`@`%`',
        'GRANT `reader`@`%` TO `app`@`%`',
      ),
    ).toEqual([
      "REVOKE PROCESS, CREATE USER ON *.* FROM ?@'%'",
      "REVOKE CREATE, DROP ON `serverless_app`.* FROM ?@'%'",
      "REVOKE GRANT OPTION ON `serverless_app`.* FROM ?@'%'",
      "REVOKE ALL PRIVILEGES ON `other`.* FROM ?@'%'",
      "REVOKE UPDATE (`name`) ON `serverless_app`.`items` FROM ?@'%'",
      "REVOKE `reader`@`%` FROM ?@'%'",
    ]);
  });

  it('takes ALL PRIVILEGES on the schema apart instead of revoking it whole (which would drop DML for a moment)', () => {
    const [revoke] = revokesFor('GRANT ALL PRIVILEGES ON `serverless_app`.* TO `app`@`%`');

    expect(revoke).toMatch(/^REVOKE CREATE, DROP, .*TRIGGER ON `serverless_app`\.\* FROM/);
    expect(revoke).not.toMatch(/SELECT|INSERT|UPDATE|DELETE/);
  });

  it('revokes a grant option on USAGE', () => {
    expect(revokesFor('GRANT USAGE ON *.* TO `app`@`%` WITH GRANT OPTION')).toEqual(["REVOKE GRANT OPTION ON *.* FROM ?@'%'"]);
  });
});
