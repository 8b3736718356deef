/**
 * The layers, lowest first; a module may import its own layer and the layers below it, never one
 * above (`npm run lint:deps`, part of `npm test`):
 *
 *   events/            codecs, scalars, the envelope
 *   src/domain/        state, evolve, decide, invariants, problems
 *   src/store/         the EventStore port and its adapters
 *   projections/       pure folds over events: no store, no flags, no I/O
 *   src/integrity/     verify, digest, the audit document and its renderings
 *   src/*.ts, src/ocf/ the application: ledger, queries, snapshots, copy, watch, api, OCF …
 *   src/cli/           the command line
 *
 * Test files (*.test.ts, tests/) may import any layer; nothing outside bench/ imports bench/.
 * Type-only imports count too: a type is a dependency on the layer that defines it.
 */

const TEST = '\\.test\\.ts$';
const APPLICATION = '^src/([^/]+\\.ts$|ocf/)';

/** A rule forbidding `from` (test files aside) to import any of `to`. */
const layer = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: TEST },
  to: { path: to },
});

module.exports = {
  forbidden: [
    layer('events-imports-nothing-above', 'events/ is the lowest layer: codecs depend on no other layer', '^events/', [
      '^src/',
      '^projections/',
      '^tests/',
      '^bench/',
    ]),
    layer('domain-not-above-domain', 'src/domain/ may import events/ only', '^src/domain/', [
      '^src/(store|integrity|cli)/',
      APPLICATION,
      '^projections/',
      '^tests/',
      '^bench/',
    ]),
    layer('store-not-above-store', 'src/store/ may import events/ and src/domain/ only', '^src/store/', [
      '^src/(integrity|cli)/',
      APPLICATION,
      '^projections/',
      '^tests/',
      '^bench/',
    ]),
    layer(
      'projections-pure',
      'projections/ are pure folds: events/ and src/domain/ only; the data they need is passed in (no store), the times decided (no flag parsing)',
      '^projections/',
      ['^src/(store|integrity|cli)/', APPLICATION, '^tests/', '^bench/'],
    ),
    layer(
      'integrity-not-above-integrity',
      'src/integrity/ may import the layers below it, not the application or the CLI',
      '^src/integrity/',
      ['^src/cli/', APPLICATION, '^tests/', '^bench/'],
    ),
    layer('application-not-cli', 'the application (src/*.ts) does not import the CLI', APPLICATION, ['^src/cli/', '^tests/', '^bench/']),
    layer('cli-not-tests-or-bench', 'the CLI imports no test or benchmark code', '^src/cli/', ['^tests/', '^bench/']),
    {
      name: 'tests-not-bench',
      comment: 'tests (tests/ and the *.test.ts beside the code) do not depend on the benchmark; bench/ may import tests/support/',
      severity: 'error',
      from: { path: '^(tests|src|events|projections)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
