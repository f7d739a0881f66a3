import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { MIGRATION_FILE as DB_MIGRATION_FILE } from '@serverless-app/db';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';
import { endpointGenerator } from './generator';
import { singularOf } from './names';
import { EndpointOptionsError, MIGRATION_FILE } from './options';
import type { EndpointGeneratorSchema } from './schema';

const workspaceRoot = join(__dirname, '../../../..');
const real = (path: string) => readFileSync(join(workspaceRoot, path), 'utf8');

/** The apps/api files the generator reads or edits, and the helpers the generated code imports, as they are in the repo. */
const SEEDED = [
  'apps/api/src/handler.ts',
  'apps/api/routes.json',
  'apps/api/src/http/http-error.ts',
  'apps/api/src/http/json-body.ts',
  'apps/api/src/http/response.ts',
  'apps/api/src/http/router.ts',
  'apps/api/src/http/validate.ts',
  'apps/api/src/testing/api.test-util.ts',
  'apps/api/src/http/cursor.ts',
  'apps/api/src/http/query.ts',
  ...readdirSync(join(workspaceRoot, 'apps/api/migrations')).map((f) => `apps/api/migrations/${f}`),
];

function seededTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const path of SEEDED) tree.write(path, real(path));
  return tree;
}

/** Every file of the tree with its content: what "unchanged" is compared against. */
const snapshot = (tree: Tree) =>
  tree
    .listChanges()
    .map((c) => `${c.type} ${c.path}\n${c.content?.toString('utf8') ?? ''}`)
    .sort();
const routeTable = (tree: Tree) => (JSON.parse(tree.read('apps/api/routes.json', 'utf-8') ?? '') as { routes: Array<{ method: string; path: string }> }).routes;
const read = (tree: Tree, path: string) => tree.read(path, 'utf-8') ?? '';
const created = (tree: Tree) =>
  tree
    .listChanges()
    .filter((c) => c.type === 'CREATE' && !SEEDED.includes(c.path) && c.path.startsWith('apps/api/'))
    .map((c) => c.path)
    .sort();
/** The `{ method, path }` pairs a generated routes module returns. */
const servedBy = (source: string) => [...source.matchAll(/\{ method: '(\w+)', path: '([^']+)'/g)].map(([, method, path]) => ({ method, path }));
/** Syntax errors of generated TypeScript (types and lint are the end-to-end test's job). */
const syntaxErrors = (tree: Tree, files: string[]) =>
  files
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => (ts.transpileModule(read(tree, f), { reportDiagnostics: true, fileName: f }).diagnostics ?? []).map((d) => `${f}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`));

