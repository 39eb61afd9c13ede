// probe version
const path = require('path');
exports.run = async function run() {
  const { default: Mocha } = await import('mocha').catch(() => ({ default: require('mocha') }));
  console.log('hello from suite %s', 'fmt');
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  mocha.addFile(path.join(__dirname, 'probe.test.js'));
  await mocha.loadFilesAsync();
  const failures = await new Promise((r) => mocha.run(r));
  if (failures) throw new Error(`${failures} tests failed`);
};
