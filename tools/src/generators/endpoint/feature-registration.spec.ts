import { addFeature, FeatureRegistrationError, readFeatureList } from './feature-registration';

const orders = { exportName: 'ordersFeature', modulePath: './orders/orders.routes' };
const IMPORTS = "import type { Feature } from './http/route';\nimport { itemsFeature } from './items/items.routes';\n";
const featuresFile = (list: string, imports = IMPORTS) => `${imports}\n/** The features. */\nexport const features: readonly Feature[] = ${list};\n`;

describe('addFeature', () => {
  it('appends to a one-line array on the same line, and imports in module-path order', () => {
    // './orders/…' sorts after './now/…' and before './payments/…'.
    const source = featuresFile('[itemsFeature]', "import { healthFeature } from './health/health.routes';\n" + IMPORTS + "import { nowFeature } from './now/now.routes';\nimport { paymentsFeature } from './payments/payments.routes';\n");

    expect(addFeature(source, orders)).toBe(
      [
        "import { healthFeature } from './health/health.routes';",
        "import type { Feature } from './http/route';",
        "import { itemsFeature } from './items/items.routes';",
        "import { nowFeature } from './now/now.routes';",
        "import { ordersFeature } from './orders/orders.routes';",
        "import { paymentsFeature } from './payments/payments.routes';",
        '',
        '/** The features. */',
        'export const features: readonly Feature[] = [itemsFeature, ordersFeature];',
        '',
      ].join('\n'),
    );
  });

  it('keeps a one-element-per-line array and its trailing comma', () => {
    const source = featuresFile('[\n  nowFeature,\n  itemsFeature,\n]');

    expect(addFeature(source, orders)).toContain('[\n  nowFeature,\n  itemsFeature,\n  ordersFeature,\n];');
  });

  it('adds no trailing comma to an array that has none', () => {
    expect(addFeature(featuresFile('[\n  itemsFeature\n]'), orders)).toContain('[\n  itemsFeature,\n  ordersFeature\n];');
    expect(addFeature(featuresFile('[itemsFeature,]'), orders)).toContain('[itemsFeature, ordersFeature,];');
  });

  it('fills an empty array', () => {
    expect(addFeature(featuresFile('[]'), orders)).toContain('= [ordersFeature];');
    expect(addFeature(featuresFile('[\n]'), orders)).toContain('= [\n  ordersFeature,\n];');
  });

  it('reads the array through `as const` and `satisfies`', () => {
    expect(addFeature(featuresFile('[itemsFeature] as const'), orders)).toContain('[itemsFeature, ordersFeature] as const;');
    expect(addFeature(featuresFile('[itemsFeature] satisfies Feature[]'), orders)).toContain('[itemsFeature, ordersFeature] satisfies Feature[];');
  });

  it('appends the import after the last one when every relative import sorts before it', () => {
    const source = featuresFile('[itemsFeature]', "import { itemsFeature } from './items/items.routes';\n");

    expect(addFeature(source, orders).startsWith("import { itemsFeature } from './items/items.routes';\nimport { ordersFeature } from './orders/orders.routes';\n\n")).toBe(true);
  });

  it('changes nothing else: comments, blank lines and other statements stay byte for byte', () => {
    const source = `// header\n${featuresFile('[itemsFeature]')}\n// trailing comment\nexport const other = [1, 2];\n`;

    const result = addFeature(source, orders);
    const removed = result.replace("import { ordersFeature } from './orders/orders.routes';\n", '').replace(', ordersFeature]', ']');

    expect(removed).toBe(source);
  });

  it.each([
    ['no features array', featuresFile('[itemsFeature]').replace('const features', 'const list'), /expected one top-level `export const features = \[\.\.\.\]`.*found 0/],
    ['two of them', `${featuresFile('[itemsFeature]')}let features = [];\n`, /found 2/],
    ['features that is not an array literal', featuresFile('[itemsFeature]').replace('= [itemsFeature]', '= list()'), /found one that is not an array literal/],
    ['the export name in use', featuresFile('[itemsFeature]', `${IMPORTS}import { ordersFeature } from './elsewhere';\n`), /already uses the name ordersFeature/],
    ['the module imported already', featuresFile('[itemsFeature]', `${IMPORTS}import { legacy } from './orders/orders.routes';\n`), /already imports \.\/orders\/orders\.routes/],
  ])('refuses %s', (_what, source, message) => {
    expect(() => addFeature(source, orders, 'apps/api/src/features.ts')).toThrow(FeatureRegistrationError);
    expect(() => addFeature(source, orders, 'apps/api/src/features.ts')).toThrow(message);
  });

  it('does not count a nested `features` (in a function) as the list', () => {
    const source = `${featuresFile('[itemsFeature]')}export function f() {\n  const features = [1];\n  return features;\n}\n`;

    expect(addFeature(source, orders)).toContain('= [itemsFeature, ordersFeature];');
  });
});

describe('readFeatureList', () => {
  it('maps each imported name to its module', () => {
    const { importedFrom, array } = readFeatureList(featuresFile('[itemsFeature]'), 'features.ts');

    expect(Object.fromEntries(importedFrom)).toEqual({ Feature: './http/route', itemsFeature: './items/items.routes' });
    expect(array.elements).toHaveLength(1);
  });
});