describe('endpoint generator: CRUD (the default)', () => {
  let tree: Tree;
  const before = real('apps/api/routes.json');

  beforeAll(async () => {
    tree = seededTree();
    await endpointGenerator(tree, { name: 'orders' });
  });

  it('writes the routes, schema, row mapping, repository, service, unit and integration tests, and a migration', () => {
    expect(created(tree)).toEqual([
      'apps/api/migrations/0002_create_orders.sql',
      'apps/api/src/orders/order.schema.spec.ts',
      'apps/api/src/orders/order.schema.ts',
      'apps/api/src/orders/order.ts',
      'apps/api/src/orders/orders.integration.spec.ts',
      'apps/api/src/orders/orders.repository.ts',
      'apps/api/src/orders/orders.routes.ts',
      'apps/api/src/orders/orders.service.ts',
    ]);
    expect(syntaxErrors(tree, created(tree))).toEqual([]);
  });

  it('declares the five routes in routes.json, after the existing ones, in the file\'s one-route-per-line style', () => {
    const added = [
      '    { "method": "GET", "path": "/orders" },',
      '    { "method": "POST", "path": "/orders" },',
      '    { "method": "GET", "path": "/orders/{id}" },',
      '    { "method": "PATCH", "path": "/orders/{id}" },',
      '    { "method": "DELETE", "path": "/orders/{id}" }',
    ].join('\n');

    expect(read(tree, 'apps/api/routes.json')).toBe(before.replace(/\n {2}\]\n\}\n$/, `,\n${added}\n  ]\n}\n`));
  });

  it('serves exactly the routes it declares (what assertMatchesRouteTable checks at cold start)', () => {
    const declared = routeTable(tree).filter((r) => r.path.startsWith('/orders'));

    expect(servedBy(read(tree, 'apps/api/src/orders/orders.routes.ts'))).toEqual(declared);
  });

  it('registers the routes in handler.ts: one import, one spread at the end of the route list', () => {
    const handler = read(tree, 'apps/api/src/handler.ts');
    const original = real('apps/api/src/handler.ts');

    expect(handler).toContain("import { orderRoutes } from './orders/orders.routes';\n");
    expect(handler).toMatch(/\.\.\.itemRoutes\(getDb\),\n {4}\.\.\.orderRoutes\(getDb\),\n {2}\];/);
    expect(handler.split('\n').length).toBe(original.split('\n').length + 2);
  });

  it('creates its own table in the next migration, as the repository queries it', () => {
    const sql = read(tree, 'apps/api/migrations/0002_create_orders.sql');

    expect(sql).toMatch(/^CREATE TABLE orders \(\n {2}id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,$/m);
    expect(sql).toContain('ENGINE = InnoDB DEFAULT CHARSET = utf8mb4');
    for (const column of ['name', 'description', 'created_at', 'updated_at']) expect(sql).toMatch(new RegExp(`^ {2}${column} `, 'm'));
    expect(read(tree, 'apps/api/src/orders/orders.repository.ts')).toContain("'INSERT INTO orders (name, description, created_at, updated_at) VALUES (?, ?, ?, ?)'");
  });

  it('follows the items layering: routes → service → repository, SQL only with ? placeholders, bodies through jsonBody()', () => {
    const routes = read(tree, 'apps/api/src/orders/orders.routes.ts');
    const service = read(tree, 'apps/api/src/orders/orders.service.ts');
    const repository = read(tree, 'apps/api/src/orders/orders.repository.ts');

    expect(routes).toContain("import * as service from './orders.service';");
    expect(routes).toContain('middy(handler).use(jsonBody())');
    expect(routes).not.toMatch(/SELECT|INSERT|UPDATE |DELETE FROM/);
    expect(service).toContain("import * as repo from './orders.repository';");
    expect(service).toContain('db.transaction(');
    expect(service).toContain('throw notFound(`order ${id} does not exist`)');
    expect(repository).not.toMatch(/\$\{(?!COLUMNS|sets)/);
  });

  it('fails a second run with the same name, and changes nothing', async () => {
    const state = snapshot(tree);

    await expect(endpointGenerator(tree, { name: 'orders' })).rejects.toThrow(/apps\/api\/src\/orders already exists \(was this endpoint generated before\?\)/);
    expect(snapshot(tree)).toEqual(state);
  });
});

describe('endpoint generator: names', () => {
  it('spells a multi-word name in every form: folder, types, table, route function', async () => {
    const tree = seededTree();

    await endpointGenerator(tree, { name: 'order-lines' });

    expect(created(tree)).toContain('apps/api/src/order-lines/order-line.schema.ts');
    expect(read(tree, 'apps/api/src/order-lines/order-line.ts')).toContain('export interface OrderLineRow {');
    expect(read(tree, 'apps/api/src/order-lines/order-lines.service.ts')).toContain('export async function listOrderLines(');
    expect(read(tree, 'apps/api/migrations/0002_create_order_lines.sql')).toContain('CREATE TABLE order_lines (');
    expect(read(tree, 'apps/api/src/handler.ts')).toContain("import { orderLineRoutes } from './order-lines/order-lines.routes';");
  });

  it('takes an explicit singular where the English rules get it wrong', async () => {
    const tree = seededTree();

    await endpointGenerator(tree, { name: 'statuses', singular: 'status' });

    expect(read(tree, 'apps/api/src/statuses/status.ts')).toContain('export interface Status {');
    expect(read(tree, 'apps/api/src/handler.ts')).toContain('...statusRoutes(getDb)');
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
    const tree = seededTree();
    for (const file of tree.children('apps/api/migrations')) tree.delete(`apps/api/migrations/${file}`);
    for (const file of existing) tree.write(`apps/api/migrations/${file}`, '-- placeholder\nSELECT 1;\n');

    await endpointGenerator(tree, { name: 'orders' });

    expect(tree.exists(`apps/api/migrations/${expected}`)).toBe(true);
  });
});

