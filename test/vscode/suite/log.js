// Output of the suite. Every line carries LINE_PREFIX so the harness can tell it from the
// workbench's own log lines, which arrive through the same channel (codeAutomationLog).
// (console.log cannot be replaced in the extension host: VS Code defines it with a no-op setter.)
'use strict';
const util = require('util');

const LINE_PREFIX = '[meshlens-e2e] | ';
const print = (...args) => console.log(LINE_PREFIX + util.format(...args).split('\n').join('\n' + LINE_PREFIX));

module.exports = { LINE_PREFIX, print };
