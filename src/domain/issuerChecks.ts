import type { ClassId, EventEnvelope, HolderId } from '../../events/index.js';
import { PUBLIC, toRational } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import { cloneIssuerState, evolveIssuer, type IssuerState, scaleShares, sharesOf } from './issuerState.js';

/** "BlockSale 2023-07-06": how a rejection names the event it is about. */
export const eventLabel = (e: EventEnvelope): string => `${e.type} ${e.date}`;

const classMissing = (s: IssuerState, e: EventEnvelope, cls: ClassId, field: string): Problem | undefined =>
  s.classes.has(cls)
    ? undefined
    : problem(
        'UnknownClass',
        `${eventLabel(e)}: ${s.issuer} has no class ${cls} on ${e.date} (classes: ${[...s.classes.keys()].join(', ') || 'none'})`,
        {
          issuer: s.issuer,
          class: cls,
          field,
        },
      );

/** The rejection of SPEC §5's example: `BlockSale 2023-07-06: taobao-holding holds 0 class B shares of sensetime (needs 557000000)`. */
export const insufficientShares = (
  issuer: string,
  e: EventEnvelope,
  cls: ClassId,
  holder: HolderId,
  held: bigint,
  needed: bigint,
): Problem =>
  problem('InsufficientShares', `${eventLabel(e)}: ${holder} holds ${held} class ${cls} shares of ${issuer} (needs ${needed})`, {
    issuer,
    holder,
    class: cls,
    held: held.toString(),
    needed: needed.toString(),
    date: e.date,
    eventId: e.id,
  });

const holds = (s: IssuerState, e: EventEnvelope, cls: ClassId, holder: HolderId, needed: bigint): Problem | undefined => {
  const held = sharesOf(s, cls, holder);
  return held >= needed ? undefined : insufficientShares(s.issuer, e, cls, holder, held, needed);
};

const notToSelf = (e: EventEnvelope, from: HolderId, to: HolderId): Problem | undefined =>
  from === to ? problem('SelfTransfer', `${eventLabel(e)}: ${from} cannot sell or transfer shares to itself`, { holder: from }) : undefined;

const wholeAfter = (
  s: IssuerState,
  e: EventEnvelope,
  cls: ClassId,
  num: bigint,
  den: bigint,
  holders: Iterable<[HolderId, bigint]>,
): Problem | undefined => {
  for (const [holder, shares] of holders) {
    if (scaleShares(shares, num, den) === undefined)
      return problem(
        'FractionalShares',
        `${eventLabel(e)}: ${holder}'s ${shares} class ${cls} shares × ${num}/${den} is not a whole number of shares`,
        { holder, class: cls, shares: shares.toString(), numerator: num.toString(), denominator: den.toString() },
      );
  }
  return undefined;
};

const first = (...checks: Array<() => Problem | undefined>): Problem | undefined => {
  for (const check of checks) {
    const p = check();
    if (p) return p;
  }
  return undefined;
};

const checkIpo = (s: IssuerState, e: Extract<EventEnvelope, { type: 'IPOCompleted' }>): Problem | undefined => {
  const d = e.data;
  const problemOfClass = first(
    () => classMissing(s, e, d.class, 'data.class'),
    ...(d.conversions ?? []).flatMap((c, i) => [
      () => classMissing(s, e, c.fromClass, `data.conversions[${i}].fromClass`),
      () => classMissing(s, e, c.toClass, `data.conversions[${i}].toClass`),
      () =>
        c.fromClass === c.toClass
          ? problem('SameClass', `${eventLabel(e)}: conversion ${i + 1} converts class ${c.fromClass} into itself`)
          : undefined,
    ]),
  );
  if (problemOfClass) return problemOfClass;
  // The steps apply in order (conversions, new shares, secondary sales): check them on a trial copy.
  const trial = cloneIssuerState(s);
  for (const c of d.conversions ?? []) {
    const r = toRational(c.ratio);
    const p = wholeAfter(trial, e, c.fromClass, r.num, r.den, trial.holdings.get(c.fromClass) ?? []);
    if (p) return p;
    evolveIssuer(trial, { ...e, data: { ...d, newShares: 0n, secondarySales: [], conversions: [c] } });
  }
  if (d.newShares > 0n) evolveIssuer(trial, { ...e, data: { ...d, conversions: [], secondarySales: [] } });
  for (const sale of d.secondarySales ?? []) {
    const p = notToSelf(e, sale.seller, PUBLIC) ?? holds(trial, e, d.class, sale.seller, sale.shares);
    if (p) return p;
    evolveIssuer(trial, { ...e, data: { ...d, conversions: [], newShares: 0n, secondarySales: [sale] } });
  }
  return undefined;
};

