import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The handler setting of the api function: `main.js` exporting `handler`. */
export const API_HANDLER = 'main.handler';

/** The handler setting of the migration function: `migrate.js` exporting `handler`. */
export const MIGRATE_HANDLER = 'migrate.handler';

/** Where, inside the asset, the migration function finds the SQL migrations. */
export const MIGRATIONS_DIR = 'migrations';

/** The file a handler setting (`file.export`) makes the Node.js runtime load. */
export function handlerFile(handler: string): string {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`A Lambda handler is "file.export", got "${handler}"`);
  return `${handler.slice(0, dot)}.js`;
}

/**
 * Checks that the api build output (`npx nx run api:build` → `dist/apps/api`) holds what the functions run —
 * `main.js`, `migrate.js` and at least one `migrations/*.sql` — and returns the directory. Failing here, at
 * synth, beats a function that cannot find its handler after a deployment.
 *
 * @example
 * const assetDir = checkApiAsset(join(workspaceRoot, 'dist/apps/api'));
 */
export function checkApiAsset(directory: string): string {
  const missing = [API_HANDLER, MIGRATE_HANDLER].map(handlerFile).filter((file) => !existsSync(join(directory, file)));
  const migrations = join(directory, MIGRATIONS_DIR);
  const sqlFiles = existsSync(migrations) ? readdirSync(migrations).filter((file) => file.endsWith('.sql')) : [];
  if (sqlFiles.length === 0) missing.push(`${MIGRATIONS_DIR}/*.sql`);
  if (missing.length > 0) {
    throw new Error(`The api build output in ${directory} lacks ${missing.join(', ')}; run \`npx nx run api:build\` first (nx run infra:synth does)`);
  }
  return directory;
}
