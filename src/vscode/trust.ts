// Workspace Trust. A folder someone else wrote can carry a .vscode/settings.json; in a workspace the
// user has not trusted, the settings that decide where the trace receiver listens and where it
// sends what it receives (with which credentials), and how much memory it may take, are read from
// the user's own settings only. The same keys are `restrictedConfigurations` in package.json, so
// VS Code itself ignores their workspace values in Restricted Mode; reading them here through
// inspect() keeps that true whatever the host does, and lets us say which values were ignored.
// Pure (no vscode at run time): the extension passes `inspect` and `isTrusted` in.

/** The settings a workspace must not choose while untrusted, under `meshlens.receiver.`. */
export const RESTRICTED_RECEIVER_KEYS = ['host', 'forward', 'forwardHeaders', 'corsOrigins', 'maxSpans'] as const;

/** The parts of vscode.WorkspaceConfiguration.inspect() used here. */
export interface Inspected<T> {
  readonly defaultValue?: T;
  readonly globalValue?: T;
  readonly workspaceValue?: T;
  readonly workspaceFolderValue?: T;
}

export interface SettingReader {
  get<T>(key: string, fallback: T): T;
  inspect<T>(key: string): Inspected<T> | undefined;
}

/**
 * A reader that, in an untrusted workspace, answers the restricted keys from the user's settings
 * (or the default) and records each key whose workspace value it left out in `ignored`.
 */
export function trustAwareReader(c: SettingReader, trusted: boolean, restricted: readonly string[], ignored: string[]): Pick<SettingReader, 'get'> {
  return {
    get<T>(key: string, fallback: T): T {
      if (trusted || !restricted.includes(key)) return c.get(key, fallback);
      const i = c.inspect<T>(key);
      if (i && (i.workspaceValue !== undefined || i.workspaceFolderValue !== undefined) && !ignored.includes(key)) ignored.push(key);
      return i?.globalValue ?? i?.defaultValue ?? fallback;
    },
  };
}

/** What the user is told when workspace values were left out (`section` e.g. `meshlens.receiver`). */
export function untrustedSettingsMessage(section: string, ignored: readonly string[]): string | undefined {
  if (ignored.length === 0) return undefined;
  const names = ignored.map((k) => `${section}.${k}`).join(', ');
  return `this workspace is not trusted, so its value${ignored.length === 1 ? '' : 's'} of ${names} ${ignored.length === 1 ? 'is' : 'are'} ignored and your user settings apply. Trust the workspace to use ${ignored.length === 1 ? 'it' : 'them'}.`;
}
