import type { HolderId, IsoDate } from '../events/index.js';
import { PUBLIC } from '../events/index.js';
import type { PlacedEvent } from '../src/domain/timeline.js';
import { compareText } from './format.js';

export type HolderEntry = Readonly<{ name: string; controlledBy: HolderId | undefined }>;

/** The holder registry at one point: display name and controller of every registered holder. */
export type HolderRegistry = ReadonlyMap<HolderId, HolderEntry>;

/**
 * Folds the `holders` timeline (already selected for asOf/knownAt): a later HolderRegistered for
 * the same holder replaces its name and controlledBy (docs/events.md).
 */
export const holderRegistry = (holdersTimeline: Iterable<PlacedEvent>): HolderRegistry => holderRegistries(holdersTimeline, undefined).end;

/**
 * The registry at the end of the timeline and, in the same pass, as it stood after the events
 * dated up to `split` (the audit's start and end): the rows are read once, not kept.
 */
export const holderRegistries = (
  holdersTimeline: Iterable<PlacedEvent>,
  split: IsoDate | undefined,
): { atSplit: HolderRegistry; end: HolderRegistry } => {
  const registry = new Map<HolderId, HolderEntry>();
  let atSplit: Map<HolderId, HolderEntry> | undefined;
  for (const e of holdersTimeline) {
    if (atSplit === undefined && split !== undefined && e.date > split) atSplit = new Map(registry);
    if (e.type === 'HolderRegistered') registry.set(e.data.holder, { name: e.data.name, controlledBy: e.data.controlledBy });
  }
  return { atSplit: atSplit ?? registry, end: registry };
};

const PUBLIC_NAME = 'Public (free float)';

export const displayName = (registry: HolderRegistry, holder: HolderId): string =>
  registry.get(holder)?.name ?? (holder === PUBLIC ? PUBLIC_NAME : holder);

/**
 * The group of `head` (docs/queries.md#stake): `head` and every holder whose controlledBy chain reaches it,
 * sorted. Cycles are rejected on append; the visited set only keeps a corrupt registry from
 * looping forever.
 */
export const groupMembers = (registry: HolderRegistry, head: HolderId): HolderId[] => {
  const reaches = new Map<HolderId, boolean>([[head, true]]);
  const resolve = (start: HolderId): boolean => {
    const path: HolderId[] = [];
    let at: HolderId | undefined = start;
    let answer = false;
    while (at !== undefined) {
      const known = reaches.get(at);
      if (known !== undefined) {
        answer = known;
        break;
      }
      if (path.includes(at)) break;
      path.push(at);
      at = registry.get(at)?.controlledBy;
    }
    for (const h of path) reaches.set(h, answer);
    return answer;
  };
  const members = [head];
  for (const holder of registry.keys()) if (holder !== head && resolve(holder)) members.push(holder);
  return members.sort(compareText);
};

/**
 * Group membership that changes over time (proceeds count a disposal for the group when its
 * seller belonged to the group on the disposal's date): one member set per registry date.
 */
export type GroupHistory = Readonly<{ head: HolderId; periods: ReadonlyArray<{ from: IsoDate; members: ReadonlySet<HolderId> }> }>;

export const groupHistory = (holdersTimeline: Iterable<PlacedEvent>, head: HolderId): GroupHistory => {
  const periods: Array<{ from: IsoDate; members: ReadonlySet<HolderId> }> = [];
  const registry = new Map<HolderId, HolderEntry>();
  // A date's members are known once its last event is folded: when the next date begins, or at the end.
  let date: IsoDate | undefined;
  for (const e of holdersTimeline) {
    if (date !== undefined && e.date !== date) periods.push({ from: date, members: new Set(groupMembers(registry, head)) });
    date = e.date;
    if (e.type === 'HolderRegistered') registry.set(e.data.holder, { name: e.data.name, controlledBy: e.data.controlledBy });
  }
  if (date !== undefined) periods.push({ from: date, members: new Set(groupMembers(registry, head)) });
  return { head, periods };
};

export const isMemberOn = (group: GroupHistory, holder: HolderId, date: IsoDate): boolean => {
  if (holder === group.head) return true;
  let lo = 0;
  let hi = group.periods.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (group.periods[mid]!.from <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && group.periods[lo - 1]!.members.has(holder);
};

/** Everyone who belonged to the group at some point, sorted. */
export const everMembers = (group: GroupHistory): HolderId[] => {
  const all = new Set<HolderId>([group.head]);
  for (const p of group.periods) for (const h of p.members) all.add(h);
  return [...all].sort(compareText);
};

/**
 * Every holder's display name as a function of the date, from a `holders` timeline selected for
 * one knowledge time (all dates): what a warm process asks thousands of times per cap table,
 * answered by binary search instead of a fold of the registry per question.
 */
export class HolderNamesAsOf {
  private readonly names = new Map<HolderId, { dates: IsoDate[]; names: string[] }>();

  constructor(holdersTimeline: Iterable<PlacedEvent>) {
    for (const e of holdersTimeline) {
      if (e.type !== 'HolderRegistered') continue;
      let steps = this.names.get(e.data.holder);
      if (!steps) this.names.set(e.data.holder, (steps = { dates: [], names: [] }));
      const last = steps.dates.length - 1;
      if (last >= 0 && steps.dates[last] === e.date) steps.names[last] = e.data.name;
      else {
        steps.dates.push(e.date);
        steps.names.push(e.data.name);
      }
    }
  }

  /** `displayName` of the registry as of the end of `date`. */
  nameOn(holder: HolderId, date: IsoDate): string {
    const steps = this.names.get(holder);
    if (steps) {
      let lo = 0;
      let hi = steps.dates.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (steps.dates[mid]! <= date) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) return steps.names[lo - 1]!;
    }
    return holder === PUBLIC ? PUBLIC_NAME : holder;
  }
}
