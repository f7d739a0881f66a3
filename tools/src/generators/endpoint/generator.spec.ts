import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { readmeRouteRow } from '@serverless-app/api';
import { MIGRATION_FILE as DB_MIGRATION_FILE } from '@serverless-app/db';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import * as ts from 'typescript';
import { endpointGenerator } from './generator';
import { singularOf } from './names';
import { API, EndpointOptionsError, IMPORTED_MODULES, MIGRATION_FILE } from './options';
import type { EndpointGeneratorSchema } from './schema';

/**
 * A small workspace in the shape of the real one (`__fixtures__/workspace`: features.ts and the feature modules
 * it imports, two migrations, README's route table), so these tests never depend on what apps/api holds today.
 * The generated code compiling, linting and passing its tests in the real workspace is endpoint.e2e.spec.ts's job.
 */
const FIXTURE = join(__dirname, '__fixtures__/workspace');

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = posix.join(prefix, entry);
    return statSync(join(dir, entry)).isDirectory() ? filesUnder(join(dir, entry), path) : [path];
  });
}
const FIXTURE_FILES = filesUnder(FIXTURE);

function fixtureTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const file of FIXTURE_FILES) tree.write(file, readFileSync(join(FIXTURE, file), 'utf8'));
  for (const module of IMPORTED_MODULES) tree.write(`${API.src}/${module}`, 'export {};\n');
  return tree;
}
const fixture = (path: string) => readFileSync(join(FIXTURE, path), 'utf8');

/** Every file of the tree with its content: what "unchanged" is compared against. */
const snapshot = (tree: Tree) =>
  tree
    .listChanges()
    .map((c) => `${c.type} ${c.path}\n${c.content?.toString('utf8') ?? ''}`)
    .sort();
const read = (tree: Tree, path: string) => tree.read(path, 'utf-8') ?? '';
const seeded = new Set([...FIXTURE_FILES, ...IMPORTED_MODULES.map((m) => `${API.src}/${m}`)]);
const created = (tree: Tree) =>
  tree
    .listChanges()
    .filter((c) => c.type === 'CREATE' && !seeded.has(c.path) && c.path.startsWith('apps/api/'))
    .map((c) => c.path)
    .sort();

/** The routes a feature module declares: its object literals with method, path, auth and summary (read through the syntax tree). */
function declaredRoutes(source: string): Array<{ method: string; path: string; auth: string; summary: string }> {
  const routes: Array<{ method: string; path: string; auth: string; summary: string }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isObjectLiteralExpression(node)) {
      const value = (key: string) => {
        const property = node.properties.find((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key) as ts.PropertyAssignment | undefined;
        return property && ts.isStringLiteral(property.initializer) ? property.initializer.text : undefined;
      };
      const [method, path, auth, summary] = ['method', 'path', 'auth', 'summary'].map(value);
      if (method && path && auth && summary) routes.push({ method, path, auth, summary });
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('routes.ts', source, ts.ScriptTarget.Latest, true));
  return routes;
}

/** Syntax errors of generated TypeScript (types and lint are the end-to-end test's job). */
const syntaxErrors = (tree: Tree, files: string[]) =>
  files
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => (ts.transpileModule(read(tree, f), { reportDiagnostics: true, fileName: f }).diagnostics ?? []).map((d) => `${f}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`));

/** Relative imports of the generated files that resolve to nothing in the tree. */
const unresolvedImports = (tree: Tree, files: string[]) =>
  files
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      ts
        .preProcessFile(read(tree, f))
        .importedFiles.map((i) => i.fileName)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => posix.join(posix.dirname(f), specifier))
        .filter((target) => !tree.exists(`${target}.ts`) && !tree.exists(`${target}/index.ts`))
        .map((target) => `${f} → ${target}`),
    );

/** README's route rows after the fixture's own. */
const addedRows = (tree: Tree) => read(tree, 'README.md').split('\n').filter((line) => line.startsWith('| `') && !fixture('README.md').includes(line));

