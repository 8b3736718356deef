import type Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditReport } from '../../src/auditReport.js';
import type { AuditJson } from '../../src/integrity/auditDocument.js';
import { openSqliteStore } from '../../src/store/sqliteStore.js';
import { copyOf, fixtureFile, tamper } from '../integrity/fixtureLedger.js';

/**
 * The audit builds its figures from the derived rows while its streams are verified, and again
 * from the envelopes of any stream that does not verify (src/auditReport.ts). So a ledger whose
 * derived rows alone were damaged reports the problems and the figures its envelopes give: those
 * of the undamaged ledger.
 */

const NOW = new Date('2024-01-01T00:00:00.000Z');
let pristine: string;

beforeAll(async () => {
  pristine = await fixtureFile();
});

const auditOf = async (file: string): Promise<AuditJson> => {
  const store = openSqliteStore(file);
  try {
    return await auditReport(store, { issuer: 'acme', now: NOW });
  } finally {
    await store.close();
  }
};

const DERIVED_DAMAGE: Record<string, (db: Database.Database) => void> = {
  'a timeline row edited': (db) =>
    db.prepare("UPDATE timeline SET body = replace(body, '100000', '100001') WHERE stream = 'issuer-acme' AND revision = 5").run(),
  'a timeline row deleted': (db) => db.prepare("DELETE FROM timeline WHERE stream = 'issuer-acme' AND revision = 6").run(),
  'a timeline row that does not decode': (db) =>
    db.prepare("UPDATE timeline SET body = 'x' WHERE stream = 'issuer-acme' AND revision = 4").run(),
  'a retraction row deleted': (db) => db.prepare("DELETE FROM retractions WHERE stream = 'issuer-acme'").run(),
  'a holders row edited': (db) =>
    db.prepare("UPDATE timeline SET body = replace(body, 'Temasek', 'Mallory') WHERE stream = 'holders'").run(),
  'an fx row deleted': (db) => db.prepare("DELETE FROM timeline WHERE stream = 'fx'").run(),
};

describe('the audit of a ledger whose derived rows were damaged', () => {
  for (const [name, damage] of Object.entries(DERIVED_DAMAGE))
    it(`${name}: the problems, and the figures of its envelopes`, async () => {
      const expected = await auditOf(pristine);
      const file = copyOf(pristine);
      tamper(file, damage);
      const { verification, ...figures } = await auditOf(file);
      expect(verification.ok).toBe(false);
      expect(verification.problems.length).toBeGreaterThan(0);
      const { verification: _pristine, ...pristineFigures } = expected;
      expect(figures).toEqual(pristineFigures);
    });
});

/** The audit with the store's records read from each envelope's fields alone, and with every envelope decoded (as before the store offered them). */
const bothWays = async (file: string): Promise<Array<{ report: AuditJson } | { problem: unknown }>> => {
  const outcomes = [];
  for (const byRecords of [true, false]) {
    const store = openSqliteStore(file);
    try {
      const asked = byRecords ? store : { ...store, iterateRecords: undefined };
      outcomes.push({ report: await auditReport(asked, { issuer: 'acme', now: NOW }) });
    } catch (e) {
      outcomes.push({ problem: (e as { problem?: unknown }).problem ?? e });
    } finally {
      await store.close();
    }
  }
  return outcomes;
};

const ENVELOPE_DAMAGE: Record<string, (db: Database.Database) => void> = {
  "an event's shares edited": (db) =>
    db
      .prepare("UPDATE events SET envelope = json_set(envelope, '$.data.shares', '100001') WHERE stream = 'issuer-acme' AND revision = 5")
      .run(),
  "an event's data that no longer decodes": (db) =>
    db
      .prepare("UPDATE events SET envelope = json_set(envelope, '$.data.shares', '-5') WHERE stream = 'issuer-acme' AND revision = 5")
      .run(),
  'an actor edited': (db) =>
    db.prepare("UPDATE events SET envelope = json_set(envelope, '$.actor', 'mallory') WHERE stream = 'issuer-acme' AND revision = 5").run(),
  'an actor given twice, the first one forged': (db) =>
    db
      .prepare(`UPDATE events SET envelope = '{"actor":"mallory",' || substr(envelope, 2) WHERE stream = 'issuer-acme' AND revision = 5`)
      .run(),
  'an actor given twice, the last one forged': (db) =>
    db
      .prepare(
        `UPDATE events SET envelope = substr(envelope, 1, length(envelope) - 1) || ',"actor":"mallory"}' WHERE stream = 'issuer-acme' AND revision = 5`,
      )
      .run(),
  'a source given as null': (db) =>
    db
      .prepare("UPDATE events SET envelope = json_set(envelope, '$.source', json('null')) WHERE stream = 'issuer-acme' AND revision = 5")
      .run(),
  'a note given as an object': (db) =>
    db
      .prepare(
        "UPDATE events SET envelope = json_set(envelope, '$.note', json('{\"text\":\"x\"}')) WHERE stream = 'issuer-acme' AND revision = 5",
      )
      .run(),
  'an actor that no longer decodes': (db) =>
    db.prepare("UPDATE events SET envelope = json_set(envelope, '$.actor', 7) WHERE stream = 'issuer-acme' AND revision = 5").run(),
  'an envelope that is not JSON': (db) =>
    db.prepare("UPDATE events SET envelope = substr(envelope, 2) WHERE stream = 'issuer-acme' AND revision = 4").run(),
};

describe('the audit of a ledger whose envelopes were damaged', () => {
  for (const [name, damage] of Object.entries(ENVELOPE_DAMAGE))
    it(`${name}: the same outcome whether the records are read from the envelopes' fields or decoded from every envelope`, async () => {
      const file = copyOf(pristine);
      tamper(file, damage);
      const [byRecords, decoded] = await bothWays(file);
      expect(byRecords).toEqual(decoded);
      if ('report' in byRecords! && !name.includes('first one forged')) expect(byRecords.report.verification.ok).toBe(false);
    });
});
