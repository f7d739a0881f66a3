import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '../../..');
const readJson = (file: string) => JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8'));

interface GraphNode {
  data: { root: string; tags?: string[]; targets: Record<string, unknown> };
}

describe('workspace', () => {
  let nodes: Record<string, GraphNode>;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'serverless-app-graph-'));
    try {
      execFileSync(process.execPath, [require.resolve('nx/bin/nx'), 'graph', `--file=${join(dir, 'graph.json')}`], {
        cwd: workspaceRoot,
        stdio: 'pipe',
        env: { ...process.env, NX_DAEMON: 'false' },
      });
      nodes = JSON.parse(readFileSync(join(dir, 'graph.json'), 'utf8')).graph.nodes;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('has the projects of the design, each tagged with a type', () => {
    const roots = Object.fromEntries(Object.entries(nodes).map(([name, node]) => [name, node.data.root]));

    expect(roots).toEqual({
      api: 'apps/api',
      infra: 'apps/infra',
      db: 'libs/db',
      'local-rds-proxy': 'libs/local-rds-proxy',
      'rds-proxy-rules': 'libs/rds-proxy-rules',
      testing: 'libs/testing',
      'workspace-plugin': 'tools',
    });
    for (const node of Object.values(nodes)) {
      expect(node.data.tags?.filter((t) => t.startsWith('type:'))).toHaveLength(1);
    }
  });

  it('gives every project test, lint and typecheck targets', () => {
    for (const [name, node] of Object.entries(nodes)) {
      expect([name, Object.keys(node.data.targets)]).toEqual([name, expect.arrayContaining(['test', 'lint', 'typecheck'])]);
    }
  });

  it('never phones home and keeps its cache inside the repo, out of git', () => {
    const nx = readJson('nx.json');
    const gitignore = readFileSync(join(workspaceRoot, '.gitignore'), 'utf8').split('\n');

    expect(nx.analytics).toBe(false);
    expect(nx.neverConnectToCloud).toBe(true);
    expect(nx.cacheDirectory).toBe('.nx/cache');
    expect(gitignore).toContain('.nx/cache');
  });

  it('keeps tests out of the production inputs', () => {
    const production: string[] = readJson('nx.json').namedInputs.production;

    expect(production).toContain('!{projectRoot}/**/?(*.)+(spec|test).[jt]s');
  });

  it('pins every dependency to an exact version, nx and @nx/* to one version', () => {
    const pkg = readJson('package.json');
    const all: Record<string, string> = { ...pkg.dependencies, ...pkg.devDependencies };
    const nxVersions = new Set(Object.entries(all).filter(([n]) => n === 'nx' || n.startsWith('@nx/')).map(([, v]) => v));

    for (const [name, version] of Object.entries(all)) {
      expect([name, version]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
    }
    expect(nxVersions.size).toBe(1);
  });
});
