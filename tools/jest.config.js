/** @type {import('jest').Config} */
module.exports = {
  displayName: 'workspace-plugin',
  preset: '../jest.preset.js',
  coverageDirectory: '../coverage/tools',
};