describe('endpoint generator: CRUD (the default)', () => {
  let tree: Tree;

  beforeAll(async () => {
    tree = fixtureTree();
    await endpointGenerator(tree, { name: 'orders' });
  });

  it('writes the routes module, schema, row mapping, repository, service, unit and integration tests, and a migration', () => {
    expect(created(tree)).toEqual([
      'apps/api/migrations/0003_create_orders.sql',
      'apps/api/src/orders/order.schema.ts',
      'apps/api/src/orders/order.ts',
      'apps/api/src/orders/orders.integration.spec.ts',
      'apps/api/src/orders/orders.repository.ts',
      'apps/api/src/orders/orders.routes.ts',
      'apps/api/src/orders/orders.service.spec.ts',
      'apps/api/src/orders/orders.service.ts',
    ]);
    expect(syntaxErrors(tree, created(tree))).toEqual([]);
    expect(unresolvedImports(tree, created(tree))).toEqual([]);
  });

  it('declares the five routes of /items, public by default, each with a summary', () => {
    expect(declaredRoutes(read(tree, 'apps/api/src/orders/orders.routes.ts'))).toEqual([
      { method: 'GET', path: '/orders', auth: 'iam', summary: 'orders in id order: `?limit=` 1–100 (default 20), `?cursor=` from `nextCursor`' },
      { method: 'POST', path: '/orders', auth: 'iam', summary: 'create `{ name, description? }`; an `Idempotency-Key` header makes retries create exactly one' },
      { method: 'GET', path: '/orders/{id}', auth: 'iam', summary: 'read an order' },
      { method: 'PATCH', path: '/orders/{id}', auth: 'iam', summary: 'change some fields (`description: null` clears it)' },
      { method: 'DELETE', path: '/orders/{id}', auth: 'iam', summary: 'delete an order' },
    ]);
  });

  it('registers the feature in features.ts: one import, one element at the end of the array, nothing else', () => {
    expect(read(tree, API.features)).toBe(
      fixture(API.features)
        .replace("import { nowFeature } from './now/now.routes';\n", "import { nowFeature } from './now/now.routes';\nimport { ordersFeature } from './orders/orders.routes';\n")
        .replace('[nowFeature, healthFeature, itemsFeature]', '[nowFeature, healthFeature, itemsFeature, ordersFeature]'),
    );
    expect(read(tree, 'apps/api/src/orders/orders.routes.ts')).toContain("export const ordersFeature: Feature = {\n  name: 'orders',\n");
  });

  it("adds the routes to README's table as the api renders them, after the existing rows, and changes nothing else", () => {
    const rows = declaredRoutes(read(tree, 'apps/api/src/orders/orders.routes.ts')).map((route) => readmeRouteRow(route as Parameters<typeof readmeRouteRow>[0]));

    expect(addedRows(tree)).toEqual(rows);
    expect(read(tree, 'README.md')).toBe(fixture('README.md').replace('| `GET /items/{id}` | public | read an item |\n', `| \`GET /items/{id}\` | public | read an item |\n${rows.join('\n')}\n`));
  });

  it('creates its own table in the next migration, as the repository queries it', () => {
    const sql = read(tree, 'apps/api/migrations/0003_create_orders.sql');

    expect(sql).toMatch(/^CREATE TABLE orders \(\n {2}id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,$/m);
    expect(sql).toContain('ENGINE = InnoDB DEFAULT CHARSET = utf8mb4');
    for (const column of ['name', 'description', 'created_at', 'updated_at']) expect(sql).toMatch(new RegExp(`^ {2}${column} `, 'm'));
    expect(read(tree, 'apps/api/src/orders/orders.repository.ts')).toContain("'INSERT INTO orders (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)'");
  });

  it('layers like /items: module-level handlers on context.db(), a service of kit domain errors that knows no HTTP, SQL with placeholders', () => {
    const routes = read(tree, 'apps/api/src/orders/orders.routes.ts');
    const service = read(tree, 'apps/api/src/orders/orders.service.ts');
    const repository = read(tree, 'apps/api/src/orders/orders.repository.ts');

    expect(routes).toMatch(/^const create: RouteHandler = async \(event, \{ db \}\) => \{$/m);
    expect(routes).toContain("import * as service from './orders.service';");
    expect(routes).not.toMatch(/SELECT|INSERT|UPDATE |DELETE FROM/);
    expect(service).not.toMatch(/from '\.\.\/http/);
    expect(service).toContain("from '../kit';");
    expect(service).toContain("throw notFound('order', id)");
    expect(service).toContain('db.transaction(');
    expect(repository).toContain("updateSet({ name: 'name', description: 'description' })");
    expect(repository).not.toMatch(/\$\{(?!COLUMNS|sql|set\.sql)/);
  });

  it('makes creates idempotent as /items does: Idempotency-Key header, the feature name as scope, replay header', () => {
    const routes = read(tree, 'apps/api/src/orders/orders.routes.ts');
    const service = read(tree, 'apps/api/src/orders/orders.service.ts');
    const test = read(tree, 'apps/api/src/orders/orders.integration.spec.ts');

    expect(routes).toContain('idempotencyKeyOf(singleHeader(event, IDEMPOTENCY_HEADER))');
    expect(routes).toContain("headers['idempotent-replayed'] = 'true'");
    expect(service).toContain("idempotentCreate(db, {\n    scope: 'orders',");
    expect(test).toContain("DELETE FROM ${ctx.backend.db.database}.idempotency_keys WHERE scope = ?`, ['orders']");
  });

  it('fails a second run with the same name, and changes nothing', async () => {
    const state = snapshot(tree);

    await expect(endpointGenerator(tree, { name: 'orders' })).rejects.toThrow(/apps\/api\/src\/orders already exists \(was this endpoint generated before\?\)/);
    expect(snapshot(tree)).toEqual(state);
  });

  it('takes a second feature after the first: the next migration number, both in features.ts and README', async () => {
    const next = fixtureTree();

    await endpointGenerator(next, { name: 'orders' });
    await endpointGenerator(next, { name: 'invoices' });

    expect(next.exists('apps/api/migrations/0004_create_invoices.sql')).toBe(true);
    expect(read(next, API.features)).toContain('[nowFeature, healthFeature, itemsFeature, ordersFeature, invoicesFeature]');
    expect(addedRows(next).map((row) => row.split(' | ')[0])).toEqual([
      ...['| `GET /orders`', '| `POST /orders`', '| `GET /orders/{id}`', '| `PATCH /orders/{id}`', '| `DELETE /orders/{id}`'],
      ...['| `GET /invoices`', '| `POST /invoices`', '| `GET /invoices/{id}`', '| `PATCH /invoices/{id}`', '| `DELETE /invoices/{id}`'],
    ]);
    await expect(endpointGenerator(next, { name: 'orders', crud: false, path: '/orders/summary' })).rejects.toThrow(/the path segment \/orders is already served \(GET \/orders in apps\/api\/src\/orders\/orders\.routes\.ts\)/);
  });
});

describe('endpoint generator: --auth', () => {
  it('iam by default: every route says so, and README shows IAM (SigV4)', async () => {
    const tree = fixtureTree();

    await endpointGenerator(tree, { name: 'orders' });

    expect(declaredRoutes(read(tree, 'apps/api/src/orders/orders.routes.ts')).map((r) => r.auth)).toEqual(['iam', 'iam', 'iam', 'iam', 'iam']);
    expect(addedRows(tree).every((row) => row.includes(' | IAM (SigV4) | '))).toBe(true);
  });

  it('none: public routes', async () => {
    const tree = fixtureTree();

    await endpointGenerator(tree, { name: 'orders', auth: 'none' });

    expect(declaredRoutes(read(tree, 'apps/api/src/orders/orders.routes.ts')).map((r) => r.auth)).toEqual(['none', 'none', 'none', 'none', 'none']);
    expect(addedRows(tree).some((row) => row.includes(' | IAM (SigV4) | '))).toBe(false);
  });
});

describe('endpoint generator: names', () => {
  it('spells a multi-word name in every form: folder, types, table, feature', async () => {
    const tree = fixtureTree();

    await endpointGenerator(tree, { name: 'order-lines' });

    expect(created(tree)).toContain('apps/api/src/order-lines/order-line.schema.ts');
    expect(read(tree, 'apps/api/src/order-lines/order-line.ts')).toContain('export interface OrderLineRow {');
    expect(read(tree, 'apps/api/src/order-lines/order-lines.service.ts')).toContain('export function listOrderLines(');
    expect(read(tree, 'apps/api/migrations/0003_create_order_lines.sql')).toContain('CREATE TABLE order_lines (');
    expect(read(tree, API.features)).toContain("import { orderLinesFeature } from './order-lines/order-lines.routes';");
    expect(addedRows(tree)).toContain('| `GET /order-lines/{id}` | IAM (SigV4) | read an order line |');
  });

  it('takes an explicit singular where the English rules get it wrong', async () => {
    const tree = fixtureTree();

    await endpointGenerator(tree, { name: 'statuses', singular: 'status' });

    expect(read(tree, 'apps/api/src/statuses/status.ts')).toContain('export interface Status {');
    expect(read(tree, API.features)).toContain('itemsFeature, statusesFeature]');
  });

  it.each([
    ['orders', 'order'],
    ['order-lines', 'order-line'],
    ['categories', 'category'],
    ['boxes', 'box'],
    ['addresses', 'address'],
    ['responses', 'response'],
    ['inventory', 'inventory'],
    ['news', 'new'],
  ])('singularOf(%s) is %s', (plural, singular) => {
    expect(singularOf(plural)).toBe(singular);
  });

  it('numbers migrations with the same rule as @serverless-app/db', () => {
    expect(MIGRATION_FILE.source).toBe(DB_MIGRATION_FILE.source);
  });
});

describe('endpoint generator: the next migration number', () => {
  it.each([
    [['0001_create_items.sql', '0007_add_index.sql', 'README.md'], '0008_create_orders.sql'],
    [['0001_create_items.sql', '00012_wide.sql'], '00013_create_orders.sql'],
    [[], '0001_create_orders.sql'],
  ])('after %j it is %s', async (existing, expected) => {
    const tree = fixtureTree();
    for (const file of tree.children(API.migrations)) tree.delete(`${API.migrations}/${file}`);
    for (const file of existing) tree.write(`${API.migrations}/${file}`, '-- placeholder\nSELECT 1;\n');

    await endpointGenerator(tree, { name: 'orders' });

    expect(tree.exists(`${API.migrations}/${expected}`)).toBe(true);
  });
});

describe('endpoint generator: a single route (crud: false)', () => {
  it('writes one GET route under /<name>, its path parameters validated, and no migration by default', async () => {
    const tree = fixtureTree();

    await endpointGenerator(tree, { name: 'reports', crud: false, method: 'GET', path: '/reports/{day}/summary' });

    expect(created(tree)).toEqual([
      'apps/api/src/reports/reports.integration.spec.ts',
      'apps/api/src/reports/reports.repository.ts',
      'apps/api/src/reports/reports.routes.ts',
      'apps/api/src/reports/reports.schema.spec.ts',
      'apps/api/src/reports/reports.schema.ts',
      'apps/api/src/reports/reports.service.ts',
    ]);
    expect(declaredRoutes(read(tree, 'apps/api/src/reports/reports.routes.ts'))).toEqual([
      { method: 'GET', path: '/reports/{day}/summary', auth: 'iam', summary: "the database's clock, UTC (a placeholder to replace)" },
    ]);
    expect(read(tree, 'apps/api/src/reports/reports.routes.ts')).toMatch(/^const get: RouteHandler = async \(event, \{ db \}\) => \{$/m);
    expect(read(tree, 'apps/api/src/reports/reports.schema.ts')).toContain('export const ReportsParams = v.object({ day: PathParameter });');
    expect(read(tree, 'apps/api/src/reports/reports.repository.ts')).not.toMatch(/FROM reports/);
    expect(read(tree, 'apps/api/src/reports/reports.service.ts')).not.toMatch(/from '\.\.\/http/);
    expect(read(tree, API.features)).toContain('itemsFeature, reportsFeature]');
    expect(addedRows(tree)).toEqual(["| `GET /reports/{day}/summary` | IAM (SigV4) | the database's clock, UTC (a placeholder to replace) |"]);
    expect(syntaxErrors(tree, created(tree))).toEqual([]);
    expect(unresolvedImports(tree, created(tree))).toEqual([]);
  });

  it('defaults to GET /<name>', async () => {
    const tree = fixtureTree();

    await endpointGenerator(tree, { name: 'stats', crud: false });

    expect(declaredRoutes(read(tree, 'apps/api/src/stats/stats.routes.ts')).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /stats']);
    expect(created(tree).some((f) => f.endsWith('.sql'))).toBe(false);
  });

  it('with table: true, a POST stores the body in its own table, idempotently (201)', async () => {
    const tree = fixtureTree();

    await endpointGenerator(tree, { name: 'signups', crud: false, method: 'POST', table: true, auth: 'iam' });

    const routes = read(tree, 'apps/api/src/signups/signups.routes.ts');
    const service = read(tree, 'apps/api/src/signups/signups.service.ts');
    expect(read(tree, 'apps/api/migrations/0003_create_signups.sql')).toContain('CREATE TABLE signups (');
    expect(read(tree, 'apps/api/src/signups/signups.repository.ts')).toContain("'INSERT INTO signups (name, created_at) VALUES (?, ?)'");
    expect(routes).toContain('const body = validate(SignupsBody, jsonBody(event), ');
    expect(routes).toContain('await service.createSignups(await db(), body, key, callerOf(event));');
    expect(routes).toContain("return json(201, value, replayed ? { 'idempotent-replayed': 'true' } : {});");
    expect(service).toContain("scope: 'signups',");
    expect(service).not.toMatch(/from '\.\.\/http/);
    expect(declaredRoutes(routes)[0]?.auth).toBe('iam');
    expect(syntaxErrors(tree, created(tree))).toEqual([]);
    expect(unresolvedImports(tree, created(tree))).toEqual([]);
  });

  it('with table: false, writes no migration even for a body route', async () => {
    const tree = fixtureTree();

    await endpointGenerator(tree, { name: 'tags', crud: false, method: 'PUT', path: '/tags/{tag}', table: false });

    expect(created(tree).filter((f) => f.endsWith('.sql'))).toEqual([]);
    expect(read(tree, 'apps/api/src/tags/tags.repository.ts')).toContain('export async function databaseTime(db: Queryable)');
    expect(read(tree, 'apps/api/src/tags/tags.routes.ts')).toContain('await service.putTags(await db(), { ...params, ...body })');
  });
});

describe('endpoint generator: refusals change nothing', () => {
  const edit = (path: string, change: (text: string) => string) => (t: Tree) => t.write(path, change(read(t, path)));
  const cases: Array<[string, EndpointGeneratorSchema, RegExp, ((tree: Tree) => void)?]> = [
    ['an upper-case name', { name: 'Orders' }, /name must be lower kebab-case/],
    ['a snake_case name', { name: 'order_lines' }, /name must be lower kebab-case/],
    ['a name starting with a digit', { name: '1orders' }, /name must be lower kebab-case/],
    ['a double dash', { name: 'order--lines' }, /name must be lower kebab-case/],
    ['an empty name', { name: '' }, /name must be lower kebab-case/],
    ['a name too long for a table', { name: `a${'b'.repeat(40)}` }, /at most 40 characters/],
    ['a bad singular', { name: 'people', singular: 'Person' }, /singular must be lower kebab-case/],
    ['an existing route segment', { name: 'items', table: false, crud: false, path: '/items/x' }, /the path segment \/items is already served \(GET \/items in apps\/api\/src\/items\/items\.routes\.ts\)/],
    ['the health route', { name: 'health', crud: false }, /the path segment \/health is already served/],
    ['a feature name taken by a feature on other paths', { name: 'legacy', crud: false }, /a feature named "legacy" is already listed in apps\/api\/src\/features\.ts/, (t) => {
      t.write('apps/api/src/old/old.routes.ts', "export const oldFeature = { name: 'legacy', routes: [{ method: 'GET', path: '/old', handler }] };\n");
      edit(API.features, (s) => s.replace('itemsFeature]', "itemsFeature, oldFeature]").replace("import { nowFeature }", "import { oldFeature } from './old/old.routes';\nimport { nowFeature }"))(t);
    }],
    ['a reserved folder', { name: 'http' }, /"http" is reserved/],
    ['the kit folder', { name: 'kit', crud: false }, /"kit" is reserved/],
    ['a reserved word as the singular', { name: 'classes' }, /a variable named class/],
    ['a name the generated code uses', { name: 'services' }, /a variable named service/],
    ['an imported type name', { name: 'pages' }, /a type named Page/],
    ['an unknown auth', { name: 'orders', auth: 'cognito' as 'iam' }, /auth must be one of none, iam; got "cognito"/],
    ['an existing folder', { name: 'widgets' }, /apps\/api\/src\/widgets already exists/, (t) => t.write('apps/api/src/widgets/widget.ts', 'export {};\n')],
    ['a table an existing migration creates', { name: 'orders' }, /the table orders is already created by apps\/api\/migrations\/0003_legacy\.sql/, (t) => t.write(`${API.migrations}/0003_legacy.sql`, 'CREATE TABLE IF NOT EXISTS `orders` (id INT);\n')],
    ['method and path with CRUD', { name: 'reports', path: '/reports/x' }, /method and path are for a single route/],
    ['a CRUD endpoint without a table', { name: 'reports', table: false }, /a CRUD endpoint needs its own table/],
    ['a path outside /<name>', { name: 'reports', crud: false, path: '/items/daily' }, /path must start with \/reports/],
    ['a greedy path', { name: 'reports', crud: false, path: '/reports/{proxy+}' }, /invalid segment "\{proxy\+\}"/],
    ['a repeated parameter', { name: 'reports', crud: false, path: '/reports/{day}/{day}' }, /uses the parameter \{day\} twice/],
    ['a parameter clashing with the answer', { name: 'tags', crud: false, method: 'POST', path: '/tags/{name}' }, /\{name\} would clash/],
    ['an unknown method', { name: 'reports', crud: false, method: 'HEAD' as 'GET' }, /method must be one of GET, POST, PUT, PATCH, DELETE/],
    ['a DELETE with its own table', { name: 'sessions', crud: false, method: 'DELETE', table: true }, /nothing to delete by/],
    ['a missing kit', { name: 'orders' }, /apps\/api\/src\/kit\/index\.ts does not exist, and the generated code imports it/, (t) => t.delete(`${API.src}/kit/index.ts`)],
    ['a missing features.ts', { name: 'orders' }, /apps\/api\/src\/features\.ts does not exist/, (t) => t.delete(API.features)],
    ['features.ts without its array', { name: 'orders' }, /expected one top-level `export const features = \[\.\.\.\]`.*found 0/, edit(API.features, (s) => s.replace('const features', 'const all'))],
    ['features.ts already using the name', { name: 'orders' }, /apps\/api\/src\/features\.ts already uses the name ordersFeature/, edit(API.features, (s) => `${s}\nexport const ordersFeature = 1;\n`)],
    ['a README without the route table markers', { name: 'orders' }, /README\.md needs its generated route table between <!-- routes:start --> and <!-- routes:end -->/, edit('README.md', (s) => s.replace('<!-- routes:end -->', ''))],
    ['a missing README', { name: 'orders' }, /README\.md does not exist/, (t) => t.delete('README.md')],
  ];

  it.each(cases.map(([what, options, message, prepare]) => ({ what, options, message, prepare })))('refuses $what', async ({ options, message, prepare }) => {
    const tree = fixtureTree();
    prepare?.(tree);
    const state = snapshot(tree);

    const result = endpointGenerator(tree, options);

    await expect(result).rejects.toThrow(EndpointOptionsError);
    await expect(result).rejects.toThrow(message);
    await expect(result).rejects.toThrow(/^Cannot generate the endpoint "[^"]*"; nothing was written:\n {2}- /);
    expect(snapshot(tree)).toEqual(state);
  });

  it('lists every problem at once', async () => {
    const result = endpointGenerator(fixtureTree(), { name: 'items', table: false, path: '/items/x' });

    await expect(result).rejects.toThrow(/method and path are for a single route[^]*needs its own table[^]*already uses the name itemsFeature[^]*/);
  });
});
