import { generateFiles, type GeneratorCallback, logger, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { addFeature } from './feature-registration';
import { API, type EndpointOptions, normalizeOptions } from './options';
import { withReadmeRows } from './readme-rows';
import { type Method, tsString } from './route-plan';
import type { EndpointGeneratorSchema } from './schema';

/** The service function of a single route, by method. */
const VERBS: Record<Method, string> = { GET: 'get', POST: 'create', PUT: 'put', PATCH: 'update', DELETE: 'delete' };

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
    kitImports: o.idempotent ? ['IDEMPOTENCY_HEADER', 'idempotencyKeyOf', 'validate'] : ['validate'],
    schemaImports: [...(o.params.length > 0 ? [`${pascal}Params`] : []), o.hasBody ? `${pascal}Body` : `${pascal}Query`].sort(),
    inputTypes: inputs.map((i) => `v.InferOutput<typeof ${pascal}${i === 'params' ? 'Params' : 'Body'}>`),
    resultBase: inputs.length > 0 ? `${pascal}Input & ` : '',
    inputSpread: inputs.length > 0 ? '...input, ' : '',
    requestFields: [...o.params, ...(o.hasBody ? ['name'] : [])].map((field) => `input.${field}`),
    serviceArguments: inputExpression ? `await db(), ${inputExpression}` : 'await db()',
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
    handler: o.routes[0]?.handler,
  };
}

/**
 * Adds a feature to apps/api in the shape of `/items`: routes module
 * (module-level handlers on `context.db()`), schema, service (throwing the
 * kit's domain errors; creates idempotent), repository, row mapping, a
 * migration for its table, unit and integration tests; registers it in
 * `features.ts` (one import, one array element, edited through the syntax
 * tree) and adds its routes to README's generated route table. Everything is
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
  const { names, folder, feature, migration, routes } = options;
  const common = {
    ...names,
    crud: options.crud,
    method: options.method,
    path: options.path,
    params: options.params,
    hasBody: options.hasBody,
    idempotent: options.idempotent,
    table: options.table ? names.table : '',
    featureExport: feature.exportName,
    routes: routes.map((route) => ({ ...route, summaryLiteral: tsString(route.summary) })),
  };

  generateFiles(tree, join(__dirname, options.crud ? 'files/crud' : 'files/single'), folder, options.crud ? common : { ...common, ...singleRouteSubstitutions(options) });
  if (migration) {
    const tableComment = names.words.charAt(0).toUpperCase() + names.words.slice(1);
    generateFiles(tree, join(__dirname, 'files/migration'), API.migrations, { ...common, table: names.table, migrationName: migration.name, tableComment });
  }
  tree.write(API.features, addFeature(tree.read(API.features, 'utf-8') ?? '', feature, API.features));
  tree.write(API.readme, withReadmeRows(tree.read(API.readme, 'utf-8') ?? '', routes, API.readme));

  return () => {
    const lines = [
      `Added ${routes.map((r) => `${r.method} ${r.path}`).join(', ')}${migration ? ` and ${migration.file}` : ''}.`,
      'Next: npx nx test api (its integration tests start a throwaway database), npm start to call it locally,',
      'npx nx affected -t deploy to deploy (selects infra). See docs/extending.md.',
    ];
    if (options.unchecked.length > 0) lines.push(`Not checked for clashing routes (not read from their modules): ${options.unchecked.join(', ')}.`);
    logger.info(lines.join('\n'));
  };
}

export default endpointGenerator;
