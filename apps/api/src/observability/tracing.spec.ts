import { loadInstrument } from './tracing';

let mockLoads = 0;
jest.mock('./xray-instrument', () => {
  mockLoads++;
  return jest.requireActual('./xray-instrument');
});

const logger = { error: jest.fn() };

describe('loadInstrument', () => {
  it('with tracing off gives no hook and loads no tracer', async () => {
    await expect(loadInstrument('off', logger)).resolves.toBeUndefined();

    expect(mockLoads).toBe(0);
  });

  it('with tracing on loads the X-Ray hook', async () => {
    const instrument = await loadInstrument('on', logger);

    expect(mockLoads).toBe(1);
    expect(instrument).toEqual(expect.any(Function));
    await expect(instrument?.('select', async () => 'rows')).resolves.toBe('rows');
    expect(logger.error).not.toHaveBeenCalled();
  });
});
