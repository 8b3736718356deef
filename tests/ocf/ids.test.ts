import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classIds, eventIdFromOcf, holderIds, issuerIdOf, kebabOf } from '../../src/ocf/ids.js';

const sha8 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 8);

describe('OCF ids', () => {
  it('kebab case: a hyphen before a capital after a lower-case letter or digit, lower-cased, other runs one hyphen, trimmed', () => {
    expect(kebabOf('fionaFounder')).toBe('fiona-founder');
    expect(kebabOf('janeCTO')).toBe('jane-cto');
    expect(kebabOf('round2Lead')).toBe('round2-lead');
    expect(kebabOf('  Seed__Fund (LLC) ')).toBe('seed-fund-llc');
    expect(kebabOf('d3373e0a-4dd9-430f-8a56-3281f2800ede')).toBe('d3373e0a-4dd9-430f-8a56-3281f2800ede');
    expect(kebabOf('___')).toBe('');
  });

  it('falls back to the first 55 characters, a hyphen and 8 hex digits of SHA-256 when empty, too long or taken', () => {
    const holders = holderIds();
    expect(holders.idOf('fionaFounder')).toBe('fiona-founder');
    expect(holders.idOf('fiona_founder')).toBe(`fiona-founder-${sha8('fiona_founder')}`);
    expect(holders.idOf('fionaFounder')).toBe('fiona-founder');
    expect(holders.idOf('___')).toBe(`x-${sha8('___')}`);
    const long = 'a'.repeat(70);
    expect(holders.idOf(long)).toBe(`${'a'.repeat(55)}-${sha8(long)}`);
  });

  it('classes keep a valid class id, else the same scheme within 32 characters; the issuer takes the holder scheme', () => {
    const classes = classIds();
    expect(classes.idOf('COMMON')).toBe('COMMON');
    expect(classes.idOf('Series_A_Pref')).toBe('series-a-pref');
    const long = 'SeriesAPreferredConvertibleParticipating';
    expect(classes.idOf(long)).toBe(`${kebabOf(long).slice(0, 23).replace(/-+$/, '')}-${sha8(long)}`);
    expect(issuerIdOf('acmeHoldingLimited')).toBe('acme-holding-limited');
  });

  it('event ids are name-based UUIDs of the issuer, the OCF id and the part', () => {
    const id = eventIdFromOcf('acme', 'tx-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdFromOcf('acme', 'tx-1')).toBe(id);
    expect(eventIdFromOcf('acme', 'tx-1', 1)).not.toBe(id);
    expect(eventIdFromOcf('other', 'tx-1')).not.toBe(id);
  });
});
