import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { decodeDraft, decodeStored, type DraftEvent, type EventId, type StoredEvent } from '../../events/index.js';
import { Ledger } from '../../src/ledger.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { hashOf } from '../../src/store/hashChain.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { tempDir } from '../support/tempDir.js';

/**
 * A small two-issuer ledger with every stream kind, a retraction and a correction: enough for
 * each tamper to land on a different kind of event. Ids are fixed so tests can name events.
 */
export const ID = {
  seriesC: '00000000-0000-4000-8000-000000000006',
  ipo: '00000000-0000-4000-8000-000000000007',
  blockSale: '00000000-0000-4000-8000-000000000009',
  wrongIssue: '00000000-0000-4000-8000-000000000012',
  lateDisclosure: '00000000-0000-4000-8000-000000000013',
} as const;

const line = (o: Record<string, unknown>): string => JSON.stringify(o);

const FIXTURE_JSONL = [
  line({ type: 'HolderRegistered', date: '2015-01-01', data: { holder: 'alibaba-group', name: 'Alibaba Group' } }),
  line({
    type: 'HolderRegistered',
    date: '2015-01-01',
    data: { holder: 'taobao-holding', name: 'Taobao Holding', controlledBy: 'alibaba-group' },
  }),
  line({ type: 'HolderRegistered', date: '2015-01-01', data: { holder: 'temasek', name: 'Temasek' } }),
  line({ type: 'FxRateRecorded', date: '2018-01-01', data: { base: 'USD', quote: 'HKD', rate: '7.8' } }),
  line({
    type: 'IssuerRegistered',
    issuer: 'acme',
    date: '2018-01-01',
    data: {
      name: 'Acme Vision',
      currency: 'HKD',
      classes: [
        { class: 'A', votesPerShare: 10 },
        { class: 'B', votesPerShare: 1 },
      ],
    },
  }),
  line({
    type: 'SharesIssued',
    issuer: 'acme',
    date: '2018-01-02',
    data: { holder: 'founder', class: 'A', shares: '1000000', pricePerShare: '0', currency: 'HKD' },
  }),
  line({
    id: ID.seriesC,
    type: 'FundingRoundClosed',
    issuer: 'acme',
    date: '2018-06-01',
    source: 'Series C filing, "lead" Alibaba',
    data: {
      round: 'Series C',
      class: 'B',
      pricePerShare: '1',
      currency: 'USD',
      allocations: [
        { holder: 'taobao-holding', shares: '400000' },
        { holder: 'temasek', shares: '200000' },
      ],
    },
  }),
  line({
    id: ID.ipo,
    type: 'IPOCompleted',
    issuer: 'acme',
    date: '2021-12-30',
    source: 'HKEX prospectus',
    data: {
      exchange: 'HKEX',
      ticker: '0999',
      class: 'B',
      offerPrice: '3.85',
      currency: 'HKD',
      newShares: '300000',
      secondarySales: [{ seller: 'temasek', shares: '50000' }],
    },
  }),
  line({
    type: 'StakeDisclosed',
    issuer: 'acme',
    date: '2021-12-31',
    data: { holder: 'taobao-holding', class: 'B', percent: '42.1', filing: 'annual report' },
  }),
  line({
    id: ID.blockSale,
    type: 'BlockSale',
    issuer: 'acme',
    date: '2023-07-06',
    source: 'https://example.com/block-sale',
    data: { seller: 'taobao-holding', class: 'B', shares: '100000', pricePerShare: '1.82', currency: 'HKD', fees: '1000' },
  }),
  line({
    type: 'StakeDisclosed',
    issuer: 'acme',
    date: '2023-07-06',
    data: { holder: 'taobao-holding', class: 'B', shares: '300000', percent: '31.58' },
  }),
  line({
    type: 'IssuerRegistered',
    issuer: 'other',
    date: '2020-01-01',
    data: { name: 'Other Co', currency: 'USD', classes: [{ class: 'common', votesPerShare: 1 }] },
  }),
  line({
    id: ID.wrongIssue,
    type: 'SharesIssued',
    issuer: 'other',
    date: '2020-02-01',
    data: { holder: 'temasek', class: 'common', shares: '5000', pricePerShare: '2', currency: 'USD' },
  }),
  line({
    type: 'SharesIssued',
    issuer: 'other',
    date: '2020-03-01',
    data: { holder: 'founder', class: 'common', shares: '7000', pricePerShare: '0', currency: 'USD' },
  }),
].join('\n');

