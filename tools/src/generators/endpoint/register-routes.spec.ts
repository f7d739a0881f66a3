import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addRoutesToHandler, RouteRegistrationError, serializeRouteTable } from './register-routes';

const orders = { importName: 'orderRoutes', modulePath: './orders/orders.routes' };
const handler = (list: string, imports = "import { itemRoutes } from './items/items.routes';\n") =>
  `${imports}import type { Route } from './http/router';\n\nexport function build(getDb: () => Promise<unknown>) {\n  const routes: Route[] = ${list};\n  return routes;\n}\n`;

describe('addRoutesToHandler', () => {
  it('appends a spread to a multi-line list, keeping a trailing comma', () => {
    const source = handler('[\n    ...itemRoutes(getDb),\n  ]');

    expect(addRoutesToHandler(source, orders)).toContain('[\n    ...itemRoutes(getDb),\n    ...orderRoutes(getDb),\n  ]');
  });

  it('appends without a trailing comma when the list has none', () => {
    const source = handler('[\n    ...itemRoutes(getDb)\n  ]');

    expect(addRoutesToHandler(source, orders)).toContain('[\n    ...itemRoutes(getDb),\n    ...orderRoutes(getDb)\n  ]');
  });

  it('appends on the same line to a one-line list', () => {
    expect(addRoutesToHandler(handler('[...itemRoutes(getDb)]'), orders)).toContain('[...itemRoutes(getDb), ...orderRoutes(getDb)]');
  });

  it('passes what the existing routes are built with', () => {
    const source = handler('[\n    ...itemRoutes(database),\n  ]').replace('getDb: ()', 'database: ()');

    expect(addRoutesToHandler(source, orders)).toContain('...orderRoutes(database),');
  });

  it('puts the import in module-path order among the relative imports', () => {
    const imports = "import { itemRoutes } from './items/items.routes';\nimport { secret } from './secret';\n";

    const result = addRoutesToHandler(handler('[...itemRoutes(getDb)]', imports), orders);

    expect(result.startsWith(`import { itemRoutes } from './items/items.routes';\nimport { orderRoutes } from './orders/orders.routes';\nimport { secret } from './secret';\n`)).toBe(true);
  });

  it.each([
    ['no route list', handler('[]').replace('routes: Route[]', 'routes'), /expected one `const routes: Route\[\] = \[\.\.\.\]`.*found 0/],
    ['nothing to learn getDb from', handler('[]'), /cannot tell what to pass the new routes/],
    ['the name in use', handler('[...itemRoutes(getDb)]', "import { orderRoutes } from './elsewhere';\n"), /already uses the name orderRoutes/],
  ])('refuses %s', (_what, source, message) => {
    expect(() => addRoutesToHandler(source, orders)).toThrow(RouteRegistrationError);
    expect(() => addRoutesToHandler(source, orders)).toThrow(message);
  });
});

describe('serializeRouteTable', () => {
  it('writes apps/api/routes.json exactly as it is in the repo', () => {
    const text = readFileSync(join(__dirname, '../../../../apps/api/routes.json'), 'utf8');

    expect(serializeRouteTable(JSON.parse(text))).toBe(text);
  });
});
