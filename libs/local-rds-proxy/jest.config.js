/** @type {import('jest').Config} */
module.exports = {
  displayName: 'local-rds-proxy',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/local-rds-proxy',
};
