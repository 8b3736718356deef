import { fail } from '../domain/problem.js';
import type { OcfPackage } from './package.js';

/** An OCF object as found in a package: its file, its place in `items`, the object (schema-valid). */
export type Located = Readonly<{ file: string; index: number; obj: OcfObject }>;

/** The fields the mapping reads; the schemas have checked their types. */
export type OcfObject = Readonly<{
  id: string;
  object_type: string;
  date?: string;
  [field: string]: unknown;
}>;

export type Monetary = Readonly<{ amount: string; currency: string }>;

/** Rejects a package as invalid input, naming the file, the item id and the JSON path. */
export const rejectItem = (at: Located, jsonPath: string, message: string): never =>
  fail('InvalidInput', `${at.file}, item ${JSON.stringify(at.obj.id)}, at /items/${at.index}${jsonPath}: ${message}`, {
    file: at.file,
    item: at.obj.id,
    path: `/items/${at.index}${jsonPath}`,
  });

/** Every item of every object file, in file order. */
export const itemsOf = (pkg: OcfPackage): Located[] =>
  pkg.files.flatMap((f) => ((f.json as { items: OcfObject[] }).items ?? []).map((obj, index) => ({ file: f.name, index, obj })));

export const str = (o: OcfObject, field: string): string | undefined => (typeof o[field] === 'string' ? (o[field] as string) : undefined);
export const strings = (o: OcfObject, field: string): string[] => (Array.isArray(o[field]) ? (o[field] as string[]) : []);
