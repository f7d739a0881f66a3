import type { Tree } from '@nx/devkit';
import { type DeclaredFeatures, declaredFeatures } from './declared-features';
import { checkFeatureRegistration, type FeatureRegistration, FeatureRegistrationError, readFeatureList } from './feature-registration';
import { endpointNames, type EndpointNames, KEBAB_CASE } from './names';
import { checkReadmeRows, ReadmeRowsError } from './readme-rows';
import { type Auth, AUTHS, BODY_METHODS, crudRoutes, type Method, METHODS, type PlannedRoute, singleRoute } from './route-plan';
import type { EndpointGeneratorSchema } from './schema';

/** Where the api lives, relative to the workspace root. */
export const API = {
  src: 'apps/api/src',
  features: 'apps/api/src/features.ts',
  migrations: 'apps/api/migrations',
  readme: 'README.md',
} as const;

/** The apps/api modules the generated code imports (under `API.src`): without them it could not compile. */
export const IMPORTED_MODULES = ['http/caller.ts', 'http/headers.ts', 'http/json-body.ts', 'http/query.ts', 'http/response.ts', 'http/route.ts', 'kit/index.ts', 'testing/api.test-util.ts'];

/** A migration file name, as `@serverless-app/db`'s `loadMigrations` accepts it (checked in generator.spec.ts). */
export const MIGRATION_FILE = /^(\d{4,})[_-]([a-z0-9][a-z0-9_-]*)\.sql$/;

const MAX_NAME_LENGTH = 40;
const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAMETER_SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Folder names of apps/api/src that are not features. */
const RESERVED_FOLDERS = ['http', 'kit', 'testing', 'migrations', 'features'];
/** Words that cannot be a variable name in the generated code. */
const JS_RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
    'instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface ' +
    'package private protected public await arguments eval undefined')
    .split(' '),
);
/** Local and imported names of the generated CRUD code that the resource's variable (its singular, camelCase) must not shadow. */
const TEMPLATE_LOCALS = new Set(
  ('service repo event input key headers replayed query body id changes db tx now value description name sql set affectedRows insertId ' +
    'row rows limit afterId idOf create list get update remove json noContent jsonBody singleHeader singleValuedQuery validate ' +
    'parseId idempotencyKeyOf idempotentCreate mustFind notFound pageById updateSet text bodyOf useApi ctx count created got patched ' +
    'deleted res seen cursor page method first again unknownField tooLong notJson statements recordingDb result v')
    .split(' '),
);
/** Types and values the generated code imports, which the resource's type names must not take. */
const TEMPLATE_TYPES = new Set(['Feature', 'RouteHandler', 'HttpEvent', 'DbClient', 'Queryable', 'WriteResult', 'CreateOutcome', 'Page', 'ListQuery', 'NotFoundError', 'Date', 'Record', 'Promise', 'Array']);

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
  /** A single POST with its own table takes an `Idempotency-Key`, as CRUD creates do. */
  idempotent: boolean;
  auth: Auth;
  /** The routes of the new feature, in the order its module declares them (and README lists them). */
  routes: PlannedRoute[];
  /** `apps/api/src/<name>` */
  folder: string;
  /** `ordersFeature`, from `./orders/orders.routes`. */
  feature: FeatureRegistration;
  migration?: { name: string; file: string };
  /** Elements of `features` whose routes could not be read, so could not be checked for clashes. */
  unchecked: string[];
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
  if (RESERVED_FOLDERS.includes(name)) problems.push(`"${name}" is reserved: apps/api/src/${name} is not a feature folder`);
  // Only the CRUD code names a variable after the resource (`const { value: order } = ...`).
  if (crud && (JS_RESERVED.has(singularCamel) || TEMPLATE_LOCALS.has(singularCamel))) {
    problems.push(`"${name}" would make a variable named ${singularCamel}, which the generated code cannot use; choose another name, or pass --singular`);
  }
  for (const type of new Set([singularPascal, pascal])) {
    if (TEMPLATE_TYPES.has(type)) problems.push(`"${name}" would make a type named ${type}, which the generated code imports; choose another name`);
  }
  return problems;
}

