'use strict';
// `bindings` for the bundled copy of better-sqlite3 (build.ts). The real one finds the native
// addon from its caller's directory, which is now the bundle's: load it from the installed
// package instead, where its install script puts it (build/Release), or let `bindings` search there.
const path = require('node:path');

module.exports = (name) => {
  const root = path.dirname(require.resolve('better-sqlite3/package.json'));
  try {
    return require(path.join(root, 'build', 'Release', name));
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND') throw error;
    return require(require.resolve('bindings', { paths: [root] }))({ bindings: name, module_root: root });
  }
};
