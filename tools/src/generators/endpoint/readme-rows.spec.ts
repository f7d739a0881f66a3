import { README_ROUTES_END, README_ROUTES_START, readmeRouteRow } from '@serverless-app/api';
import { checkReadmeRows, ReadmeRowsError, withReadmeRows } from './readme-rows';

const order = { method: 'GET', path: '/orders/{id}', auth: 'none', summary: 'read an order' } as const;
const secret = { method: 'DELETE', path: '/orders/{id}', auth: 'iam', summary: 'delete an order' } as const;
const readme = (table: string) => `# app\n\n${README_ROUTES_START}\n${table}\n${README_ROUTES_END}\n\nAfter.\n`;
const HEADER = '| route | auth | what it does |\n|---|---|---|';

describe('withReadmeRows', () => {
  it("appends the api's own rows to the table, after the existing ones, and changes nothing else", () => {
    const before = readme(`${HEADER}\n| \`GET /\` | public | now |`);

    expect(withReadmeRows(before, [order, secret], 'README.md')).toBe(
      readme(`${HEADER}\n| \`GET /\` | public | now |\n| \`GET /orders/{id}\` | public | read an order |\n| \`DELETE /orders/{id}\` | IAM (SigV4) | delete an order |`),
    );
    expect(withReadmeRows(before, [order], 'README.md')).toContain(`${readmeRouteRow(order)}\n${README_ROUTES_END}`);
  });

  it('starts the table (with its header) when the section is empty', () => {
    expect(withReadmeRows(readme(''), [order], 'README.md')).toBe(readme(`${HEADER}\n${readmeRouteRow(order)}`));
  });

  it('refuses a README without the markers, naming them and the command that writes them', () => {
    expect(() => withReadmeRows('# app\n', [order], 'README.md')).toThrow(ReadmeRowsError);
    expect(() => checkReadmeRows(`${README_ROUTES_END}\n${README_ROUTES_START}\n`, 'README.md')).toThrow(
      'README.md needs its generated route table between <!-- routes:start --> and <!-- routes:end --> (npx nx run api:readme-routes writes it)',
    );
  });
});