/** A clock that starts at `start` and moves one minute per reading. */
export const steppingClock = (start: string): (() => Date) => {
  let t = Date.parse(start);
  return () => new Date((t += 60_000));
};

/** Builds the fixture through the real Ledger (imports, a retraction, a correction, a late disclosure). */
export const buildFixture = async (store: EventStore): Promise<void> => {
  const ledger = new Ledger({ store, actor: 'analyst', now: steppingClock('2023-07-10T08:00:00.000Z') });
  await ledger.import(FIXTURE_JSONL);
  const auditor = new Ledger({ store, actor: 'auditor', now: steppingClock('2023-08-01T08:00:00.000Z') });
  await auditor.retract(ID.wrongIssue as EventId, 'issued to the wrong holder', { date: '2023-08-01' });
  // A correction whose retraction alone would break the later sale: verify must replay the pair as one.
  await auditor.correct(
    ID.seriesC as EventId,
    {
      data: {
        allocations: [
          { holder: 'taobao-holding', shares: '400000' },
          { holder: 'temasek', shares: '250000' },
        ],
      },
    },
    'Temasek took 250,000',
  );
  await auditor.append([
    draftOf({
      id: ID.lateDisclosure,
      type: 'StakeDisclosed',
      issuer: 'acme',
      date: '2023-07-07',
      data: { holder: 'taobao-holding', class: 'B', shares: '310000', percent: '35' },
      source: 'HKEX disclosure of interests',
    }),
  ]);
};

// ---- a real SQLite file, and raw SQL to tamper with it ----

const dir = tempDir('shareledger-integrity-');
let files = 0;
export const freshPath = (): string => path.join(dir, `ledger-${++files}.db`);

/** A closed SQLite ledger file holding the fixture. */
export const fixtureFile = async (): Promise<string> => {
  const file = freshPath();
  const store = openSqliteStore(file);
  try {
    await buildFixture(store);
  } finally {
    await store.close();
  }
  return file;
};

export const copyOf = (file: string): string => {
  const copy = freshPath();
  fs.copyFileSync(file, copy);
  return copy;
};

export type Row = { position: number; stream: string; revision: number; id: string; envelope: string };

/** Runs raw SQL against a closed ledger file: the tamperer's view of the store. */
export const tamper = <A>(file: string, change: (db: Database.Database) => A): A => {
  const db = new Database(file);
  try {
    return db.transaction(() => change(db))();
  } finally {
    db.close();
  }
};

export const rowsOf = (db: Database.Database, stream?: string): Row[] =>
  stream === undefined
    ? db.prepare<[], Row>('SELECT * FROM events ORDER BY stream, revision').all()
    : db.prepare<[string], Row>('SELECT * FROM events WHERE stream = ? ORDER BY revision').all(stream);

export const rowAt = (db: Database.Database, stream: string, revision: number): Row => {
  const row = db.prepare<[string, number], Row>('SELECT * FROM events WHERE stream = ? AND revision = ?').get(stream, revision);
  if (!row) throw new Error(`no row ${stream}@${revision}`);
  return row;
};

export const setEnvelope = (db: Database.Database, position: number, envelope: unknown): void => {
  db.prepare('UPDATE events SET envelope = ? WHERE position = ?').run(
    typeof envelope === 'string' ? envelope : JSON.stringify(envelope),
    position,
  );
};

/** Recomputes prevHash and hash of every event of a stream from `from` on: a forger covering their tracks. */
export const rehashFrom = (db: Database.Database, stream: string, from: number): void => {
  const rows = rowsOf(db, stream);
  let prev = from === 0 ? '0'.repeat(64) : (JSON.parse(rows[from - 1]!.envelope) as { hash: string }).hash;
  for (const row of rows.slice(from)) {
    const envelope = JSON.parse(row.envelope) as Record<string, unknown>;
    envelope['prevHash'] = prev;
    const hash = hashOf(decodeForHash(envelope));
    envelope['hash'] = hash;
    setEnvelope(db, row.position, envelope);
    prev = hash;
  }
};

/** hashOf encodes through the codecs: decode first, as the store would. */
const decodeForHash = (envelope: Record<string, unknown>): StoredEvent => {
  const decoded = decodeStored({ ...envelope, hash: '0'.repeat(64) });
  if (!decoded.ok) throw new Error(decoded.problems.map((p) => p.message).join('; '));
  return decoded.value;
};

export const draftOf = (input: Record<string, unknown>): DraftEvent => {
  const decoded = decodeDraft(input);
  if (!decoded.ok) throw new Error(decoded.problems.map((p) => p.message).join('; '));
  return decoded.value;
};
