import * as ts from 'typescript';

/** The feature to register: the name its routes module exports, and that module relative to `features.ts`. */
export interface FeatureRegistration {
  /** `ordersFeature` */
  exportName: string;
  /** `./orders/orders.routes` */
  modulePath: string;
}

/** Why `features.ts` cannot take the feature; the file is left as it was. */
export class FeatureRegistrationError extends Error {
  override name = 'FeatureRegistrationError';
}

/** The parts of `features.ts` the registration reads and edits. */
export interface FeatureList {
  file: ts.SourceFile;
  /** The `[...]` of `export const features = [...]`. */
  array: ts.ArrayLiteralExpression;
  /** For each element that is an imported name: the module it comes from (`./items/items.routes`). */
  importedFrom: Map<string, string>;
}

/** `[...]`, also under `as const`, `satisfies` or parentheses. */
function arrayOf(expression: ts.Expression | undefined): ts.ArrayLiteralExpression | undefined {
  let e = expression;
  while (e && (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e))) e = e.expression;
  return e && ts.isArrayLiteralExpression(e) ? e : undefined;
}

/**
 * Parses `features.ts` and finds its one top-level `features` array. Throws
 * {@link FeatureRegistrationError} when there is none, more than one, or it is
 * not an array literal.
 *
 * @example
 * const { array, importedFrom } = readFeatureList(source, 'apps/api/src/features.ts');
 */
export function readFeatureList(source: string, where: string): FeatureList {
  const file = ts.createSourceFile(where, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const declarations = file.statements
    .filter(ts.isVariableStatement)
    .flatMap((s) => [...s.declarationList.declarations])
    .filter((d) => ts.isIdentifier(d.name) && d.name.text === 'features');
  const arrays = declarations.map((d) => arrayOf(d.initializer));
  const array = arrays[0];
  if (declarations.length !== 1 || !array) {
    const found = declarations.length === 1 ? 'one that is not an array literal' : String(declarations.length);
    throw new FeatureRegistrationError(`${where}: expected one top-level \`export const features = [...]\` to add the feature to, found ${found}`);
  }
  const importedFrom = new Map<string, string>();
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) importedFrom.set(element.name.text, statement.moduleSpecifier.text);
  }
  return { file, array, importedFrom };
}

/** Does the identifier `name` occur anywhere in the file (declared, imported or used)? */
function usesIdentifier(file: ts.SourceFile, name: string): boolean {
  const visit = (node: ts.Node): boolean => (ts.isIdentifier(node) && node.text === name) || (ts.forEachChild(node, visit) ?? false);
  return visit(file);
}

/**
 * Checks that `features.ts` can take the feature: one `features` array, the
 * export name unused, the module not imported yet. Throws
 * {@link FeatureRegistrationError} naming the problem.
 *
 * @example
 * checkFeatureRegistration(source, { exportName: 'ordersFeature', modulePath: './orders/orders.routes' }, 'apps/api/src/features.ts');
 */
export function checkFeatureRegistration(source: string, registration: FeatureRegistration, where: string): FeatureList {
  const list = readFeatureList(source, where);
  if (usesIdentifier(list.file, registration.exportName)) throw new FeatureRegistrationError(`${where} already uses the name ${registration.exportName}`);
  if ([...list.importedFrom.values()].includes(registration.modulePath)) throw new FeatureRegistrationError(`${where} already imports ${registration.modulePath}`);
  return list;
}

/** An edit: insert `text` at offset `at`. */
interface Insertion {
  at: number;
  text: string;
}

/** Appends `name` to the array, in its style: same line or one element per line, with or without a trailing comma. */
function appendElement(source: string, file: ts.SourceFile, array: ts.ArrayLiteralExpression, name: string): Insertion {
  const elements = array.elements;
  const last = elements[elements.length - 1];
  if (!last) {
    const inside = source.slice(array.getStart(file) + 1, array.getEnd() - 1);
    if (!inside.includes('\n')) return { at: array.getStart(file) + 1, text: name };
    const closing = source.lastIndexOf('\n', array.getEnd() - 1) + 1;
    const indent = /^[ \t]*/.exec(source.slice(closing))?.[0] ?? '';
    return { at: closing, text: `${indent}  ${name},\n` };
  }
  const lastStart = last.getStart(file);
  const lineStart = source.lastIndexOf('\n', lastStart) + 1;
  const sameLineAsBracket = lineStart <= array.getStart(file);
  const indent = /^[ \t]*/.exec(source.slice(lineStart, lastStart))?.[0] ?? '';
  if (elements.hasTrailingComma) {
    const comma = source.indexOf(',', last.getEnd());
    return { at: comma + 1, text: sameLineAsBracket ? ` ${name},` : `\n${indent}${name},` };
  }
  return { at: last.getEnd(), text: sameLineAsBracket ? `, ${name}` : `,\n${indent}${name}` };
}

/** `import { name } from 'module';` in module-path order among the relative imports, else after the last import. */
function addImport(source: string, file: ts.SourceFile, registration: FeatureRegistration): Insertion {
  const line = `import { ${registration.exportName} } from '${registration.modulePath}';\n`;
  const imports = file.statements.filter(ts.isImportDeclaration);
  const after = imports.find((s) => {
    const specifier = (s.moduleSpecifier as ts.StringLiteral).text;
    return specifier.startsWith('.') && specifier > registration.modulePath;
  });
  const lastImport = imports[imports.length - 1];
  if (after) return { at: after.getStart(file), text: line };
  if (lastImport) {
    const end = source.indexOf('\n', lastImport.getEnd());
    return end < 0 ? { at: source.length, text: `\n${line}` } : { at: end + 1, text: line };
  }
  return { at: 0, text: line };
}

/**
 * Registers a feature in `features.ts` through its syntax tree: one import (in
 * module-path order) and one element at the end of the `features` array, in the
 * file's own layout and trailing-comma style. Everything else is left byte for
 * byte. Throws {@link FeatureRegistrationError} (see
 * {@link checkFeatureRegistration}) before changing anything.
 *
 * @example
 * addFeature("import { itemsFeature } from './items/items.routes';\n\nexport const features = [itemsFeature];\n", { exportName: 'ordersFeature', modulePath: './orders/orders.routes' });
 * // "import { itemsFeature } from './items/items.routes';\nimport { ordersFeature } from './orders/orders.routes';\n\nexport const features = [itemsFeature, ordersFeature];\n"
 */
export function addFeature(source: string, registration: FeatureRegistration, where = 'features.ts'): string {
  const { file, array } = checkFeatureRegistration(source, registration, where);
  const edits = [appendElement(source, file, array, registration.exportName), addImport(source, file, registration)];
  return edits.sort((a, b) => b.at - a.at).reduce((text, edit) => text.slice(0, edit.at) + edit.text + text.slice(edit.at), source);
}
