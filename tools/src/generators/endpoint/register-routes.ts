import * as ts from 'typescript';

/** One route as `apps/api/routes.json` declares it. */
export interface RouteEntry {
  method: string;
  path: string;
}

/** What cannot be registered, with the reason. */
export class RouteRegistrationError extends Error {
  override name = 'RouteRegistrationError';
}

interface RouteList {
  array: ts.ArrayLiteralExpression;
  /** The name of the `() => Promise<DbClient>` the existing routes are built with (`getDb`). */
  getDb: string;
}

/** `const routes: Route[] = [...]`, the one route list of `createHandler`. */
function findRouteList(file: ts.SourceFile, where: string): RouteList {
  const lists: ts.ArrayLiteralExpression[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === 'routes' &&
      node.type?.getText(file) === 'Route[]' &&
      node.initializer &&
      ts.isArrayLiteralExpression(node.initializer)
    ) {
      lists.push(node.initializer);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (lists.length !== 1) {
    throw new RouteRegistrationError(`${where}: expected one \`const routes: Route[] = [...]\` to add the routes to, found ${lists.length}`);
  }
  const array = lists[0] as ts.ArrayLiteralExpression;
  const getDb = array.elements
    .map((element) => (ts.isSpreadElement(element) ? element.expression : element))
    .find((e): e is ts.CallExpression => ts.isCallExpression(e) && e.arguments.length === 1 && ts.isIdentifier(e.arguments[0] as ts.Expression));
  const name = getDb ? (getDb.arguments[0] as ts.Identifier).text : undefined;
  if (!name) throw new RouteRegistrationError(`${where}: no route in the route list is built as \`...someRoutes(getDb)\`; cannot tell what to pass the new routes`);
  return { array, getDb: name };
}

/** Does the identifier `name` occur anywhere in the file (declared, imported or used)? */
function usesIdentifier(file: ts.SourceFile, name: string): boolean {
  const visit = (node: ts.Node): boolean => (ts.isIdentifier(node) && node.text === name) || (ts.forEachChild(node, visit) ?? false);
  return visit(file);
}

/**
 * Checks that `handler.ts` can take the new routes: one route list, a `getDb`
 * to pass, no identifier or import already using the names. Throws
 * {@link RouteRegistrationError} naming the problem.
 *
 * @example
 * checkHandlerSource(source, { importName: 'orderRoutes', modulePath: './orders/orders.routes' }, 'apps/api/src/handler.ts');
 */
export function checkHandlerSource(source: string, registration: { importName: string; modulePath: string }, where: string): void {
  const file = ts.createSourceFile(where, source, ts.ScriptTarget.Latest, true);
  findRouteList(file, where);
  if (usesIdentifier(file, registration.importName)) throw new RouteRegistrationError(`${where} already uses the name ${registration.importName}`);
  const imported = file.statements.some(
    (s) => ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === registration.modulePath,
  );
  if (imported) throw new RouteRegistrationError(`${where} already imports ${registration.modulePath}`);
}

/**
 * Adds `import { <importName> } from '<modulePath>'` (in module-path order
 * among the relative imports) and `...<importName>(getDb)` at the end of the
 * route list, keeping the file's indentation and trailing-comma style.
 *
 * @example
 * const next = addRoutesToHandler(source, { importName: 'orderRoutes', modulePath: './orders/orders.routes' });
 */
export function addRoutesToHandler(source: string, registration: { importName: string; modulePath: string }, where = 'handler.ts'): string {
  checkHandlerSource(source, registration, where);
  const file = ts.createSourceFile(where, source, ts.ScriptTarget.Latest, true);
  const { array, getDb } = findRouteList(file, where);
  const edits: Array<{ at: number; text: string }> = [];

  const spread = `...${registration.importName}(${getDb})`;
  const elements = array.elements;
  // Not empty: findRouteList found a call in it to learn getDb from.
  const last = elements[elements.length - 1] as ts.Expression;
  const lastStart = last.getStart(file);
  const lineStart = source.lastIndexOf('\n', lastStart) + 1;
  const sameLineAsBracket = lineStart <= array.getStart(file);
  const indent = /^[ \t]*/.exec(source.slice(lineStart, lastStart))?.[0] ?? '';
  if (elements.hasTrailingComma) {
    const comma = source.indexOf(',', last.getEnd());
    edits.push({ at: comma + 1, text: sameLineAsBracket ? ` ${spread},` : `\n${indent}${spread},` });
  } else {
    edits.push({ at: last.getEnd(), text: sameLineAsBracket ? `, ${spread}` : `,\n${indent}${spread}` });
  }

  const line = `import { ${registration.importName} } from '${registration.modulePath}';\n`;
  const imports = file.statements.filter(ts.isImportDeclaration);
  const after = imports.find((s) => {
    const specifier = (s.moduleSpecifier as ts.StringLiteral).text;
    return specifier.startsWith('./') && specifier > registration.modulePath;
  });
  const lastImport = imports[imports.length - 1];
  if (after) edits.push({ at: after.getStart(file), text: line });
  else if (lastImport) edits.push({ at: source.indexOf('\n', lastImport.getEnd()) + 1, text: line });
  else edits.push({ at: 0, text: line });

  return edits.sort((a, b) => b.at - a.at).reduce((text, edit) => text.slice(0, edit.at) + edit.text + text.slice(edit.at), source);
}

/**
 * `routes.json` text in the file's own style: two-space indentation, one
 * `{ "method", "path" }` per line (JSON.stringify would spread each over four).
 *
 * @example
 * tree.write('apps/api/routes.json', serializeRouteTable({ ...table, routes: [...table.routes, { method: 'GET', path: '/orders' }] }));
 */
export function serializeRouteTable(table: Record<string, unknown>): string {
  const compact = (value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? `{ ${Object.entries(value)
          .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
          .join(', ')} }`
      : JSON.stringify(value);
  const members = Object.entries(table).map(([key, value]) =>
    key === 'routes' && Array.isArray(value)
      ? `  "routes": [\n${value.map((route) => `    ${compact(route)}`).join(',\n')}\n  ]`
      : `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}`,
  );
  return `{\n${members.join(',\n')}\n}\n`;
}
