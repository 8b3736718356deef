import { type Located, str, strings } from './ocfObjects.js';

/** Stock transactions that consume a security and name what remains or results. */
export const CONSUMING = new Set([
  'TX_STOCK_TRANSFER',
  'TX_STOCK_REPURCHASE',
  'TX_STOCK_CANCELLATION',
  'TX_STOCK_CONVERSION',
  'TX_STOCK_REISSUANCE',
  'TX_STOCK_RETRACTION',
  'TX_STOCK_ACCEPTANCE',
]);

/** The securities a transaction brings into being: an issuance its own, others their resulting and balance securities. */
export const producedBy = (tx: Located): string[] => {
  const o = tx.obj;
  const own = o.object_type.endsWith('_ISSUANCE') ? [str(o, 'security_id')] : [];
  return [...own, ...strings(o, 'resulting_security_ids'), str(o, 'balance_security_id')].filter((s): s is string => s !== undefined);
};

/**
 * Transactions by date, and within a date so that a security exists before it is consumed (and a
 * split's reissuances follow the split): a stable topological order, file order breaking ties.
 * A cycle (a package that contradicts itself) keeps the file order of what remains.
 */
export const orderTransactions = (txs: ReadonlyArray<Located>): Located[] => {
  const byDate = new Map<string, Located[]>();
  for (const tx of txs) {
    const date = tx.obj.date ?? '';
    const group = byDate.get(date);
    if (group) group.push(tx);
    else byDate.set(date, [tx]);
  }
  return [...byDate.keys()].sort().flatMap((date) => orderDay(byDate.get(date)!));
};

const orderDay = (day: ReadonlyArray<Located>): Located[] => {
  const producer = new Map<string, number>();
  const txIndex = new Map<string, number>();
  day.forEach((tx, i) => {
    txIndex.set(tx.obj.id, i);
    for (const s of producedBy(tx)) if (!(producer.has(s) && tx.obj.object_type.endsWith('_ISSUANCE'))) producer.set(s, i);
  });
  const after = day.map(() => new Set<number>());
  day.forEach((tx, i) => {
    const needs: Array<number | undefined> = [];
    const consumed = str(tx.obj, 'security_id');
    if (consumed !== undefined && !tx.obj.object_type.endsWith('_ISSUANCE')) needs.push(producer.get(consumed));
    const split = str(tx.obj, 'split_transaction_id');
    if (split !== undefined) needs.push(txIndex.get(split));
    for (const n of needs) if (n !== undefined && n !== i) after[n]!.add(i);
  });
  const waiting = day.map(() => 0);
  for (const next of after) for (const j of next) waiting[j]!++;
  const ready = day.map((_, i) => i).filter((i) => waiting[i] === 0);
  const done = new Set<number>();
  const out: Located[] = [];
  while (out.length < day.length) {
    if (ready.length === 0) {
      const first = day.findIndex((_, i) => !done.has(i));
      ready.push(first);
      waiting[first] = 0;
    }
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    if (done.has(i)) continue;
    done.add(i);
    out.push(day[i]!);
    for (const j of after[i]!) if (!done.has(j) && --waiting[j]! === 0) ready.push(j);
  }
  return out;
};
