import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature } from './http/route';
import { json } from './http/response';
import { README_ROUTES_END, README_ROUTES_START, readmeRouteRow, readmeRouteTable, withRouteTable } from './readme-routes';

const handler = async () => json(200, null);
const fixture: Feature[] = [
  { name: 'a', routes: [{ method: 'GET', path: '/a', auth: 'none', summary: 'list `a` | pipes escaped', handler }] },
  { name: 'b', routes: [{ method: 'DELETE', path: '/b/{id}', auth: 'iam', summary: 'delete a b', handler }] },
];

describe('readmeRouteTable', () => {
  it('is one row per route, in feature order, with the auth spelled out', () => {
    expect(readmeRouteTable(fixture)).toBe(
      ['| route | auth | what it does |', '|---|---|---|', '| `GET /a` | public | list `a` \\| pipes escaped |', '| `DELETE /b/{id}` | IAM (SigV4) | delete a b |'].join('\n'),
    );
  });
});

describe('readmeRouteRow', () => {
  it('is the row the table has for the route (the endpoint generator appends rows with it)', () => {
    const [, , first] = readmeRouteTable(fixture).split('\n');

    expect(readmeRouteRow({ method: 'GET', path: '/a', auth: 'none', summary: 'list `a` | pipes escaped' })).toBe(first);
    expect(readmeRouteRow({ method: 'POST', path: '/b', auth: 'iam', summary: 'two\nlines' })).toBe('| `POST /b` | IAM (SigV4) | two lines |');
  });
});

describe('withRouteTable', () => {
  it('replaces what is between the markers, and only that', () => {
    const readme = `# x\n${README_ROUTES_START}\nold\n${README_ROUTES_END}\nafter\n`;

    expect(withRouteTable(readme, 'new')).toBe(`# x\n${README_ROUTES_START}\nnew\n${README_ROUTES_END}\nafter\n`);
    expect(withRouteTable(withRouteTable(readme, 'new'), 'new')).toBe(withRouteTable(readme, 'new'));
  });

  it('refuses a README without the markers', () => {
    expect(() => withRouteTable('# x\n', 'new')).toThrow(/needs the markers/);
    expect(() => withRouteTable(`${README_ROUTES_END}\n${README_ROUTES_START}`, 'new')).toThrow(/in that order/);
  });
});

describe("README.md's route table", () => {
  it('is the one the route table in code generates', () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const expected = withRouteTable(readme, readmeRouteTable());

    if (readme !== expected) throw new Error('README.md lists other routes than apps/api/src/features.ts declares; run `npx nx run api:readme-routes`');
  });
});
