/** @type {import('jest').Config} */
module.exports = {
  displayName: 'rds-proxy-rules',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/rds-proxy-rules',
};
