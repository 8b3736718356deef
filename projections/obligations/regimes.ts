// rational.js directly, not the events index: the CLI lists the regimes in --help without loading the codecs.
import { type Rational, rational } from '../../events/scalars/rational.js';

/**
 * Disclosure regimes as data (docs/obligations.md): a threshold, how moves above it are measured,
 * the kinds of notice and their deadlines in business days. A new regime is one more entry in
 * REGIMES built by one of the two rule families; the projection has no regime-specific code.
 *
 * - `levels`: memoryless, like the Hong Kong SFO Part XV: the interest at the end of a day is set
 *   against the interest at the end of the day before. Entering the threshold, crossing a level
 *   (the interest divided by `levelStep`, whole part) while at or above the threshold on either
 *   side, and falling below the threshold are notices.
 * - `lastNotice`: like the US Schedule 13D: the percentage of the last notice is tracked; with
 *   none, exceeding the threshold is a notice; with one, falling to the threshold or below is a
 *   notice (and clears it), and otherwise a move of `amendmentMove` points or more from it is one.
 */
export type NoticeRole = 'enter' | 'move' | 'leave';

type RegimeBase = Readonly<{
  id: string;
  title: string;
  /** The threshold in percent of a voting class. */
  threshold: Rational;
  /** Whether an interest equal to the threshold is above it (hk: 5% or more) or not (us: more than 5%). */
  thresholdInclusive: boolean;
  /** The kind of notice each role is called by this regime. */
  kinds: Readonly<Record<NoticeRole, string>>;
  /** Deadline of each role, in business days after the date of the change. */
  dueBusinessDays: Readonly<Record<NoticeRole, number>>;
}>;

export type LevelsRegime = RegimeBase & Readonly<{ rule: 'levels'; levelStep: Rational }>;
export type LastNoticeRegime = RegimeBase & Readonly<{ rule: 'lastNotice'; amendmentMove: Rational }>;
export type Regime = LevelsRegime | LastNoticeRegime;

const pct = (n: bigint) => rational(n);

/** Hong Kong, SFO Part XV: 5% and every whole percentage level above it, 3 business days. */
const HK: LevelsRegime = {
  id: 'hk',
  title: 'Hong Kong SFO Part XV, disclosure of interests',
  rule: 'levels',
  threshold: pct(5n),
  thresholdInclusive: true,
  levelStep: pct(1n),
  kinds: { enter: 'became', move: 'crossed', leave: 'ceased' },
  dueBusinessDays: { enter: 3, move: 3, leave: 3 },
};

/** United States, Schedule 13D: more than 5%, amendments at a 1-point move, exit at 5% or less. */
const US: LastNoticeRegime = {
  id: 'us',
  title: 'United States Schedule 13D',
  rule: 'lastNotice',
  threshold: pct(5n),
  thresholdInclusive: false,
  amendmentMove: pct(1n),
  kinds: { enter: 'initial', move: 'amendment', leave: 'exit' },
  dueBusinessDays: { enter: 5, move: 2, leave: 2 },
};

/** Every regime `obligations --regime` accepts, the default first. */
export const REGIMES: ReadonlyArray<Regime> = [HK, US];

export const DEFAULT_REGIME = HK.id;

export const regimeIds = (): string[] => REGIMES.map((r) => r.id);

export const findRegime = (id: string): Regime | undefined => REGIMES.find((r) => r.id === id);
