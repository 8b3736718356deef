'use strict';
// better-sqlite3 as the bundle sees it (build.ts): the copy of its JavaScript bundled at build
// time when the installed package is that very version (its JavaScript and its native addon must
// match), else the installed package, loaded as usual.
module.exports =
  require('better-sqlite3/package.json').version === BUNDLED_BETTER_SQLITE3_VERSION
    ? require('bundled:better-sqlite3')
    : require('better-sqlite3');
