import { describe, expect, it } from 'vitest';
import type { DraftEvent } from '../events/index.js';
import { assignImportIds } from '../src/domain/eventIds.js';

describe('assignImportIds', () => {
  // Derived ids are stored: a re-import of the same file must find them, so these values are pinned
  // (computed by the hand-written SHA-1 version-5 code this replaced).
  const draft = {
    type: 'SharesIssued',
    issuer: 'acme',
    date: '2020-01-02',
    data: { holder: 'zoë', class: 'A', shares: 100n, pricePerShare: '1.5', currency: 'USD' },
  } as unknown as DraftEvent;

  it('derives the same version-5 ids from the content and the occurrence of each line, non-ASCII text included', () => {
    expect(assignImportIds([draft, draft, { ...draft, note: '中文' } as DraftEvent])).toEqual([
      'b6f8c418-89c9-5116-8f2e-3fecd43ce6c1',
      'b0947d6d-6a5b-53a5-ab70-0e3aa4feb4f0',
      '5e32b25a-c381-5ba4-b895-39a2b64b8530',
    ]);
  });

  it('keeps an id the line gives', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    expect(assignImportIds([{ ...draft, id } as DraftEvent])).toEqual([id]);
  });
});
