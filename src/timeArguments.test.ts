import { describe, expect, it } from 'vitest';
import { LedgerError } from './domain/problem.js';
import { parseKnownAt } from './timeArguments.js';

describe('parseKnownAt', () => {
  it('reads a date as the end of that day in UTC', () => {
    expect(parseKnownAt('2023-07-06')).toBe('2023-07-06T23:59:59.999Z');
  });

  it('normalises an ISO 8601 instant to UTC with milliseconds', () => {
    expect(parseKnownAt('2023-07-06T10:00:00+08:00')).toBe('2023-07-06T02:00:00.000Z');
    expect(parseKnownAt('2023-07-06T10:00+0800')).toBe('2023-07-06T02:00:00.000Z');
    expect(parseKnownAt('2023-07-06T10:00Z')).toBe('2023-07-06T10:00:00.000Z');
    expect(parseKnownAt('2023-07-06T10:00:00.5Z')).toBe('2023-07-06T10:00:00.500Z');
    expect(parseKnownAt('2023-07-06T10:00:00.123456Z')).toBe('2023-07-06T10:00:00.123Z');
  });

  it.each(['2023-02-30', '2023-07-06T10:00:00', '2023-07-06T24:00:00Z', 'yesterday', '2023-02-30T10:00:00Z', ''])(
    'rejects %j as invalid input naming the flag and the value',
    (value) => {
      let error: unknown;
      try {
        parseKnownAt(value, '--known-at');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LedgerError);
      expect((error as LedgerError).problem.kind).toBe('InvalidInput');
      expect((error as LedgerError).message).toContain(`--known-at`);
      expect((error as LedgerError).message).toContain(JSON.stringify(value));
    },
  );
});
