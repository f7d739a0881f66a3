import type { Tree } from '@nx/devkit';
import { endpointNames, type EndpointNames, KEBAB_CASE } from './names';
import { checkHandlerSource, type RouteEntry, RouteRegistrationError } from './register-routes';
import type { EndpointGeneratorSchema } from './schema';

/** Where the api lives, relative to the workspace root. */
export const API = {
  src: 'apps/api/src',
  handler: 'apps/api/src/handler.ts',
  routes: 'apps/api/routes.json',
  migrations: 'apps/api/migrations',
} as const;

/** The page cursor the generated CRUD service shares with `/items`. */
export const CURSOR_MODULE = '../http/cursor';

/** apps/api modules the generated code imports: without them it could not compile. */
const HELPERS = ['http/http-error.ts', 'http/json-body.ts', 'http/response.ts', 'http/router.ts', 'http/validate.ts', 'testing/api.test-util.ts'];
const CRUD_HELPERS = [`${CURSOR_MODULE.slice(3)}.ts`, 'http/query.ts'];

/** A migration file name, as `@serverless-app/db`'s `loadMigrations` accepts it (checked in generator.spec.ts). */
export const MIGRATION_FILE = /^(\d{4,})[_-]([a-z0-9][a-z0-9_-]*)\.sql$/;

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];
const BODY_METHODS: readonly Method[] = ['POST', 'PUT', 'PATCH'];

const MAX_NAME_LENGTH = 40;
const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAMETER_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Folder names of apps/api/src that are not resources. */
const RESERVED_FOLDERS = ['http', 'routes', 'testing', 'migrations'];
/** Words that cannot be a variable name in the generated code. */
const JS_RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface ' +
    'package private protected public await arguments eval undefined')
    .split(' '),
);
/** Local names of the generated code that the resource's variable (its singular, camelCase) must not shadow. */
const TEMPLATE_LOCALS = new Set(
  ('service repo event input changes query id row rows page last tx db getDb json noContent validate invalidInput jsonBody middy create list get ' +
    'update remove withBody handler params body created got patched deleted res ctx seen cursor name idOf stageOf limit afterId updated ' +
    'mustFind bodyOf useApi ok v at count method')
    .split(' '),
);
/** Types the generated code imports, which the resource's type names must not take. */
const TEMPLATE_TYPES = new Set(['Route', 'RouteHandler', 'HttpEvent', 'DbClient', 'Queryable', 'Date', 'Record', 'Promise']);

/** The options, checked against the workspace and with every name derived. */
export interface EndpointOptions {
  names: EndpointNames;
  crud: boolean;
  table: boolean;
  /** Single route: its method and path; CRUD: GET and `/<name>`. */
  method: Method;
  path: string;
  /** The `{param}` names of `path`, in order. */
  params: string[];
  hasBody: boolean;
  /** The routes to add to handler.ts and routes.json, in the order the routes module returns them. */
  routes: RouteEntry[];
  /** `apps/api/src/<name>` */
  folder: string;
  /** `orderRoutes`, and the module handler.ts imports it from. */
  routesFunction: string;
  modulePath: string;
  migration?: { name: string; file: string };
}

/**
 * Why the generator refused: every problem found, before anything was written.
 */
export class EndpointOptionsError extends Error {
  override name = 'EndpointOptionsError';