/** The single route's path: under `/<name>`, literal and `{param}` segments, each parameter once. */
function checkPath(path: string, name: string, problems: string[]): string[] {
  const params: string[] = [];
  const segments = path.split('/').slice(1);
  if (!path.startsWith('/') || segments[0] !== name) {
    problems.push(`path must start with /${name} (the feature's own first segment), got "${path}"`);
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
 * The next migration for the feature's table (`0005_create_orders.sql` after
 * `0004_...`), or the reason the table cannot be created.
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
 * Checks that `features.ts` can take the feature and that no declared route or
 * feature takes its path segment or name; returns the elements whose routes
 * could not be read.
 */
function registrationProblems(tree: Tree, names: EndpointNames, feature: FeatureRegistration, problems: string[]): string[] {
  const source = tree.read(API.features, 'utf-8');
  if (source === null) {
    problems.push(`${API.features} does not exist`);
    return [];
  }
  const problem = (error: unknown) => {
    if (!(error instanceof FeatureRegistrationError)) throw error;
    problems.push(error.message);
  };
  let declared: DeclaredFeatures;
  try {
    declared = declaredFeatures(tree, API.features, readFeatureList(source, API.features));
  } catch (error) {
    problem(error);
    return [];
  }
  // Every new route starts with /<name>, so a free first segment means no route clashes.
  const taken = declared.routes.find((r) => r.path.split('/')[1] === names.name);
  if (taken) problems.push(`the path segment /${names.name} is already served (${taken.method} ${taken.path} in ${taken.file}); pick another name`);
  if (declared.names.includes(names.name)) problems.push(`a feature named "${names.name}" is already listed in ${API.features}`);
  try {
    checkFeatureRegistration(source, feature, API.features);
  } catch (error) {
    problem(error);
  }
  return declared.unread;
}

function readmeProblems(tree: Tree, problems: string[]): void {
  const readme = tree.read(API.readme, 'utf-8');
  if (readme === null) {
    problems.push(`${API.readme} does not exist (its route table is generated; see npx nx run api:readme-routes)`);
    return;
  }
  try {
    checkReadmeRows(readme, API.readme);
  } catch (error) {
    if (!(error instanceof ReadmeRowsError)) throw error;
    problems.push(error.message);
  }
}

/**
 * Checks the options against the workspace and derives everything the
 * generator writes. Throws {@link EndpointOptionsError} listing every problem;
 * reads the tree only, so a refusal changes nothing.
 *
 * @example
 * const options = normalizeOptions(tree, { name: 'orders' });
 * options.routes.map((r) => `${r.method} ${r.path}`); // ['GET /orders', 'POST /orders', 'GET /orders/{id}', ...]
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
  const auth = (schema.auth ?? 'iam') as Auth;
  if (!AUTHS.includes(auth)) problems.push(`auth must be one of ${AUTHS.join(', ')}; got ${JSON.stringify(schema.auth)}`);
  const hasBody = !crud && BODY_METHODS.includes(method);
  let params: string[] = [];
  let routes: PlannedRoute[];

  if (crud) {
    if (schema.method !== undefined || schema.path !== undefined) problems.push('method and path are for a single route: pass --crud=false with them');
    if (!table) problems.push('a CRUD endpoint needs its own table: drop --table=false, or pass --crud=false for a single route without one');
    routes = crudRoutes(names, auth);
  } else {
    if (!METHODS.includes(method)) problems.push(`method must be one of ${METHODS.join(', ')}; got ${JSON.stringify(schema.method)}`);
    if (method === 'DELETE' && table) problems.push('a single DELETE route with its own table has nothing to delete by: use the CRUD endpoint (DELETE /<name>/{id}), or --table=false');
    params = checkPath(path, name, problems);
    const answers = [...(hasBody ? ['name'] : []), ...(table ? (hasBody ? ['id', 'createdAt'] : ['count']) : ['at'])];
    for (const param of params.filter((p) => answers.includes(p))) problems.push(`the path parameter {${param}} would clash with the field ${param} of the answer; rename it`);
    routes = [singleRoute({ names, method, path, auth, table })];
  }

  const folder = `${API.src}/${name}`;
  if (tree.exists(folder)) problems.push(`${folder} already exists (was this endpoint generated before?)`);
  for (const module of IMPORTED_MODULES) {
    if (!tree.exists(`${API.src}/${module}`)) problems.push(`${API.src}/${module} does not exist, and the generated code imports it`);
  }
  const feature = { exportName: `${names.camel}Feature`, modulePath: `./${name}/${name}.routes` };
  const unchecked = registrationProblems(tree, names, feature, problems);
  readmeProblems(tree, problems);
  const migration = table ? planMigration(tree, names.table, problems) : undefined;

  if (problems.length > 0) throw new EndpointOptionsError(name, problems);
  const idempotent = !crud && table && method === 'POST';
  return { names, crud, table, method, path, params, hasBody, idempotent, auth, routes, folder, feature, migration, unchecked };
}
