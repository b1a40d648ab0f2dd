// Starts the standalone server (after `npm run build`) without letting Next rename the process
// ("next-server (v…)"): scripts/stack recognises its processes by their command line.
'use strict';
const path = require('node:path');

try {
  Object.defineProperty(process, 'title', { configurable: true, get: () => 'node', set: () => {} });
} catch {
  // Then the process is renamed; only the pid check of scripts/stack cares.
}
process.env.NEXT_TELEMETRY_DISABLED = '1';
require(path.join(__dirname, '..', '.next', 'standalone', 'server.js'));
