import type { ClassId, EventId, HolderId, IsoDate } from '../../events/index.js';
import { addBusinessDays, type BusinessCalendar, businessDaysAfter } from './businessDays.js';
import type { Crossing } from './notices.js';
import type { Regime } from './regimes.js';

export type NoticeStatus = 'on-time' | 'late' | 'missing' | 'not-yet-due';

/** A `StakeDisclosed` as reconciliation reads it: without a class it answers for any class. */
export type Disclosure = Readonly<{ eventId: EventId; date: IsoDate; holder: HolderId; class: ClassId | undefined }>;

export type ReconciledNotice = Crossing &
  Readonly<{
    dueDate: IsoDate;
    status: NoticeStatus;
    disclosure: Disclosure | undefined;
    /** Business days after the due date up to and including the disclosure's date; 0 when on time, null without one. */
    businessDaysLate: number | null;
  }>;

/**
 * Sets each notice against the disclosures (docs/obligations.md): in date, holder, class order,
 * a notice takes the earliest disclosure not taken yet of the same holder and class (a disclosure
 * without class matches any class) dated on or after the notice's date and before the date of the
 * next notice of that holder and class. `disclosures` are those dated on or before asOf, in
 * timeline order.
 */
export const reconcileNotices = (
  regime: Regime,
  notices: ReadonlyArray<Crossing>,
  disclosures: ReadonlyArray<Disclosure>,
  asOf: IsoDate,
  calendar: BusinessCalendar,
): ReconciledNotice[] => {
  const nextDate = new Map<Crossing, IsoDate>();
  const lastOf = new Map<string, Crossing>();
  for (const n of notices) {
    const key = `${n.holder}\u0000${n.class}`;
    const previous = lastOf.get(key);
    if (previous) nextDate.set(previous, n.date);
    lastOf.set(key, n);
  }
  const taken = new Set<Disclosure>();
  return notices.map((n): ReconciledNotice => {
    const dueDate = addBusinessDays(calendar, n.date, regime.dueBusinessDays[n.role]);
    const until = nextDate.get(n);
    let match: Disclosure | undefined;
    for (const d of disclosures) {
      if (taken.has(d) || d.holder !== n.holder || (d.class !== undefined && d.class !== n.class)) continue;
      if (d.date < n.date || (until !== undefined && d.date >= until)) continue;
      if (match === undefined || d.date < match.date) match = d;
    }
    if (match) {
      taken.add(match);
      const late = match.date > dueDate;
      return {
        ...n,
        dueDate,
        status: late ? 'late' : 'on-time',
        disclosure: match,
        businessDaysLate: late ? businessDaysAfter(calendar, dueDate, match.date) : 0,
      };
    }
    return { ...n, dueDate, status: dueDate < asOf ? 'missing' : 'not-yet-due', disclosure: undefined, businessDaysLate: null };
  });
};
