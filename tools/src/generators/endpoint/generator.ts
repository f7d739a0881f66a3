import { generateFiles, type GeneratorCallback, logger, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { API, CURSOR_MODULE, type EndpointOptions, type Method, normalizeOptions } from './options';
import { addRoutesToHandler, type RouteEntry, serializeRouteTable } from './register-routes';
import type { EndpointGeneratorSchema } from './schema';

const VERBS: Record<Method, string> = { GET: 'get', POST: 'create', PUT: 'put', PATCH: 'update', DELETE: 'delete' };

/** The handler each CRUD route is served by, in the generated routes module. */
function crudHandler(route: RouteEntry): string {
  const item = route.path.endsWith('/{id}');
  if (route.method === 'GET') return item ? 'get' : 'list';
  if (route.method === 'POST') return 'withBody(create)';
  if (route.method === 'PATCH') return 'withBody(update)';
  return 'remove';
}

/** What the single-route templates need besides the names. */
function singleRouteSubstitutions(o: EndpointOptions) {
  const { pascal } = o.names;
  const sampleValue = (param: string) => `${param}-1`;
  const object = (fields: string[]) => (fields.length > 0 ? `{ ${fields.join(', ')} }` : '{}');
  const paramFields = (value: (param: string, i: number) => string) => o.params.map((p, i) => `${p}: ${value(p, i)}`);
  const pathWith = (value: (param: string, i: number) => string) => {
    let i = 0;
    return o.path.replace(/\{([^}]+)\}/g, (_, p: string) => value(p, i++));
  };
  const sampleFields = [...paramFields((p) => `'${sampleValue(p)}'`), ...(o.hasBody ? ["name: 'first'"] : [])];
  const answerFields = o.table ? (o.hasBody ? ['id: expect.any(Number)', 'createdAt: expect.any(String)'] : ['count: 0']) : ['at: expect.stringMatching(/^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$/)'];
  const inputs = [...(o.params.length > 0 ? ['params'] : []), ...(o.hasBody ? ['body'] : [])];
  const inputExpression = inputs.length === 2 ? '{ ...params, ...body }' : inputs[0];
  return {
    schemaImports: [...(o.params.length > 0 ? [`${pascal}Params`] : []), o.hasBody ? `${pascal}Body` : `${pascal}Query`].sort(),
    inputTypes: inputs.map((i) => `v.InferOutput<typeof ${pascal}${i === 'params' ? 'Params' : 'Body'}>`),
    resultBase: inputs.length > 0 ? `${pascal}Input & ` : '',
    inputSpread: inputs.length > 0 ? '...input, ' : '',
    serviceArguments: inputExpression ? `await getDb(), ${inputExpression}` : 'await getDb()',
    sampleArguments: inputs.length > 0 ? `db, ${object(sampleFields)}` : 'db',
    serviceFunction: `${VERBS[o.method]}${pascal}`,
    status: o.method === 'POST' ? 201 : 200,
    sampleParams: object(paramFields((p) => `'${sampleValue(p)}'`)),
    badParams: object(paramFields((p, i) => (i === 0 ? 'value' : `'${sampleValue(p)}'`))),
    samplePath: pathWith((p) => sampleValue(p)),
    badParamPath: `\`${pathWith((p, i) => (i === 0 ? "${'x'.repeat(101)}" : sampleValue(p)))}\``,
    expectedBody: object([...sampleFields, ...answerFields]),
    answerWords: o.table ? (o.hasBody ? 'the stored row' : 'the row count') : 'the database time',
    otherMethod: o.method === 'PUT' ? 'POST' : 'PUT',
  };
}

/**
 * Adds an endpoint to apps/api in the shape of `/items`: schema, row mapping,
 * repository, service, routes, unit and integration tests, a migration for its
 * table, and the registration of its routes in `handler.ts` and `routes.json`
 * (which the infrastructure creates API Gateway resources from). Everything is
 * checked before anything is written; a clash throws and changes nothing.
 *
 * @example
 * // npx nx g @serverless-app/workspace-plugin:endpoint orders
 * await endpointGenerator(tree, { name: 'orders' });
 * // npx nx g @serverless-app/workspace-plugin:endpoint reports --crud=false --method=GET --path=/reports/{day}
 * await endpointGenerator(tree, { name: 'reports', crud: false, path: '/reports/{day}' });
 */
export async function endpointGenerator(tree: Tree, schema: EndpointGeneratorSchema): Promise<GeneratorCallback> {
  const options = normalizeOptions(tree, schema);
  const { names, folder, routesFunction, modulePath, migration } = options;
  const common = { ...names, crud: options.crud, method: options.method, path: options.path, params: options.params, hasBody: options.hasBody, routesFunction };

  if (options.crud) {
    const routes = options.routes.map((r) => ({ ...r, handler: crudHandler(r) }));
    generateFiles(tree, join(__dirname, 'files/crud'), folder, { ...common, routes, cursorModule: CURSOR_MODULE });
  } else {
    generateFiles(tree, join(__dirname, 'files/single'), folder, { ...common, table: options.table ? names.table : '', ...singleRouteSubstitutions(options) });
  }
  if (migration) {
    const tableComment = names.words.charAt(0).toUpperCase() + names.words.slice(1);
    generateFiles(tree, join(__dirname, 'files/migration'), API.migrations, { ...common, migrationName: migration.name, tableComment });
  }

  tree.write(API.handler, addRoutesToHandler(tree.read(API.handler, 'utf-8') ?? '', { importName: routesFunction, modulePath }, API.handler));
  const table = JSON.parse(tree.read(API.routes, 'utf-8') ?? '{}') as { routes: RouteEntry[] };
  tree.write(API.routes, serializeRouteTable({ ...table, routes: [...table.routes, ...options.routes.map(({ method, path }) => ({ method, path }))] }));

  return () => {
    logger.info(
      [
        `Added ${options.routes.map((r) => `${r.method} ${r.path}`).join(', ')}${migration ? ` and ${migration.file}` : ''}.`,
        'Next: npx nx test api (its integration tests start a throwaway database), npm start to call it locally,',
        'npx nx affected -t deploy to deploy (selects infra). See docs/extending.md.',
      ].join('\n'),
    );
  };
}

export default endpointGenerator;
