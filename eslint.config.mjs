import nx from '@nx/eslint-plugin';

/**
 * The allowed edges between projects (see README "Projects"). A project may
 * only import projects whose tags are listed for one of its own tags.
 */
const sourceConstraints = [
  { sourceTag: 'type:lambda', onlyDependOnLibsWithTags: ['type:data'] },
  // libs/db builds its pinning guard on the shared RDS Proxy rules.
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:shared'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: [] },
  // Pure rules (what pins an RDS Proxy session), used by libs/db and the local proxy.
  { sourceTag: 'type:shared', onlyDependOnLibsWithTags: [] },
  // The harness and the local RDS Proxy stay below libs/db: db's integration tests import
  // them, so an import of db would make a cycle. The proxy builds on the harness and the rules.
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:shared'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['*'] },
];

/** Tests may also use the harness. */
const testConstraints = sourceConstraints.map((c) =>
  c.sourceTag === 'type:lambda' || c.sourceTag === 'type:infra' || c.sourceTag === 'type:data'
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);

const boundaries = (depConstraints, allow = []) => [
  'error',
  { enforceBuildableLibDependency: true, allow, depConstraints },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/coverage', '**/.nx', '**/cdk.out', 'tmp', '.local'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(sourceConstraints),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.test.ts', '**/*.test-util.ts', '**/jest.config.js'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(testConstraints),
    },
  },
  {
    // Tools (local stack, benchmarks) build the api's handlers; nothing else may import an app.
    files: ['tools/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(sourceConstraints, ['@serverless-app/api']),
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
