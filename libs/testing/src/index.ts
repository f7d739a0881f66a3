export * from './mysql';
export * from './events';
export * from './secrets-manager';
export * from './backend';
export * from './gateway';
export * from './http';
