import type { ClassId, Decimal, EventEnvelope, HolderId } from '../../events/index.js';
import { streamKindOf } from '../../events/index.js';
import { problem, type Problem } from './problem.js';
import { stepsOf } from './eventTypes/index.js';
import { cloneIssuerState, evolvingSteps, type IssuerState, ratioParts, scaleShares, sharesOf, splitClasses } from './issuerState.js';
import { IgnoreSteps, type Payment, type RegisterSteps } from './registerSteps.js';

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

/** The rejection docs/invariants.md gives as its example: `BlockSale 2023-07-06: taobao-holding holds 0 class B shares of sensetime (needs 557000000)`. */
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

/** First pass: every class the steps name exists (and a conversion goes to another class). */
class ClassChecks extends IgnoreSteps {
  problem: Problem | undefined;
  /** Index of the first step that changes holdings, and of the last whose check reads them. */
  firstChange = -1;
  lastStateCheck = -1;
  private step = 0;
  constructor(
    private readonly s: IssuerState,
    private readonly e: EventEnvelope,
  ) {
    super();
  }
  private exists(cls: ClassId, field: string): void {
    this.problem ??= classMissing(this.s, this.e, cls, field);
  }
  private changes(checksState: boolean): void {
    if (this.firstChange < 0) this.firstChange = this.step;
    if (checksState) this.lastStateCheck = this.step;
    this.step++;
  }
  override requireClass(cls: ClassId, field: string): void {
    this.exists(cls, field);
    this.step++;
  }
  override issue(cls: ClassId): void {
    this.exists(cls, 'data.class');
    this.changes(false);
  }
  override move(cls: ClassId): void {
    this.exists(cls, 'data.class');
    this.changes(true);
  }
  override cancel(cls: ClassId): void {
    this.exists(cls, 'data.class');
    this.changes(true);
  }
  override convert(_holder: HolderId, fromClass: ClassId, toClass: ClassId): void {
    this.exists(fromClass, 'data.fromClass');
    this.exists(toClass, 'data.toClass');
    if (fromClass === toClass) this.problem ??= problem('SameClass', `${eventLabel(this.e)}: fromClass and toClass are both ${fromClass}`);
    this.changes(true);
  }
  override convertClass(n: number, fromClass: ClassId, toClass: ClassId): void {
    this.exists(fromClass, `data.conversions[${n - 1}].fromClass`);
    this.exists(toClass, `data.conversions[${n - 1}].toClass`);
    if (fromClass === toClass)
      this.problem ??= problem('SameClass', `${eventLabel(this.e)}: conversion ${n} converts class ${fromClass} into itself`);
    this.changes(true);
  }
  override split(cls: ClassId | undefined): void {
    if (cls !== undefined) this.exists(cls, 'data.class');
    this.changes(true);
  }
  override register(): void {
    this.step++;
  }
  override addClass(cls: ClassId): void {
    if (this.s.classes.has(cls))
      this.problem ??= problem('ClassAlreadyExists', `${eventLabel(this.e)}: ${this.s.issuer} already has class ${cls}`, { class: cls });
    this.step++;
  }
}

/**
 * Second pass: what each step needs of the holdings it meets. With `onTrial`, each step is applied
 * to the (copied) state after its check, for events whose later steps depend on earlier ones (an
 * IPO's secondary sales come after its conversions and new shares).
 */
class HoldingChecks extends IgnoreSteps {
  problem: Problem | undefined;
  /** Applies each step to the trial copy, when there is one. */
  private readonly trial: RegisterSteps | undefined;
  constructor(
    private readonly s: IssuerState,
    private readonly e: EventEnvelope,
    onTrial: boolean,
  ) {
    super();
    this.trial = onTrial ? evolvingSteps(s) : undefined;
  }
  override issue(cls: ClassId, holder: HolderId, shares: bigint, paid: Payment): void {
    this.trial?.issue(cls, holder, shares, paid);
  }
  override move(cls: ClassId, from: HolderId, to: HolderId, shares: bigint, sale: Payment | undefined): void {
    this.problem ??= notToSelf(this.e, from, to) ?? holds(this.s, this.e, cls, from, shares);
    this.trial?.move(cls, from, to, shares, sale);
  }
  override cancel(cls: ClassId, holder: HolderId, shares: bigint, sale: Payment | undefined): void {
    this.problem ??= holds(this.s, this.e, cls, holder, shares);
    this.trial?.cancel(cls, holder, shares, sale);
  }
  override convert(holder: HolderId, fromClass: ClassId, toClass: ClassId, shares: bigint, ratio: Decimal | undefined): void {
    const [num, den] = ratioParts(ratio);
    this.problem ??= holds(this.s, this.e, fromClass, holder, shares) ?? wholeAfter(this.e, fromClass, num, den, [[holder, shares]]);
    this.trial?.convert(holder, fromClass, toClass, shares, ratio);
  }
  override convertClass(n: number, fromClass: ClassId, toClass: ClassId, ratio: Decimal): void {
    const [num, den] = ratioParts(ratio);
    this.problem ??= wholeAfter(this.e, fromClass, num, den, this.s.holdings.get(fromClass) ?? []);
    this.trial?.convertClass(n, fromClass, toClass, ratio);
  }
  override split(cls: ClassId | undefined, numerator: bigint, denominator: bigint): void {
    for (const c of splitClasses(this.s, cls)) this.problem ??= wholeAfter(this.e, c, numerator, denominator, this.s.holdings.get(c) ?? []);
    this.trial?.split(cls, numerator, denominator);
  }
}

/**
 * Whether an event may happen at this point of its issuer's timeline (docs/invariants.md). Pure:
 * it reads the state and does not change it. The rules come from the event's steps.
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
  if (streamKindOf(e.type) !== 'issuer' && streamKindOf(e.type) !== 'target')
    return problem('InvalidInput', `${e.type} does not belong to an issuer's stream`);
  const classes = new ClassChecks(s, e);
  stepsOf(e, classes);
  if (classes.problem) return classes.problem;
  if (classes.lastStateCheck < 0) return undefined;
  const trial = classes.lastStateCheck > classes.firstChange;
  const holdings = new HoldingChecks(trial ? cloneIssuerState(s) : s, e, trial);
  stepsOf(e, holdings);
  return holdings.problem;
};