describe('endpoint generator: a single route (crud: false)', () => {
  it('writes one GET route under /<name>, its path parameters validated, and no migration by default', async () => {
    const tree = seededTree();

    await endpointGenerator(tree, { name: 'reports', crud: false, method: 'GET', path: '/reports/{day}/summary' });

    expect(created(tree)).toEqual([
      'apps/api/src/reports/reports.integration.spec.ts',
      'apps/api/src/reports/reports.repository.ts',
      'apps/api/src/reports/reports.routes.ts',
      'apps/api/src/reports/reports.schema.spec.ts',
      'apps/api/src/reports/reports.schema.ts',
      'apps/api/src/reports/reports.service.ts',
    ]);
    expect(routeTable(tree).slice(-1)).toEqual([{ method: 'GET', path: '/reports/{day}/summary' }]);
    expect(servedBy(read(tree, 'apps/api/src/reports/reports.routes.ts'))).toEqual([{ method: 'GET', path: '/reports/{day}/summary' }]);
    expect(read(tree, 'apps/api/src/reports/reports.schema.ts')).toContain('export const ReportsParams = v.object({ day: PathParameter });');
    expect(read(tree, 'apps/api/src/reports/reports.repository.ts')).not.toMatch(/FROM reports/);
    expect(read(tree, 'apps/api/src/handler.ts')).toContain('...reportsRoutes(getDb)');
    expect(syntaxErrors(tree, created(tree))).toEqual([]);
  });

  it('defaults to GET /<name>', async () => {
    const tree = seededTree();

    await endpointGenerator(tree, { name: 'stats', crud: false });

    expect(routeTable(tree).slice(-1)).toEqual([{ method: 'GET', path: '/stats' }]);
    expect(created(tree).some((f) => f.endsWith('.sql'))).toBe(false);
  });

  it('with table: true, creates its table and a POST that stores the body there (201)', async () => {
    const tree = seededTree();

    await endpointGenerator(tree, { name: 'signups', crud: false, method: 'POST', table: true });

    expect(read(tree, 'apps/api/migrations/0002_create_signups.sql')).toContain('CREATE TABLE signups (');
    expect(read(tree, 'apps/api/src/signups/signups.repository.ts')).toContain("'INSERT INTO signups (name, created_at) VALUES (?, ?)'");
    expect(read(tree, 'apps/api/src/signups/signups.routes.ts')).toContain('return json(201, await service.createSignups(await getDb(), body));');
    expect(read(tree, 'apps/api/src/signups/signups.routes.ts')).toContain('middy(handler).use(jsonBody())');
    expect(syntaxErrors(tree, created(tree))).toEqual([]);
  });

  it('with table: false, writes no migration even for a body route', async () => {
    const tree = seededTree();

    await endpointGenerator(tree, { name: 'tags', crud: false, method: 'PUT', path: '/tags/{tag}', table: false });

    expect(created(tree).filter((f) => f.endsWith('.sql'))).toEqual([]);
    expect(read(tree, 'apps/api/src/tags/tags.repository.ts')).toContain('export async function databaseTime(db: Queryable)');
  });
});

