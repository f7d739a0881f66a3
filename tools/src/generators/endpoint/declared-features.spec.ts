import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { declaredFeatures } from './declared-features';
import { readFeatureList } from './feature-registration';

const FEATURES = 'apps/api/src/features.ts';

function treeWith(files: Record<string, string>): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const [path, text] of Object.entries(files)) tree.write(path, text);
  return tree;
}
const declared = (tree: Tree) => declaredFeatures(tree, FEATURES, readFeatureList(tree.read(FEATURES, 'utf-8') ?? '', FEATURES));

describe('declaredFeatures', () => {
  it("reads each listed feature's name and routes from its module's syntax, inline or declared apart", () => {
    const tree = treeWith({
      [FEATURES]: "import { aFeature } from './a/a.routes';\nimport { bFeature } from './b';\nexport const features = [aFeature, bFeature];\n",
      'apps/api/src/a/a.routes.ts': "export const aFeature = { name: 'a', routes: [{ method: 'GET', path: '/a', handler }] };\n",
      'apps/api/src/b/index.ts': "const del = { method: 'DELETE', path: `/b/{id}`, handler };\nexport const bFeature = { name: \"b\", routes: [del] };\n",
    });

    expect(declared(tree)).toEqual({
      routes: [
        { method: 'GET', path: '/a', file: 'apps/api/src/a/a.routes.ts' },
        { method: 'DELETE', path: '/b/{id}', file: 'apps/api/src/b/index.ts' },
      ],
      names: ['a', 'b'],
      unread: [],
    });
  });

  it('lists the elements it cannot read: not an imported name, a package, a missing module', () => {
    const tree = treeWith({
      [FEATURES]:
        "import { gone } from './gone';\nimport { external } from 'some-package';\nimport { aFeature } from './a/a.routes';\nexport const features = [...more, gone, external, aFeature, { name: 'x', routes: [] }];\n",
      'apps/api/src/a/a.routes.ts': "export const aFeature = { name: 'a', routes: [] };\n",
    });

    expect(declared(tree)).toEqual({ routes: [], names: ['a'], unread: ['...more', 'gone', 'external', "{ name: 'x', routes: [] }"] });
  });
});
