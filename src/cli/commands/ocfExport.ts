import type { CliContext } from '../context.js';

/** `export --format ocf --issuer X --out DIR|FILE.ocf.zip [--country CC]`: the issuer's cap table history as an OCF package. */
export const exportOcf = async (cli: CliContext, o: { issuer?: string; out?: string; country?: string }): Promise<void> => {
  const { IssuerId, CountryCode, toIssuerStreamId, HOLDERS_STREAM } = cli.events;
  const { fail } = await import('../../domain/problem.js');
  if (o.issuer === undefined) return fail('Usage', 'export --format ocf needs --issuer', { flag: '--issuer' });
  if (o.out === undefined) return fail('Usage', 'export --format ocf needs --out DIR or --out FILE.ocf.zip', { flag: '--out' });
  if (!IssuerId.is(o.issuer))
    return fail('Usage', `--issuer: expected ${IssuerId.name}, got ${JSON.stringify(o.issuer)}`, { flag: '--issuer' });
  if (o.country !== undefined && !CountryCode.is(o.country))
    return fail('Usage', `--country: expected ${CountryCode.name}, got ${JSON.stringify(o.country)}`, {
      flag: '--country',
      value: o.country,
    });
  const issuer = o.issuer;
  const { events, holders } = await cli.withReading('exporting', async (store) => ({
    events: await store.readStream(toIssuerStreamId(issuer)),
    holders: await store.readStream(HOLDERS_STREAM),
  }));
  if (events.length === 0)
    return fail('UnknownIssuer', `unknown issuer ${issuer}: the ledger has no stream ${toIssuerStreamId(issuer)}`, { issuer });
  const registered = events[0];
  const known = registered?.type === 'IssuerRegistered' ? registered.data.country : undefined;
  if (o.country === undefined && known === undefined)
    return fail('Usage', `the ledger does not know where ${issuer} was formed: give --country CC (ISO 3166-1 alpha-2, e.g. KY)`, {
      flag: '--country',
    });
  const { mapLedgerToOcf } = await import('../../ocf/exportMapping.js');
  const { writePackage } = await import('../../ocf/writePackage.js');
  const objects = mapLedgerToOcf({ issuer, events, holders, ...(o.country !== undefined ? { country: o.country } : {}) });
  const written = await writePackage(objects, o.out, cli.now());
  const summary = {
    issuer,
    out: written.out,
    format: 'ocf',
    ocfVersion: '1.2.0',
    files: written.files,
    stakeholders: objects.stakeholders.length,
    stockClasses: objects.stockClasses.length,
    transactions: objects.transactions.length,
    comments: objects.comments,
  };
  cli.emit(
    summary,
    () =>
      `exported ${issuer} as OCF 1.2.0 to ${written.out}: ${summary.stakeholders} stakeholders, ${summary.stockClasses} stock classes, ${summary.transactions} transactions\n` +
      objects.comments.map((c) => `  ${c}`).join('\n'),
  );
};
