import { curlUser, generateLocalCredentials } from './local-credentials';

describe('generateLocalCredentials', () => {
  it('makes an access key id that looks like one and reads as local, and a 40-character secret', () => {
    const { accessKeyId, secretAccessKey } = generateLocalCredentials();

    expect(accessKeyId).toMatch(/^AKIALOCAL[A-Z2-7]{11}$/);
    expect(secretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
  });

  it('makes a new pair at every call', () => {
    const pairs = Array.from({ length: 20 }, generateLocalCredentials);

    expect(new Set(pairs.map((p) => p.accessKeyId)).size).toBe(20);
    expect(new Set(pairs.map((p) => p.secretAccessKey)).size).toBe(20);
  });
});

describe('curlUser', () => {
  it('is what curl --user takes', () => {
    expect(curlUser({ accessKeyId: 'AKIALOCALEXAMPLE0001', secretAccessKey: 'a/b+c' })).toBe('AKIALOCALEXAMPLE0001:a/b+c');
  });
});
