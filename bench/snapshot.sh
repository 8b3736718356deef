#!/bin/sh
# Runs the benchmark on a frozen copy of the committed code (git archive of a commit, default HEAD),
# built into its own dist/, so other engineers rebuilding dist/ mid-run cannot change the code
# under measurement. Results still land in this repo's bench/results/.
#   sh bench/snapshot.sh [--commit REV] [run.js options…]
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=HEAD
if [ "${1:-}" = "--commit" ]; then rev=$2; shift 2; fi
commit=$(git -C "$repo" rev-parse "$rev")
snap=$(mktemp -d "${TMPDIR:-/tmp}/shareledger-snapshot-XXXXXX")
git -C "$repo" archive "$commit" | tar -x -C "$snap"
ln -s "$repo/node_modules" "$snap/node_modules"
# npm run build: tsc and the CLI bundle with its code cache (the cold CLI runs the published bin).
(cd "$snap" && npm run build >&2)
(cd "$snap" && npx tsc -p bench/tsconfig.json) || echo "tsc -p bench/tsconfig.json reported errors; running what it emitted" >&2
echo "benchmarking ${commit} from ${snap}" >&2
cd "$snap"
BENCH_COMMIT=$commit BENCH_RESULTS_DIR="$repo/bench/results" node dist/bench/run.js "$@"
rm -rf "$snap"
