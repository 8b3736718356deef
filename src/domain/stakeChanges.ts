import type { ClassId, HolderId } from '../../events/index.js';

/** A holding before and after an event, as dry-run and history show it. */
export type StakeChange = Readonly<{ class: ClassId; holder: HolderId; before: bigint; after: bigint }>;
