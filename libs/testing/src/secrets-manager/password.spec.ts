import { SecretsManagerError } from './errors';
import { generateRandomPassword } from './password';

describe('generateRandomPassword', () => {
  it('defaults to 32 characters with lower, upper, digit and punctuation', () => {
    for (let i = 0; i < 50; i++) {
      const password = generateRandomPassword();
      expect(password).toHaveLength(32);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^a-zA-Z0-9]/);
      expect(password).not.toContain(' ');
    }
  });

  it('never uses excluded characters or types', () => {
    const excluded = '/@"\'\\';
    for (let i = 0; i < 50; i++) {
      const password = generateRandomPassword({ passwordLength: 100, excludeCharacters: excluded });
      for (const c of excluded) expect(password).not.toContain(c);
    }
    expect(generateRandomPassword({ passwordLength: 200, excludeNumbers: true, excludePunctuation: true })).toMatch(
      /^[a-zA-Z]{200}$/,
    );
    expect(
      generateRandomPassword({ passwordLength: 200, excludeLowercase: true, excludeUppercase: true, excludePunctuation: true }),
    ).toMatch(/^[0-9]{200}$/);
  });

  it('includes a space only when asked to', () => {
    const spaced = generateRandomPassword({
      passwordLength: 300,
      includeSpace: true,
      excludeLowercase: true,
      excludeUppercase: true,
      excludePunctuation: true,
    });
    expect(spaced).toMatch(/^[0-9 ]{300}$/);
    expect(spaced).toContain(' ');
  });

  it('guarantees each type even in the shortest possible password', () => {
    for (let i = 0; i < 50; i++) {
      const password = generateRandomPassword({ passwordLength: 4 });
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[^a-zA-Z0-9]/);
    }
    expect(generateRandomPassword({ passwordLength: 1, requireEachIncludedType: false })).toHaveLength(1);
  });

  it('is not repetitive', () => {
    const seen = new Set(Array.from({ length: 100 }, () => generateRandomPassword({ passwordLength: 16 })));
    expect(seen.size).toBe(100);
  });

  it('throws InvalidParameterException for impossible options', () => {
    const cases = [
      { passwordLength: 0 },
      { passwordLength: 4097 },
      { passwordLength: 1.5 },
      { passwordLength: 3 },
      { excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true },
      { excludeLowercase: true, excludeUppercase: true, excludePunctuation: true, excludeCharacters: '0123456789' },
    ];
    for (const options of cases) {
      let caught: unknown;
      try {
        generateRandomPassword(options);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SecretsManagerError);
      expect((caught as SecretsManagerError).type).toBe('InvalidParameterException');
    }
  });
});
