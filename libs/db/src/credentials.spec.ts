import { inspect } from 'node:util';
import { parseDbSecret, staticCredentials } from './credentials';
import { DatabaseAuthError } from './errors';

describe('parseDbSecret', () => {
  const secret = { username: 'app', password: 's3cr3t-value', engine: 'mysql', host: 'db', port: 3306, dbname: 'app' };

  it('reads an RDS secret from JSON or an object', () => {
    expect(parseDbSecret(JSON.stringify(secret))).toEqual(secret);
    expect(parseDbSecret({ username: 'u', password: 'p' })).toEqual({ username: 'u', password: 'p' });
  });

  it('accepts a numeric string port', () => {
    expect(parseDbSecret({ ...secret, port: '3307' }).port).toBe(3307);
  });

  it.each([
    ['{not json', 'database secret is not valid JSON'],
    ['[]', 'must be a JSON object, got array'],
    ['null', 'must be a JSON object, got null'],
    [42, 'must be a JSON object, got number'],
    [{ password: 'x' }, 'field "username" must be a non-empty string, got undefined'],
    [{ username: 'u', password: '' }, 'field "password" must be a non-empty string, got string'],
    [{ username: 'u', password: 7 }, 'field "password" must be a non-empty string, got number'],
    [{ username: 'u', password: 'p', port: 'abc' }, 'field "port" must be a port number, got string'],
    [{ username: 'u', password: 'p', port: 70000 }, 'field "port" must be a port number'],
    [{ username: 'u', password: 'p', host: ['h'] }, 'field "host" must be a string, got array'],
  ])('rejects %j', (input, message) => {
    expect(() => parseDbSecret(input)).toThrow(DatabaseAuthError);
    expect(() => parseDbSecret(input)).toThrow(message);
  });

  it('never echoes secret values in its errors', () => {
    const attempts = [
      '{"username":"u","password":"hunter2-secret"',
      'hunter2-secret',
      { username: 'u', password: 'hunter2-secret', port: 'hunter2-secret' },
      { username: 'u', password: 'hunter2-secret', host: 1 },
    ];
    for (const input of attempts) {
      let message = '';
      try {
        parseDbSecret(input);
      } catch (e) {
        message = inspect(e, { depth: 10 }); // the whole error, causes included, as a logger would print it
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('hunter2');
    }
  });
});

describe('staticCredentials', () => {
  it('serves the same copy from get and refresh', async () => {
    const creds = { username: 'u', password: 'p' };
    const provider = staticCredentials(creds);
    creds.password = 'changed';

    expect(await provider.get()).toEqual({ username: 'u', password: 'p' });
    expect(await provider.refresh()).toEqual({ username: 'u', password: 'p' });
  });
});
