import { requestLine } from './request-line';

describe('requestLine', () => {
  it('writes one JSON line with the level, message, service, time, status and the two ids', () => {
    const lines: string[] = [];
    requestLine('svc', 'INFO', (line) => lines.push(line))(201, 'corr-1', 'req-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(parsed).toEqual({
      level: 'INFO',
      message: 'request served',
      service: 'svc',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      status: 201,
      function_request_id: 'req-1',
      correlation_id: 'corr-1',
    });
  });

  it('escapes ids, so a quote in one cannot break the line', () => {
    const lines: string[] = [];
    requestLine('svc', 'DEBUG', (line) => lines.push(line))(200, 'a"b\n', undefined);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ correlation_id: 'a"b\n' });
    expect(JSON.parse(lines[0] as string)).not.toHaveProperty('function_request_id');
  });

  it.each(['plain-id_1.2:3/4', 'quote"', 'back\\slash', 'tab\t', 'é', '\u{1F600}', '\ud800', '\u007f'])('writes the id %j as JSON.stringify would', (id) => {
    const lines: string[] = [];
    requestLine('svc', 'INFO', (line) => lines.push(line))(200, id, id);
    expect(lines[0]).toContain(`"correlation_id":${JSON.stringify(id)}`);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ correlation_id: id, function_request_id: id });
  });

  it.each(['WARN', 'ERROR', 'SILENT'])('writes nothing at %s', (level) => {
    const write = jest.fn();
    requestLine('svc', level, write)(500, 'corr', 'req');
    expect(write).not.toHaveBeenCalled();
  });

  it('stamps the request line with the clock it is given', () => {
    const lines: string[] = [];
    requestLine('svc', 'INFO', (line) => lines.push(line), () => Date.UTC(2026, 10, 30, 22, 31, 20, 7))(200, 'c', 'r');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ timestamp: '2026-11-30T22:31:20.007Z' });
  });
});
