import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLedgerError } from '../src/domain/problem.js';
import { openStore } from '../src/store/openStore.js';
import { DEFAULT_STORE_URL, parseStoreUrl, redactUrl } from '../src/store/storeUrl.js';

const usageErrorOf = (url: string) => {
  try {
    parseStoreUrl(url);
  } catch (e) {
    if (isLedgerError(e)) return e.problem;
    throw e;
  }
  throw new Error(`${url} was accepted`);
};

describe('parseStoreUrl', () => {
  it('reads memory:', () => {
    expect(parseStoreUrl('memory:')).toEqual({ kind: 'memory' });
  });

  it.each([
    ['sqlite:./shareledger.db', './shareledger.db'],
    ['sqlite:ledger.db', 'ledger.db'],
    ['sqlite:data/ledger.db', 'data/ledger.db'],
    ['sqlite:/var/lib/shareledger/ledger.db', '/var/lib/shareledger/ledger.db'],
    ['sqlite:///var/lib/ledger.db', '/var/lib/ledger.db'],
  ])('reads %s as the file %s', (url, path) => {
    expect(parseStoreUrl(url)).toEqual({ kind: 'sqlite', path });
  });

  it('defaults to a SQLite file in the working directory', () => {
    expect(parseStoreUrl(DEFAULT_STORE_URL)).toEqual({ kind: 'sqlite', path: './shareledger.db' });
  });

  it.each([
    'esdb://localhost:2113?tls=false',
    'esdb+discover://admin:changeit@cluster.example:2113',
    'kurrentdb://admin:changeit@node1:2113,node2:2113?tls=true',
    'kurrentdb+discover://cluster.example:2113',
  ])('passes %s through as an EventStoreDB connection string', (url) => {
    expect(parseStoreUrl(url)).toEqual({ kind: 'esdb', connectionString: url });
  });

  it.each([
    'sqlite:',
    'sqlite:  ',
    'sqlite://ledger.db',
    'postgres://localhost/ledger',
    'memory',
    'memory:x',
    'esdb://',
    './ledger.db',
    '',
  ])('rejects %j as a usage error naming the accepted forms', (url) => {
    const problem = usageErrorOf(url);
    expect(problem.kind).toBe('Usage');
    expect(problem.message).toContain(`"${url}"`);
    expect(problem.message).toContain('sqlite:PATH');
    expect(problem.message).toContain('kurrentdb://');
  });

  it('never repeats the credentials of a URL it rejects', () => {
    const problem = usageErrorOf('postgres://admin:s3cret@db.example/ledger');
    expect(problem.message).not.toContain('s3cret');
    expect(problem.message).toContain('postgres://***:***@db.example/ledger');
    expect(JSON.stringify(problem.details)).not.toContain('s3cret');
  });
});

describe('redactUrl', () => {
  it.each([
    ['esdb://admin:changeit@localhost:2113?tls=false', 'esdb://***:***@localhost:2113?tls=false'],
    ['kurrentdb+discover://ops:pa55@cluster:2113', 'kurrentdb+discover://***:***@cluster:2113'],
    ['esdb://admin:p@ss/w?rd@node1:2113,node2:2113', 'esdb://***:***@node1:2113,node2:2113'],
    ['esdb://localhost:2113?tls=false&password=hunter2', 'esdb://localhost:2113?tls=false&password=***'],
    ['esdb://localhost:2113?PWD=hunter2&tls=false', 'esdb://localhost:2113?PWD=***&tls=false'],
  ])('hides the credentials in %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it.each(['memory:', 'sqlite:./shareledger.db', 'esdb://localhost:2113?tls=false', 'esdb://reader@localhost:2113'])(
    'leaves %s, which carries no secret, unchanged',
    (url) => {
      expect(redactUrl(url)).toBe(url);
    },
  );
});

describe('openStore', () => {
  it('opens an in-memory store for memory:', async () => {
    const store = await openStore('memory:');
    expect(store.description).toBe('memory:');
    await store.close();
  });

  it('opens (and creates) the SQLite file a sqlite: URL names', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shareledger-url-'));
    try {
      const file = path.join(dir, 'ledger.db');
      const store = await openStore(`sqlite:${file}`);
      expect(store.description).toBe(`sqlite:${file}`);
      expect(await store.heads()).toEqual([]);
      await store.close();
      expect(fs.existsSync(file)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a URL of no known form before opening anything', async () => {
    await expect(openStore('mysql://localhost/ledger')).rejects.toMatchObject({ problem: { kind: 'Usage' } });
  });
});
