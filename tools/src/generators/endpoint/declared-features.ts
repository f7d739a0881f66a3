import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
import * as ts from 'typescript';
import type { FeatureList } from './feature-registration';

/** A route some feature declares. */
export interface DeclaredRoute {
  method: string;
  path: string;
  /** The file that declares it. */
  file: string;
}

/** What the features of `features.ts` declare, read from their source without running it. */
export interface DeclaredFeatures {
  routes: DeclaredRoute[];
  /** The `name` of each feature object found. */
  names: string[];
  /** Elements of the `features` array whose routes could not be read (not an imported name, or no such module). */
  unread: string[];
}

/** The text of a string literal or a template without substitutions. */
function literalText(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** Each object literal's `name: value` properties whose values are literals. */
function literalProperties(object: ts.ObjectLiteralExpression): Map<string, string> {
  const found = new Map<string, string>();
  for (const property of object.properties) {
    if (!ts.isPropertyAssignment(property) || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) continue;
    const value = literalText(property.initializer);
    if (value !== undefined) found.set(property.name.text, value);
  }
  return found;
}

/** The module file an import specifier of `features.ts` names, if the tree has it. */
function moduleFile(tree: Tree, featuresFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = posix.join(posix.dirname(featuresFile), specifier);
  return [`${base}.ts`, `${base}/index.ts`].find((candidate) => tree.exists(candidate));
}

/**
 * The routes (method and path) and feature names that the features listed in
 * `features.ts` declare, read from the syntax of their modules: every object
 * literal with literal `method` and `path` is a route, every one with a literal
 * `name` and a `routes` property a feature. Enough to tell whether a new route
 * or feature name is taken, without running the api.
 *
 * @example
 * declaredFeatures(tree, 'apps/api/src/features.ts', readFeatureList(source, 'apps/api/src/features.ts')).routes;
 * // [{ method: 'GET', path: '/', file: 'apps/api/src/now/now.routes.ts' }, ...]
 */
export function declaredFeatures(tree: Tree, featuresFile: string, list: FeatureList): DeclaredFeatures {
  const declared: DeclaredFeatures = { routes: [], names: [], unread: [] };
  const files = new Set<string>();
  for (const element of list.array.elements) {
    const specifier = ts.isIdentifier(element) ? list.importedFrom.get(element.text) : undefined;
    const file = specifier === undefined ? undefined : moduleFile(tree, featuresFile, specifier);
    if (file) files.add(file);
    else declared.unread.push(element.getText(list.file));
  }
  for (const file of files) {
    const source = ts.createSourceFile(file, tree.read(file, 'utf-8') ?? '', ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (node: ts.Node) => {
      if (ts.isObjectLiteralExpression(node)) {
        const properties = literalProperties(node);
        const method = properties.get('method');
        const path = properties.get('path');
        if (method !== undefined && path !== undefined) declared.routes.push({ method, path, file });
        const name = properties.get('name');
        const hasRoutes = node.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'routes');
        if (name !== undefined && hasRoutes) declared.names.push(name);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return declared;
}
