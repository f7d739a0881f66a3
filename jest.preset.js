// Shared Jest settings for every project. TypeScript (and the ESM-only @middy
// packages) are compiled with SWC; type errors are the `typecheck` target's job.
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(ts|js|mts|mjs|cts|cjs)$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  clearMocks: true,
  restoreMocks: true,
};
