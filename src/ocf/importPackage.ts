import { mapPackage, type ImportPlan } from './importMapping.js';
import { readPackage } from './package.js';
import { validatePackage } from './schemas.js';

export type PackageImport = ImportPlan & Readonly<{ warnings: string[]; jsonl: string }>;

/**
 * Reads an OCF package (folder or .ocf.zip), validates it against the official schemas and maps
 * it to input envelopes; `jsonl` is what the ledger's import takes, so every invariant, the
 * all-or-nothing append and idempotence are those of a JSONL import. Warnings: a package of
 * another 1.x version, and one per kind of object shareledger has no event for.
 */
export const planOcfImport = async (
  location: string,
  options: { issuer?: string; warn?: (message: string) => void } = {},
): Promise<PackageImport> => {
  const pkg = await readPackage(location);
  const warnings: string[] = [];
  await validatePackage(pkg, (w) => {
    warnings.push(w);
    options.warn?.(w);
  });
  const plan = mapPackage(pkg, options.issuer === undefined ? {} : { issuer: options.issuer });
  for (const [type, n] of Object.entries(plan.skipped)) {
    const w = `skipped ${n} ${type} object${n === 1 ? '' : 's'}: shareledger has no event for ${type.startsWith('TX_') ? 'this transaction' : 'this object'}`;
    warnings.push(w);
    options.warn?.(w);
  }
  const jsonl = plan.envelopes.map((e) => JSON.stringify(e)).join('\n') + '\n';
  return { ...plan, warnings, jsonl };
};
