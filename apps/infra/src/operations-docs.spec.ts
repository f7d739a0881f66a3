import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES } from './stages';
import { stageTemplate, workspaceRoot } from './test-app.test-util';
import { resourcesOf } from './template.test-util';

const OPERATIONS_DOC = join(workspaceRoot, 'docs/operations.md');

/** The `### Name` headings of the doc's `## Alarms` section: the alarms and rules it documents. */
function documentedAlarms(markdown: string): string[] {
  const section = /^## Alarms\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1];
  if (section === undefined) throw new Error('docs/operations.md has no "## Alarms" section followed by another section');
  return [...section.matchAll(/^### (\S+)\s*$/gm)].map((m) => m[1] as string);
}

describe('docs/operations.md', () => {
  const markdown = readFileSync(OPERATIONS_DOC, 'utf8');

  it.each([['dev'], ['prod']] as const)('documents every alarm and rule of the %s template under its stable name, and nothing else', (stageName) => {
    const template = stageTemplate(stageName);
    const prefix = `${STAGES[stageName].resourcePrefix}-`;
    const named = (type: string, key: string) => resourcesOf(template, type).map(([, r]) => String(r.Properties?.[key]).replace(prefix, ''));
    const inTemplate = [...named('AWS::CloudWatch::Alarm', 'AlarmName'), ...named('AWS::Events::Rule', 'Name')];

    expect(inTemplate.length).toBeGreaterThanOrEqual(15);
    expect([...documentedAlarms(markdown)].sort()).toEqual([...inTemplate].sort());
  });

  it('says for each alarm what it means, how to confirm it and what to do', () => {
    const sections = markdown.split(/^### /m).slice(1);

    for (const name of documentedAlarms(markdown)) {
      const section = sections.find((s) => s.startsWith(`${name}\n`)) ?? '';
      expect([name, /\*\*Means\*\*/.test(section), /\*\*Confirm\*\*/.test(section), /\*\*Do\*\*/.test(section)]).toEqual([name, true, true, true]);
    }
  });

  it('shows how to find a request\'s logs by correlation id and how to rotate a secret by hand', () => {
    expect(markdown).toMatch(/filter correlation_id = "/);
    expect(markdown).toMatch(/aws secretsmanager rotate-secret --secret-id/);
  });
});

describe('documentedAlarms', () => {
  it('reads the headings of the Alarms section only, so a missing or extra one shows', () => {
    const markdown = '## Where\n### NotAnAlarm\n## Alarms\n### One\ntext\n### Two\n## Rotating\n### AlsoNot\n';

    expect(documentedAlarms(markdown)).toEqual(['One', 'Two']);
    expect(() => documentedAlarms('## Other\n### One\n')).toThrow(/no "## Alarms" section/);
  });
});
