// Workspace Trust: package.json declares limited support with the settings a hostile workspace
// could abuse as restrictedConfigurations, and the receiver's settings reader (the real
// readReceiverSettings of src/vscode/traces.ts, VS Code replaced by fake-vscode.ts) takes those from
// the user's settings only while the workspace is untrusted, and says which it ignored.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fake } from './fake-vscode';
import { readReceiverSettings } from '../../../src/vscode/traces';
import { RESTRICTED_RECEIVER_KEYS, trustAwareReader, untrustedSettingsMessage } from '../../../src/vscode/trust';

const ROOT = path.resolve(__dirname, '../../..');

interface Manifest {
  capabilities: { untrustedWorkspaces: { supported: unknown; description?: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, unknown> } };
}

describe('security: Workspace Trust', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
  beforeEach(() => fake.reset());

  it('package.json: limited support, a description, and every restricted key is a real setting', () => {
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.match(u.description ?? '', /user settings/);
    const restricted = u.restrictedConfigurations ?? [];
    for (const k of RESTRICTED_RECEIVER_KEYS) if (`meshlens.receiver.${k}` in pkg.contributes.configuration.properties) assert.ok(restricted.includes(`meshlens.receiver.${k}`), k);
    for (const k of ['meshlens.receiver.host', 'meshlens.receiver.forward', 'meshlens.receiver.forwardHeaders', 'meshlens.receiver.maxSpans', 'meshlens.limits.maxFileSizeMB', 'meshlens.debug.injectEnvironment']) assert.ok(restricted.includes(k), k);
    for (const k of restricted) assert.ok(k in pkg.contributes.configuration.properties, `${k} is not a setting`);
  });

  const hostile = { host: '0.0.0.0', forward: 'https://collector.evil.example', forwardHeaders: { Authorization: 'Bearer stolen' }, maxSpans: 100_000_000, httpPort: 14318 };

  it('trusted: the workspace values apply', () => {
    fake.trusted = true;
    fake.settings.workspace = { ...hostile };
    const s = readReceiverSettings();
    assert.equal(s.options.host, '0.0.0.0');
    assert.deepEqual(s.options.forward, { endpoint: 'https://collector.evil.example', headers: { Authorization: 'Bearer stolen' } });
    assert.deepEqual(s.ignoredUntrusted, []);
  });

  it('untrusted: where it listens and forwards, the headers and the span budget come from user settings; the rest from the workspace', () => {
    fake.trusted = false;
    fake.settings.workspace = { ...hostile };
    let s = readReceiverSettings();
    assert.equal(s.options.host, '127.0.0.1');
    assert.equal(s.options.forward, undefined);
    assert.equal(s.options.maxSpans, 200_000);
    assert.equal(s.options.httpPort, 14318, 'a port is not restricted');
    assert.deepEqual([...s.ignoredUntrusted].sort(), ['forward', 'host', 'maxSpans']);

    // The user's own forward target and headers still apply (forwardHeaders is read only with forward).
    fake.settings.global = { forward: 'http://localhost:4318', forwardHeaders: { 'X-Team': 'me' } };
    s = readReceiverSettings();
    assert.deepEqual(s.options.forward, { endpoint: 'http://localhost:4318', headers: { 'X-Team': 'me' } });
    assert.deepEqual([...s.ignoredUntrusted].sort(), ['forward', 'forwardHeaders', 'host', 'maxSpans']);
    assert.equal(
      untrustedSettingsMessage('meshlens.receiver', ['host', 'forward']),
      'this workspace is not trusted, so its values of meshlens.receiver.host, meshlens.receiver.forward are ignored and your user settings apply. Trust the workspace to use them.',
    );
    assert.equal(untrustedSettingsMessage('meshlens.receiver', []), undefined);
  });

  it('trustAwareReader: unrestricted keys and trusted workspaces read as get() does', () => {
    const c = { get: <T>(k: string, fb: T) => (k === 'a' ? ('ws' as T) : fb), inspect: <T>() => ({ workspaceValue: 'ws' as T, globalValue: 'user' as T }) };
    const ignored: string[] = [];
    assert.equal(trustAwareReader(c, false, ['b'], ignored).get('a', 'x'), 'ws');
    assert.equal(trustAwareReader(c, true, ['a'], ignored).get('a', 'x'), 'ws');
    assert.equal(trustAwareReader(c, false, ['a'], ignored).get('a', 'x'), 'user');
    assert.deepEqual(ignored, ['a']);
  });
});
