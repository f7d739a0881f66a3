import { join } from 'node:path';
import { loadMigrateConfig } from './config';
import { createMigrateHandler } from './migrate-handler';

/** Lambda entry point of the deploy-time migration step (`migrate.handler`); the SQL files ship beside it. */
export const handler = createMigrateHandler({ config: loadMigrateConfig(), migrationsDir: join(__dirname, 'migrations') });
