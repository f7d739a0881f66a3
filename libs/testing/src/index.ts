export * from './mysql/types';
