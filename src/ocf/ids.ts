import { createHash } from 'node:crypto';
import type { DraftEvent, EventId } from '../../events/index.js';
import { assignImportIds } from '../domain/eventIds.js';

/**
 * An OCF id in kebab case: a hyphen before each capital that follows a lower-case letter or a
 * digit, lower-cased, each run of other characters a single hyphen, hyphens trimmed
 * (`fionaFounder` → `fiona-founder`, `Series_A Pref` → `series-a-pref`).
 */
export const kebabOf = (ocfId: string): string =>
  ocfId
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

const sha256Prefix = (ocfId: string): string => createHash('sha256').update(ocfId, 'utf8').digest('hex').slice(0, 8);

/**
 * Gives OCF ids of one kind (stakeholders, classes) shareledger ids, each distinct: the preferred
 * form (`kebab`, or the OCF id itself when it is already valid), else when that is empty, longer
 * than `max` or taken by another OCF id, its first max-9 characters + `-` + the first 8 hex digits
 * of SHA-256 of the OCF id. See docs/ocf.md.
 */
export class IdAllocator {
  private readonly byOcf = new Map<string, string>();
  private readonly taken = new Map<string, string>();

  constructor(
    private readonly max: number,
    private readonly preferred: (ocfId: string) => string = kebabOf,
  ) {}

  /** The shareledger id of an OCF id (the same answer every time it is asked). */
  idOf(ocfId: string): string {
    const known = this.byOcf.get(ocfId);
    if (known !== undefined) return known;
    const wanted = this.preferred(ocfId);
    let id = wanted;
    if (wanted === '' || wanted.length > this.max || (this.taken.has(wanted) && this.taken.get(wanted) !== ocfId)) {
      const head = kebabOf(ocfId)
        .slice(0, this.max - 9)
        .replace(/-+$/, '');
      id = `${head === '' ? 'x' : head}-${sha256Prefix(ocfId)}`;
    }
    this.byOcf.set(ocfId, id);
    this.taken.set(id, ocfId);
    return id;
  }
}

/** A holder id (a slug of at most 64 characters). */
export const holderIds = (): IdAllocator => new IdAllocator(64);

/** A class id: the OCF id itself when it is a valid class id, else the kebab scheme within 32 characters. */
export const classIds = (): IdAllocator =>
  new IdAllocator(32, (ocfId) => (/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/.test(ocfId) ? ocfId : kebabOf(ocfId)));

/** The issuer id from the OCF issuer id, by the holder scheme (no other OCF id competes for it). */
export const issuerIdOf = (ocfId: string): string => holderIds().idOf(ocfId);

/**
 * The event id of the `part`-th event made from an OCF object of an issuer: a name-based UUID, so
 * importing the same package again appends nothing. The ledger's name-based derivation is reached
 * through assignImportIds (the one place that derives ids), fed a marker draft whose canonical
 * content is the name.
 */
export const eventIdFromOcf = (issuer: string, ocfId: string, part = 0): EventId => {
  const marker = {
    type: 'HolderRegistered',
    date: '2000-01-01',
    data: { holder: 'ocf', name: `ocf ${issuer} ${ocfId} ${part}` },
  } as unknown as DraftEvent;
  return assignImportIds([marker])[0]!;
};
