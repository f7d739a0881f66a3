import { join } from 'node:path';
import { lintProbes, type LintProbe } from './lint-probe';

/**
 * Lints imaginary files placed in each project and checks which imports the
 * `@nx/enforce-module-boundaries` rule accepts. The edges are the ones in
 * eslint.config.mjs and the README's project table.
 */
const workspaceRoot = join(__dirname, '../../..');

const tagged = /A project tagged with "type:\w+" (can only depend on|cannot depend on)/;
const forbidden: Array<LintProbe & { why: RegExp }> = [
  { file: 'libs/db/src/probe.ts', code: "import { restApiEvent } from '@serverless-app/testing';", why: tagged },
  { file: 'apps/api/src/probe.ts', code: "import { startMysql } from '@serverless-app/testing';", why: tagged },
  { file: 'apps/infra/src/probe.ts', code: "import { query } from '@serverless-app/db';", why: tagged },
  { file: 'apps/infra/src/probe.ts', code: "import { createHandler } from '@serverless-app/api';", why: /Imports of apps are forbidden/ },
  { file: 'libs/testing/src/probe.ts', code: "import { createHandler } from '@serverless-app/api';", why: /Imports of apps are forbidden|Circular/ },
  { file: 'libs/db/src/probe.spec.ts', code: "import { query } from '@serverless-app/db';", why: /should use relative imports/ },
  // Refused twice over: by tag, and because db's tests import the harness (a cycle).
  { file: 'libs/testing/src/probe.ts', code: "import { query } from '@serverless-app/db';", why: /cannot depend on|Circular dependency between "testing" and "db"/ },
  // The shared rules are pure: they import nothing of ours.
  { file: 'libs/rds-proxy-rules/src/probe.ts', code: "import { query } from '@serverless-app/db';", why: /cannot depend on|Circular dependency between "rds-proxy-rules" and "db"/ },
  { file: 'libs/rds-proxy-rules/src/probe.ts', code: "import { startMysql } from '@serverless-app/testing';", why: tagged },
  // The api reaches the rules only through libs/db.
  { file: 'apps/api/src/probe.ts', code: "import { findPinningReasons } from '@serverless-app/rds-proxy-rules';", why: tagged },
  // The local RDS Proxy is for tests and tools only.
  { file: 'apps/api/src/probe.ts', code: "import { startLocalRdsProxy } from '@serverless-app/local-rds-proxy';", why: tagged },
  { file: 'libs/db/src/probe.ts', code: "import { startLocalRdsProxy } from '@serverless-app/local-rds-proxy';", why: tagged },
  { file: 'libs/local-rds-proxy/src/probe.ts', code: "import { query } from '@serverless-app/db';", why: /cannot depend on|Circular dependency between "local-rds-proxy" and "db"/ },
];
const allowed: LintProbe[] = [
  { file: 'apps/api/src/probe.ts', code: "import { query } from '@serverless-app/db';" },
  { file: 'apps/api/src/probe.spec.ts', code: "import { startMysql } from '@serverless-app/testing';" },
  { file: 'libs/db/src/probe.spec.ts', code: "import { startMysql } from '@serverless-app/testing';" },
  { file: 'tools/src/probe.ts', code: "import { startMysql } from '@serverless-app/testing';" },
  { file: 'tools/src/probe.ts', code: "import { createHandler } from '@serverless-app/api';" },
  { file: 'libs/db/src/probe.ts', code: "import { findPinningReasons } from '@serverless-app/rds-proxy-rules';" },
  { file: 'libs/testing/src/probe.ts', code: "import { findPinningReasons } from '@serverless-app/rds-proxy-rules';" },
  { file: 'libs/db/src/probe.spec.ts', code: "import { startLocalRdsProxy } from '@serverless-app/local-rds-proxy';" },
  { file: 'apps/api/src/probe.spec.ts', code: "import { startLocalRdsProxy } from '@serverless-app/local-rds-proxy';" },
  { file: 'tools/src/probe.ts', code: "import { startLocalRdsProxy } from '@serverless-app/local-rds-proxy';" },
  { file: 'libs/local-rds-proxy/src/probe.ts', code: "import { startMysql } from '@serverless-app/testing';" },
  { file: 'libs/local-rds-proxy/src/probe.ts', code: "import { findPinningReasons } from '@serverless-app/rds-proxy-rules';" },
];
const relative: LintProbe = { file: 'apps/api/src/probe.ts', code: "import '../../../libs/db/src/index';" };

describe('module boundaries', () => {
  let results: Array<Array<{ ruleId: string | null; message: string }>>;
  const boundaryMessages = (i: number) =>
    (results[i] ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);

  beforeAll(() => {
    const probes = [...forbidden, ...allowed, relative].map((p) => ({
      file: join(workspaceRoot, p.file),
      code: `${p.code}\nexport const probe = 1;\n`,
    }));
    results = lintProbes(workspaceRoot, probes);
  }, 120_000);

  it.each(forbidden.map((p, i) => [p.file, p.code, i, p.why] as const))('forbids %s: %s', (_file, _code, i, why) => {
    const messages = boundaryMessages(i);

    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(why);
  });

  it.each(allowed.map((p, i) => [p.file, p.code, forbidden.length + i] as const))('allows %s: %s', (_file, _code, i) => {
    expect(boundaryMessages(i)).toEqual([]);
  });

  it('forbids reaching into another project by a relative path', () => {
    expect(boundaryMessages(forbidden.length + allowed.length).join('\n')).toMatch(/cannot be imported by a relative or absolute path/);
  });
});
