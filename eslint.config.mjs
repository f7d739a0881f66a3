import nx from '@nx/eslint-plugin';

/**
 * The allowed edges between projects (see README "Projects"). A project may
 * only import projects whose tags are listed for one of its own tags.
 */
const sourceConstraints = [
  { sourceTag: 'type:lambda', onlyDependOnLibsWithTags: ['type:data'] },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: [] },
  // The harness stays below libs/db: db's integration tests import it, so an
  // import the other way would make a cycle.
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: [] },
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
