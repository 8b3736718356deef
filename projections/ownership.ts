import type { ClassId, HolderId, IssuerId, Rational, StoredEvent } from '../events/index.js';
import { fromBigint, percentOf } from '../events/index.js';
import { evolveIssuer, initialIssuerState, type IssuerState, outstandingOf, sharesOf } from '../src/domain/issuerState.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { compareText, formatPercent } from './format.js';
import { displayName, groupMembers, holderRegistry, type HolderRegistry } from './registry.js';
import { type PointInTime, selectTimeline } from './timeline.js';

export type ClassStakeJson = { class: ClassId; shares: string; outstanding: string; percentOfClass: string | null };

/** docs/cli.md `stake`; `holders` only in the group view. */
export type StakeJson = {
  issuer: IssuerId;
  holder: HolderId;
  asOf: string;
  knownAt: string;
  shares: string;
  percentOfTotal: string | null;
  votingPercent: string | null;
  classes: ClassStakeJson[];
  holders?: HolderId[];
};

export type CapTableHolderJson = {
  holder: HolderId;
  name: string;
  shares: string;
  percentOfTotal: string | null;
  votingPercent: string | null;
  classes: Record<string, string>;
};

/** docs/cli.md `cap-table`. */
export type CapTableJson = {
  issuer: IssuerId;
  asOf: string;
  knownAt: string;
  totalShares: string;
  classes: Array<{ class: ClassId; votesPerShare: number; outstanding: string }>;
  holders: CapTableHolderJson[];
};

/** The issuer's state at the end of a selected timeline: the domain's own evolve, in one loop. */
export const replayIssuer = (issuer: IssuerId, timeline: ReadonlyArray<PlacedEvent>): IssuerState => {
  const state = initialIssuerState(issuer);
  for (let i = 0; i < timeline.length; i++) evolveIssuer(state, timeline[i]!);
  return state;
};

/** Outstanding shares of all classes, and the votes they carry. */
const totalsOf = (s: IssuerState): { shares: bigint; votes: bigint } => {
  let shares = 0n;
  let votes = 0n;
  for (const [cls, { votesPerShare }] of s.classes) {
    const outstanding = outstandingOf(s, cls);
    shares += outstanding;
    votes += outstanding * BigInt(votesPerShare);
  }
  return { shares, votes };
};

/** What the holders in `members` hold together: per class, in all, and the votes it carries. */
const holdingOf = (s: IssuerState, members: ReadonlyArray<HolderId>) => {
  const byClass = new Map<ClassId, bigint>();
  let shares = 0n;
  let votes = 0n;
  for (const [cls, { votesPerShare }] of s.classes) {
    let held = 0n;
    for (const h of members) held += sharesOf(s, cls, h);
    byClass.set(cls, held);
    shares += held;
    votes += held * BigInt(votesPerShare);
  }
  return { byClass, shares, votes };
};

const pct = (part: bigint, whole: bigint): Rational | null => percentOf(fromBigint(part), fromBigint(whole));

/** Exact percentages of one holder (or group), before rounding: what the output rounds. */
export const percentagesOf = (s: IssuerState, members: ReadonlyArray<HolderId>) => {
  const totals = totalsOf(s);
  const held = holdingOf(s, members);
  return {
    held,
    percentOfTotal: pct(held.shares, totals.shares),
    votingPercent: pct(held.votes, totals.votes),
    percentOfClass: (cls: ClassId): Rational | null => pct(held.byClass.get(cls) ?? 0n, outstandingOf(s, cls)),
  };
};

/** docs/queries.md#stake stake of `holder`, or of the group `members` (holder first or not: they are summed). */
export const stakeFromState = (s: IssuerState, at: PointInTime, holder: HolderId, members?: ReadonlyArray<HolderId>): StakeJson => {
  const counted = members ?? [holder];
  const p = percentagesOf(s, counted);
  const stake: StakeJson = {
    issuer: s.issuer,
    holder,
    asOf: at.asOf,
    knownAt: at.knownAt,
    shares: p.held.shares.toString(),
    percentOfTotal: formatPercent(p.percentOfTotal),
    votingPercent: formatPercent(p.votingPercent),
    classes: [...s.classes.keys()].map((cls) => ({
      class: cls,
      shares: (p.held.byClass.get(cls) ?? 0n).toString(),
      outstanding: outstandingOf(s, cls).toString(),
      percentOfClass: formatPercent(p.percentOfClass(cls)),
    })),
  };
  if (members) stake.holders = [...members];
  return stake;
};

/** docs/queries.md#stake cap table: every holder with shares, largest first, then by holder id. */
export const capTableFromState = (s: IssuerState, at: PointInTime, registry: HolderRegistry): CapTableJson => {
  const totals = totalsOf(s);
  const holders = new Set<HolderId>();
  for (const byHolder of s.holdings.values()) for (const h of byHolder.keys()) holders.add(h);
  const rows = [...holders].map((holder) => {
    const held = holdingOf(s, [holder]);
    return { holder, held };
  });
  rows.sort((a, b) => (a.held.shares > b.held.shares ? -1 : a.held.shares < b.held.shares ? 1 : compareText(a.holder, b.holder)));
  return {
    issuer: s.issuer,
    asOf: at.asOf,
    knownAt: at.knownAt,
    totalShares: totals.shares.toString(),
    classes: [...s.classes].map(([cls, { votesPerShare }]) => ({
      class: cls,
      votesPerShare,
      outstanding: outstandingOf(s, cls).toString(),
    })),
    holders: rows.map(({ holder, held }) => ({
      holder,
      name: displayName(registry, holder),
      shares: held.shares.toString(),
      percentOfTotal: formatPercent(pct(held.shares, totals.shares)),
      votingPercent: formatPercent(pct(held.votes, totals.votes)),
      classes: Object.fromEntries([...held.byClass].map(([cls, n]) => [cls, n.toString()])),
    })),
  };
};

/** The streams a stake or cap table reads, as stored (revision order). */
export type OwnershipStreams = Readonly<{ issuerEvents: ReadonlyArray<StoredEvent>; holderEvents: ReadonlyArray<StoredEvent> }>;

export type StakeRequest = Readonly<{ issuer: IssuerId; holder: HolderId; group?: boolean }>;

/** Stake of a holder (or its group) at a point in time, from the stored streams. Pure. */
export const projectStake = (streams: OwnershipStreams, request: StakeRequest, at: PointInTime): StakeJson => {
  const state = replayIssuer(request.issuer, selectTimeline(streams.issuerEvents, at));
  if (!request.group) return stakeFromState(state, at, request.holder);
  const registry = holderRegistry(selectTimeline(streams.holderEvents, at));
  return stakeFromState(state, at, request.holder, groupMembers(registry, request.holder));
};

/** The cap table of an issuer at a point in time, from the stored streams. Pure. */
export const projectCapTable = (streams: OwnershipStreams, issuer: IssuerId, at: PointInTime): CapTableJson => {
  const state = replayIssuer(issuer, selectTimeline(streams.issuerEvents, at));
  return capTableFromState(state, at, holderRegistry(selectTimeline(streams.holderEvents, at)));
};
