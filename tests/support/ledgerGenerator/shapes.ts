/** The size and shape of a generated ledger. */
export type LedgerShape = Readonly<{
  name: string;
  /** Total lines of the JSONL file (every stream). */
  events: number;
  issuers: number;
  /** The holder universe; the first `groups` of them are control-group heads. */
  holders: number;
  groups: number;
  /** Share of issuer events that go to the first (hot) issuer. 1 = a single-issuer ledger. */
  hotIssuerShare: number;
  /** The calendar span the effective dates cover. */
  spanDays: number;
}>;

const THIRTY_YEARS = 30 * 365;

/**
 * The benchmark sizes (issue 7): 10k, 100k, 1M events over many issuers, and 1M in one issuer;
 * 10M (issue 13) is 1M scaled tenfold (issuers, holders, groups), so a cold issuer stays the size it
 * is at 1M and the hot one grows tenfold.
 */
const SHAPES: Readonly<Record<string, LedgerShape>> = {
  '2k': { name: '2k', events: 2_000, issuers: 8, holders: 120, groups: 8, hotIssuerShare: 0.3, spanDays: THIRTY_YEARS },
  '10k': { name: '10k', events: 10_000, issuers: 20, holders: 400, groups: 20, hotIssuerShare: 0.3, spanDays: THIRTY_YEARS },
  '100k': { name: '100k', events: 100_000, issuers: 100, holders: 3_000, groups: 100, hotIssuerShare: 0.3, spanDays: THIRTY_YEARS },
  '1m': { name: '1m', events: 1_000_000, issuers: 300, holders: 20_000, groups: 400, hotIssuerShare: 0.3, spanDays: THIRTY_YEARS },
  '10m': { name: '10m', events: 10_000_000, issuers: 3_000, holders: 200_000, groups: 4_000, hotIssuerShare: 0.3, spanDays: THIRTY_YEARS },
  '1m-single': { name: '1m-single', events: 1_000_000, issuers: 1, holders: 5_000, groups: 100, hotIssuerShare: 1, spanDays: THIRTY_YEARS },
};

export const shapeNamed = (name: string): LedgerShape => {
  const shape = SHAPES[name.toLowerCase()];
  if (!shape) throw new Error(`unknown size ${name}: one of ${Object.keys(SHAPES).join(', ')}`);
  return shape;
};
