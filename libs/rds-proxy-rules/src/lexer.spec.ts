import { tokenize, type Token } from './lexer';

const kinds = (sql: string): string[] => tokenize(sql).map((t) => t.kind);
const words = (sql: string): string[] => tokenize(sql).filter((t) => t.kind === 'word').map((t) => t.value);
const only = (sql: string): Token => {
  const tokens = tokenize(sql);
  expect(tokens).toHaveLength(1);
  return tokens[0] as Token;
};

describe('tokenize', () => {
  describe('strings', () => {
    it.each([
      ["'plain'"],
      ["'it''s'"],
      ["'back\\'slash'"],
      ["'ends with backslash \\\\'"],
      ['"double"'],
      ['"say ""hi"""'],
      ['"esc \\" quote"'],
    ])('reads %s as one string token', (sql) => {
      // Prepare / Act
      const token = only(sql);

      // Assess
      expect(token).toMatchObject({ kind: 'string', start: 0, end: sql.length });
    });

    it('never keeps string contents (they are often parameter values)', () => {
      const [token] = tokenize("'p@ssw0rd SET @x := 1'");

      expect(token).toEqual({ kind: 'string', value: '', start: 0, end: 22 });
    });

    it('runs an unterminated string to the end without throwing', () => {
      expect(kinds("SELECT 'abc LOCK TABLES")).toEqual(['word', 'string']);
    });

    it('keeps code after a string that ends in an escaped backslash', () => {
      expect(words("SELECT 'a\\\\' , GET_LOCK")).toEqual(['SELECT', 'GET_LOCK']);
    });
  });

  describe('quoted identifiers', () => {
    it('unescapes doubled backticks and keeps case', () => {
      expect(only('`Get``Lock`')).toMatchObject({ kind: 'quoted-identifier', value: 'Get`Lock' });
    });

    it('does not treat a backslash as an escape inside backticks', () => {
      expect(kinds('`a\\` x')).toEqual(['quoted-identifier', 'word']);
    });
  });

  describe('comments', () => {
    it.each([
      ['-- LOCK TABLES t\nSELECT 1'],
      ['--\tLOCK TABLES t\nSELECT 1'],
      ['# LOCK TABLES t\nSELECT 1'],
      ['/* LOCK TABLES t */ SELECT 1'],
      ['/*+ SET_VAR(sort_buffer_size = 16M) */ SELECT 1'],
    ])('drops the comment in %j', (sql) => {
      expect(words(sql)).toEqual(['SELECT', '1']);
    });

    it('reads `--` not followed by whitespace as two minus signs (MySQL rule)', () => {
      expect(kinds('SELECT 1--1')).toEqual(['word', 'word', 'punctuation', 'punctuation', 'word']);
    });

    it('treats a trailing `--` as a comment', () => {
      expect(words('SELECT 1 --')).toEqual(['SELECT', '1']);
    });

    it('runs an unterminated block comment to the end', () => {
      expect(words('SELECT 1 /* LOCK TABLES')).toEqual(['SELECT', '1']);
    });

    it.each([
      ['/*! LOCK TABLES t WRITE */'],
      ['/*!40101 LOCK TABLES t WRITE */'],
      ['/*!800001 LOCK TABLES t WRITE */'],
      ['/*M!100101 LOCK TABLES t WRITE */'],
    ])('lexes the content of the executable comment %s as code', (sql) => {
      expect(words(sql)).toEqual(['LOCK', 'TABLES', 'T', 'WRITE']);
    });

    it('ends an executable comment at */ but not at */ inside a string', () => {
      expect(kinds("/*! SELECT '*/' */ x")).toEqual(['word', 'string', 'word']);
    });
  });

  describe('variables', () => {
    it.each([
      ['@x', 'x'],
      ['@a.b$c_1', 'a.b$c_1'],
      ["@'odd name'", 'odd name'],
      ['@"dq"', 'dq'],
      ['@`b``t`', 'b`t'],
    ])('reads user variable %s', (sql, name) => {
      expect(only(sql)).toMatchObject({ kind: 'user-variable', value: name });
    });

    it.each([
      ['@@sql_mode', 'sql_mode', undefined],
      ['@@SESSION.SQL_MODE', 'sql_mode', 'session'],
      ['@@global.max_connections', 'max_connections', 'global'],
      ['@@persist_only.x', 'x', 'persist_only'],
      ['@@local.`time_zone`', 'time_zone', 'local'],
      ['@@global.keycache1.key_buffer_size', 'keycache1.key_buffer_size', 'global'],
    ])('reads system variable %s', (sql, name, scope) => {
      const token = only(sql);

      expect(token).toMatchObject({ kind: 'system-variable', value: name });
      expect(token.scope).toBe(scope);
    });

    it("reads 'user'@'host' as an account, not a user variable", () => {
      expect(kinds("CREATE USER 'app'@'%'")).toEqual(['word', 'word', 'string', 'account-host']);
    });

    it('reads a user variable glued to a keyword (SELECT@x:=1)', () => {
      expect(kinds('SELECT@x:=1')).toEqual(['word', 'user-variable', 'operator', 'word']);
    });

    it('reads a lone @ as punctuation', () => {
      expect(kinds('@ ')).toEqual(['punctuation']);
    });
  });

  it('distinguishes := from = and ? placeholders', () => {
    expect(tokenize('@a := ? = 1').map((t) => `${t.kind}:${t.value}`)).toEqual([
      'user-variable:a',
      'operator::=',
      'punctuation:?',
      'operator:=',
      'word:1',
    ]);
  });

  it('accepts non-ASCII identifier characters', () => {
    expect(words('SELECT café_лок FROM t')).toEqual(['SELECT', 'CAFÉ_ЛОК', 'FROM', 'T']);
  });
});
