import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ensureTemplate, prepareDataDir, templatePath } from './data-dir';
import { defaultSearchPath, findServer } from './find-server';
import { createRunDir } from './run-dir';

jest.setTimeout(240_000);

describe('data-dir template', () => {
  const binary = findServer(defaultSearchPath());
  let parent: string;

  beforeEach(() => {
    // A private parent, so these tests never touch the template other runs use.
    parent = mkdtempSync(join(tmpdir(), 'data-dir-spec-'));
  });

  afterEach(() => {
    rmSync(parent, { recursive: true, force: true });
  });

  it('is built once, even by concurrent callers, and leaves no build dirs', async () => {
    const [first, second] = await Promise.all([ensureTemplate(binary, parent), ensureTemplate(binary, parent)]);
    expect(first).toBe(templatePath(binary, parent));
    expect(second).toBe(first);
    expect(readdirSync(first as string)).toEqual(expect.arrayContaining(['mysql', 'ibdata1', '.template-manifest.json']));
    expect(readdirSync(parent)).toEqual([basename(first as string)]);
  });

  it('is copied into a run dir without its manifest', async () => {
    const dir = createRunDir('run-', parent);
    await prepareDataDir(binary, dir, true);
    const copied = readdirSync(dir.data);
    expect(copied).toEqual(expect.arrayContaining(['mysql', 'ibdata1']));
    expect(copied).not.toContain('.template-manifest.json');
  });

  it('is rebuilt when damaged', async () => {
    const template = (await ensureTemplate(binary, parent)) as string;
    const victim = join(template, 'mysql', readdirSync(join(template, 'mysql')).sort()[0] as string);
    unlinkSync(victim);

    await expect(ensureTemplate(binary, parent)).resolves.toBe(template);

    expect(existsSync(victim)).toBe(true);
    expect(readdirSync(parent)).toHaveLength(1);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('is not used when another user owns its path', async () => {
    const template = (await ensureTemplate(binary, parent)) as string;
    chownSync(template, 65534, 65534);
    await expect(ensureTemplate(binary, parent)).resolves.toBeUndefined();
  });
});