  constructor(
    readonly endpoint: string,
    readonly problems: string[],
  ) {
    super(`Cannot generate the endpoint "${endpoint}"; nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function nameProblems(name: unknown, singular: unknown): string[] {
  const problems: string[] = [];
  if (typeof name !== 'string' || !KEBAB_CASE.test(name)) {
    problems.push(`name must be lower kebab-case (a letter, then letters, digits and single dashes), e.g. orders or order-lines; got ${JSON.stringify(name)}`);
  } else if (name.length > MAX_NAME_LENGTH) {
    problems.push(`name must be at most ${MAX_NAME_LENGTH} characters (it names a table); got ${name.length}`);
  }
  if (singular !== undefined && (typeof singular !== 'string' || !KEBAB_CASE.test(singular))) {
    problems.push(`singular must be lower kebab-case, e.g. status; got ${JSON.stringify(singular)}`);
  }
  return problems;
}

function identifierProblems(names: EndpointNames, crud: boolean): string[] {
  const problems: string[] = [];
  const { name, singularCamel, singularPascal, pascal } = names;
  if (RESERVED_FOLDERS.includes(name)) problems.push(`"${name}" is reserved: apps/api/src/${name} is not a resource folder`);
  // Only the CRUD code names a variable after the resource (`const order = ...`).
  if (crud && (JS_RESERVED.has(singularCamel) || TEMPLATE_LOCALS.has(singularCamel))) {
    problems.push(`"${name}" would make a variable named ${singularCamel}, which the generated code cannot use; choose another name, or pass --singular`);
  }
  for (const type of [singularPascal, pascal]) {
    if (TEMPLATE_TYPES.has(type)) problems.push(`"${name}" would make a type named ${type}, which the generated code imports; choose another name`);
  }
  return problems;
}

function readRouteTable(tree: Tree, problems: string[]): RouteEntry[] {
  const text = tree.read(API.routes, 'utf-8');
  if (text === null) {
    problems.push(`${API.routes} does not exist`);
    return [];
  }
  try {
    const routes = (JSON.parse(text) as { routes?: unknown }).routes;
    if (!Array.isArray(routes)) throw new Error('no "routes" array');
    return routes as RouteEntry[];
  } catch (error) {
    problems.push(`${API.routes} is not a route table: ${(error as Error).message}`);
    return [];
  }
}

/** The single route's path: under `/<name>`, literal and `{param}` segments, each parameter once. */
function checkPath(path: string, name: string, problems: string[]): string[] {
  const params: string[] = [];
  const segments = path.split('/').slice(1);
  if (!path.startsWith('/') || segments[0] !== name) {
    problems.push(`path must start with /${name} (the resource's own first segment), got "${path}"`);
    return params;
  }
  for (const segment of segments) {
    const param = PARAMETER_SEGMENT.exec(segment)?.[1];
    if (param) {
      if (params.includes(param)) problems.push(`path "${path}" uses the parameter {${param}} twice`);
      params.push(param);
    } else if (!LITERAL_SEGMENT.test(segment)) {
      problems.push(`path "${path}" has an invalid segment "${segment}": a literal (letters, digits, . _ ~ -) or a {name} parameter`);
    }
  }
  return params;
}

function existingMigrations(tree: Tree): Array<{ file: string; number: number; sql: string }> {
  if (!tree.exists(API.migrations)) return [];
  return tree
    .children(API.migrations)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((m): m is { file: string; match: RegExpExecArray } => m.match !== null)
    .map(({ file, match }) => ({ file, number: Number(match[1]), sql: tree.read(`${API.migrations}/${file}`, 'utf-8') ?? '' }));
}

/**
 * The next migration for the resource's table (`0002_create_orders.sql` after
 * `0001_...`), or the reason the table cannot be created.
 */
function planMigration(tree: Tree, table: string, problems: string[]): { name: string; file: string } | undefined {
  const existing = existingMigrations(tree);
  const creates = new RegExp(`\\bCREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\`?${table}\`?[\\s(;]`, 'i');
  const clash = existing.find((m) => creates.test(m.sql) || m.file.replace(MIGRATION_FILE, '$2') === `create_${table}`);
  if (clash) {
    problems.push(`the table ${table} is already created by ${API.migrations}/${clash.file}`);
    return undefined;
  }
  const next = Math.max(0, ...existing.map((m) => m.number)) + 1;
  const width = Math.max(4, ...existing.map((m) => (MIGRATION_FILE.exec(m.file)?.[1] ?? '').length));
  const name = `${String(next).padStart(width, '0')}_create_${table}`;
  return { name, file: `${API.migrations}/${name}.sql` };
}

/**
 * Checks the options against the workspace and derives everything the
 * generator writes. Throws {@link EndpointOptionsError} listing every problem;
 * reads the tree only, so a refusal changes nothing.
 *
 * @example
 * const options = normalizeOptions(tree, { name: 'orders' });
 * options.routes; // [{ method: 'GET', path: '/orders' }, { method: 'POST', path: '/orders' }, ...]
 */
export function normalizeOptions(tree: Tree, schema: EndpointGeneratorSchema): EndpointOptions {
  const early = nameProblems(schema.name, schema.singular);
  if (early.length > 0) throw new EndpointOptionsError(String(schema.name), early);

  const names = endpointNames(schema.name, schema.singular);
  const { name } = names;
  const crud = schema.crud ?? true;
  const problems = identifierProblems(names, crud);
  const table = schema.table ?? crud;
  const method = (schema.method ?? 'GET') as Method;
  const path = schema.path ?? `/${name}`;
  let params: string[] = [];
  let routes: RouteEntry[];

  if (crud) {
    if (schema.method !== undefined || schema.path !== undefined) problems.push('method and path are for a single route: pass --crud=false with them');
    if (!table) problems.push('a CRUD endpoint needs its own table: drop --table=false, or pass --crud=false for a single route without one');
    routes = [
      { method: 'GET', path: `/${name}` },
      { method: 'POST', path: `/${name}` },
      { method: 'GET', path: `/${name}/{id}` },
      { method: 'PATCH', path: `/${name}/{id}` },
      { method: 'DELETE', path: `/${name}/{id}` },
    ];
  } else {
    if (!METHODS.includes(method)) problems.push(`method must be one of ${METHODS.join(', ')}; got ${JSON.stringify(schema.method)}`);
    if (method === 'DELETE' && table) problems.push('a single DELETE route with its own table has nothing to delete by: use the CRUD endpoint (DELETE /<name>/{id}), or --table=false');
    params = checkPath(path, name, problems);
    const answers = [...(BODY_METHODS.includes(method) ? ['name'] : []), ...(table ? (BODY_METHODS.includes(method) ? ['id', 'createdAt'] : ['count']) : ['at'])];
    for (const param of params.filter((p) => answers.includes(p))) problems.push(`the path parameter {${param}} would clash with the field ${param} of the answer; rename it`);
    routes = [{ method, path }];
  }

  const declared = readRouteTable(tree, problems);
  const taken = new Set(declared.map((r) => (typeof r.path === 'string' ? r.path.split('/')[1] : undefined)).filter(Boolean));
  // Every new route starts with /<name>, so a free first segment means no route clashes.
  if (taken.has(name)) problems.push(`the path segment /${name} is already served (${API.routes}); pick another name`);

  const folder = `${API.src}/${name}`;
  if (tree.exists(folder)) problems.push(`${folder} already exists (was this endpoint generated before?)`);
  for (const helper of [...HELPERS, ...(crud ? CRUD_HELPERS : [])]) {
    if (!tree.exists(`${API.src}/${helper}`)) problems.push(`${API.src}/${helper} does not exist, and the generated code imports it`);
  }

  const routesFunction = `${crud ? names.singularCamel : names.camel}Routes`;
  const modulePath = `./${name}/${name}.routes`;
  const handler = tree.read(API.handler, 'utf-8');
  if (handler === null) problems.push(`${API.handler} does not exist`);
  else {
    try {
      checkHandlerSource(handler, { importName: routesFunction, modulePath }, API.handler);
    } catch (error) {
      if (!(error instanceof RouteRegistrationError)) throw error;
      problems.push(error.message);
    }
  }

  const migration = table ? planMigration(tree, names.table, problems) : undefined;
  if (problems.length > 0) throw new EndpointOptionsError(name, problems);
  return { names, crud, table, method, path, params, hasBody: BODY_METHODS.includes(method), routes, folder, routesFunction, modulePath, migration };
}