describe('endpoint generator: refusals change nothing', () => {
  const cases: Array<[string, EndpointGeneratorSchema, RegExp, ((tree: Tree) => void)?]> = [
    ['an upper-case name', { name: 'Orders' }, /name must be lower kebab-case/],
    ['a snake_case name', { name: 'order_lines' }, /name must be lower kebab-case/],
    ['a name starting with a digit', { name: '1orders' }, /name must be lower kebab-case/],
    ['a double dash', { name: 'order--lines' }, /name must be lower kebab-case/],
    ['an empty name', { name: '' }, /name must be lower kebab-case/],
    ['a name too long for a table', { name: `a${'b'.repeat(40)}` }, /at most 40 characters/],
    ['a bad singular', { name: 'people', singular: 'Person' }, /singular must be lower kebab-case/],
    ['an existing route segment', { name: 'items' }, /the path segment \/items is already served/],
    ['the health route', { name: 'health', crud: false }, /the path segment \/health is already served/],
    ['a reserved folder', { name: 'http' }, /"http" is reserved/],
    ['a reserved word as the singular', { name: 'classes' }, /a variable named class/],
    ['a name the generated code uses', { name: 'services' }, /a variable named service/],
    ['an imported type name', { name: 'routes' }, /a type named Route/],
    ['an existing folder', { name: 'widgets' }, /apps\/api\/src\/widgets already exists/, (t) => t.write('apps/api/src/widgets/widget.ts', 'export {};\n')],
    [
      'a table an existing migration creates',
      { name: 'orders' },
      /the table orders is already created by apps\/api\/migrations\/0002_legacy\.sql/,
      (t) => t.write('apps/api/migrations/0002_legacy.sql', 'CREATE TABLE IF NOT EXISTS `orders` (id INT);\n'),
    ],
    ['CRUD without a table', { name: 'orders', table: false }, /a CRUD endpoint needs its own table/],
    ['CRUD with a path', { name: 'orders', path: '/orders/x' }, /method and path are for a single route/],
    ['a path outside the resource', { name: 'reports', crud: false, path: '/items/daily' }, /path must start with \/reports/],
    ['a greedy path', { name: 'reports', crud: false, path: '/reports/{proxy+}' }, /invalid segment "\{proxy\+\}"/],
    ['a repeated parameter', { name: 'reports', crud: false, path: '/reports/{day}/{day}' }, /uses the parameter \{day\} twice/],
    ['a parameter clashing with the answer', { name: 'tags', crud: false, method: 'POST', path: '/tags/{name}' }, /\{name\} would clash/],
    ['an unknown method', { name: 'reports', crud: false, method: 'HEAD' as 'GET' }, /method must be one of GET, POST, PUT, PATCH, DELETE/],
    ['a DELETE with its own table', { name: 'sessions', crud: false, method: 'DELETE', table: true }, /nothing to delete by/],
    ['a missing helper module', { name: 'orders' }, /apps\/api\/src\/http\/cursor\.ts does not exist/, (t) => t.delete('apps/api/src/http/cursor.ts')],
    [
      'a handler without its route list',
      { name: 'orders' },
      /expected one `const routes: Route\[\] = \[\.\.\.\]`/,
      (t) => t.write('apps/api/src/handler.ts', read(t, 'apps/api/src/handler.ts').replace('const routes: Route[]', 'const list: Route[]')),
    ],
    [
      'a handler already using the routes function name',
      { name: 'orders' },
      /already uses the name orderRoutes/,
      (t) => t.write('apps/api/src/handler.ts', `${read(t, 'apps/api/src/handler.ts')}\nexport const orderRoutes = 1;\n`),
    ],
  ];

  it.each(cases.map(([what, options, message, prepare]) => ({ what, options, message, prepare })))('refuses $what', async ({ options, message, prepare }) => {
    const tree = seededTree();
    prepare?.(tree);
    const state = snapshot(tree);

    const result = endpointGenerator(tree, options);

    await expect(result).rejects.toThrow(EndpointOptionsError);
    await expect(result).rejects.toThrow(message);
    await expect(result).rejects.toThrow(/^Cannot generate the endpoint "[^"]*"; nothing was written:\n {2}- /);
    expect(snapshot(tree)).toEqual(state);
  });

  it('lists every problem at once', async () => {
    const tree = seededTree();

    const result = endpointGenerator(tree, { name: 'items', table: false, path: '/items/x' });

    await expect(result).rejects.toThrow(/method and path are for a single route[^]*needs its own table[^]*\/items is already served/);
  });

  it('lets a single route without a table through when only the CRUD helper is missing', async () => {
    const tree = seededTree();
    tree.delete('apps/api/src/http/cursor.ts');

    await expect(endpointGenerator(tree, { name: 'stats', crud: false })).resolves.toEqual(expect.any(Function));
  });
});