/**
 * Whether an event may happen at this point of its issuer's timeline (SPEC §5). Pure: it reads
 * the state and does not change it.
 */
export const checkIssuerEvent = (s: IssuerState, e: EventEnvelope): Problem | undefined => {
  if (e.type === 'IssuerRegistered') {
    return s.registration
      ? problem('IssuerAlreadyRegistered', `${eventLabel(e)}: ${s.issuer} is already registered (on ${s.registration.date})`, {
          issuer: s.issuer,
        })
      : undefined;
  }
  if (!s.registration)
    return problem('UnknownIssuer', `${eventLabel(e)}: issuer ${s.issuer} is not registered (its first event must be IssuerRegistered)`, {
      issuer: s.issuer,
    });
  if (e.date < s.registration.date)
    return problem('BeforeRegistration', `${eventLabel(e)}: dated before ${s.issuer} was registered (${s.registration.date})`, {
      issuer: s.issuer,
      date: e.date,
      registeredOn: s.registration.date,
    });
  switch (e.type) {
    case 'ShareClassAdded':
      return s.classes.has(e.data.class)
        ? problem('ClassAlreadyExists', `${eventLabel(e)}: ${s.issuer} already has class ${e.data.class}`, { class: e.data.class })
        : undefined;
    case 'SharesIssued':
      return classMissing(s, e, e.data.class, 'data.class');
    case 'FundingRoundClosed':
      return classMissing(s, e, e.data.class, 'data.class');
    case 'IPOCompleted':
      return checkIpo(s, e);
    // `??` checks in order and stops at the first problem, like `first`, without a closure per check.
    case 'BlockSale':
      return (
        classMissing(s, e, e.data.class, 'data.class') ??
        notToSelf(e, e.data.seller, e.data.buyer ?? PUBLIC) ??
        holds(s, e, e.data.class, e.data.seller, e.data.shares)
      );
    case 'SharesTransferred':
      return (
        classMissing(s, e, e.data.class, 'data.class') ??
        notToSelf(e, e.data.from, e.data.to) ??
        holds(s, e, e.data.class, e.data.from, e.data.shares)
      );
    case 'SharesRepurchased':
      return classMissing(s, e, e.data.class, 'data.class') ?? holds(s, e, e.data.class, e.data.holder ?? PUBLIC, e.data.shares);
    case 'StockSplit': {
      const { numerator: num, denominator: den } = e.data;
      if (e.data.class) {
        const missing = classMissing(s, e, e.data.class, 'data.class');
        if (missing) return missing;
      }
      for (const cls of e.data.class ? [e.data.class] : [...s.classes.keys()]) {
        const p = wholeAfter(s, e, cls, num, den, s.holdings.get(cls) ?? []);
        if (p) return p;
      }
      return undefined;
    }
    case 'SharesConverted': {
      const r = toRational(e.data.ratio ?? ('1' as never));
      return first(
        () => classMissing(s, e, e.data.fromClass, 'data.fromClass'),
        () => classMissing(s, e, e.data.toClass, 'data.toClass'),
        () =>
          e.data.fromClass === e.data.toClass
            ? problem('SameClass', `${eventLabel(e)}: fromClass and toClass are both ${e.data.fromClass}`)
            : undefined,
        () => holds(s, e, e.data.fromClass, e.data.holder, e.data.shares),
        () => wholeAfter(s, e, e.data.fromClass, r.num, r.den, [[e.data.holder, e.data.shares]]),
      );
    }
    case 'StakeDisclosed':
      return e.data.class ? classMissing(s, e, e.data.class, 'data.class') : undefined;
    case 'EventRetracted':
      return undefined;
    case 'HolderRegistered':
    case 'FxRateRecorded':
      return problem('InvalidInput', `${e.type} does not belong to an issuer's stream`);
    default: {
      const _exhaustive: never = e;
      return _exhaustive;
    }
  }
};
