// The viewer's form controls. Views make controls only through these factories and read them only
// through the small interfaces below, so the toolkit behind them (@vscode/webview-ui-toolkit, archived
// upstream; @vscode-elements/elements is its successor) can be replaced by changing this folder.
//
// The toolkit reads the --vscode-* theme variables from <body> when the page loads and whenever the
// body's class changes (VS Code switches vscode-light/-dark/-high-contrast there). In a browser there
// are no such variables: list.css defines fallbacks for light and dark, and watchColorScheme() below
// nudges the toolkit to read them again when the system scheme flips.
// First: it must be in place before the toolkit's modules run (see csp-probe.ts).
import { endStyleProbe } from './csp-probe';
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDropdown, vsCodeOption, vsCodeTextField } from '@vscode/webview-ui-toolkit';
import { el } from '../dom';

endStyleProbe();

type Attrs = Record<string, string | number | boolean | undefined>;

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  // Only what the viewer uses: each registration defines a custom element and its styles.
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField());
  watchColorScheme();
}

function watchColorScheme(): void {
  if (typeof matchMedia !== 'function') return;
  const dark = matchMedia('(prefers-color-scheme: dark)');
  const apply = () => document.body.classList.toggle('meshlens-scheme-dark', dark.matches);
  apply();
  dark.addEventListener('change', apply);
}

/** A toolkit element made through dom.ts (attributes set, children as text). */
function host<T extends object = object>(tag: string, attrs: Attrs, ...children: string[]): HTMLElement & T {
  return el(tag as 'div', attrs, ...children) as unknown as HTMLElement & T;
}

/** A control's host element (what carries data-testid, aria-label and focus). */
export interface Control {
  readonly element: HTMLElement;
}

export interface ButtonControl extends Control {
  setLabel(text: string): void;
}

export function button(label: string, attrs: Attrs, onClick: () => void, appearance: 'primary' | 'secondary' | 'icon' = 'secondary'): ButtonControl {
  register();
  const element = host('vscode-button', { appearance, ...attrs }, label);
  element.addEventListener('click', onClick);
  return { element, setLabel: (text) => (element.textContent = text) };
}

export interface TextControl extends Control {
  value: string;
  focus(): void;
  /** Marks the field invalid (aria-invalid) and points at the element that says why. */
  setInvalid(describedBy: string | undefined): void;
}

/**
 * A one-line text field. `label` is its accessible name. The toolkit sets the field's aria-label to
 * its text content when it connects (to "Text field" when there is none, overwriting ours), so the
 * label goes in as content; list.css hides it visually (::part(label)), the name stays.
 * `onInput` fires per keystroke.
 */
export function textField(label: string, attrs: Attrs, onInput: () => void): TextControl {
  register();
  const element = host<{ value: string }>('vscode-text-field', attrs, label);
  element.addEventListener('input', onInput);
  return {
    element,
    get value() {
      return element.value ?? '';
    },
    set value(v: string) {
      element.value = v;
    },
    focus: () => element.focus(),
    setInvalid(describedBy) {
      if (describedBy) {
        element.setAttribute('aria-invalid', 'true');
        element.setAttribute('aria-describedby', describedBy);
      } else {
        element.removeAttribute('aria-invalid');
        element.removeAttribute('aria-describedby');
      }
    },
  };
}

export interface CheckboxControl extends Control {
  checked: boolean;
}

export function checkbox(label: string, attrs: Attrs, onChange: () => void): CheckboxControl {
  register();
  const { checked, ...rest } = attrs;
  const element = host<{ checked: boolean }>('vscode-checkbox', rest, label);
  if (checked === true) element.checked = true;
  element.addEventListener('change', onChange);
  return {
    element,
    get checked() {
      return element.checked === true;
    },
    set checked(v: boolean) {
      element.checked = v;
    },
  };
}

export interface DropdownControl extends Control {
  readonly value: string;
  /** Replaces the choices (first the `[value, text]` pairs in order) and selects `value` if offered, else the first. */
  setOptions(options: readonly (readonly [value: string, text: string])[], value: string): void;
}

export function dropdown(label: string, attrs: Attrs, onChange: () => void): DropdownControl {
  register();
  const element = host<{ value: string }>('vscode-dropdown', { 'aria-label': label, ...attrs });
  // Programmatic changes (setOptions) fire change too; only the user's choice is a new query.
  let quiet = false;
  let current = '';
  element.addEventListener('change', () => {
    if (quiet) return;
    current = element.value ?? '';
    onChange();
  });
  // The toolkit takes new options in only when their slot reports the change (later than the
  // replaceChildren below), and a value set before that is lost: set it again then.
  element.shadowRoot?.addEventListener('slotchange', () => {
    if ((element.value ?? '') === current) return;
    quiet = true;
    try {
      element.value = current;
    } finally {
      quiet = false;
    }
  });
  return {
    element,
    get value() {
      return current;
    },
    setOptions(options, value) {
      const pick = options.some(([v]) => v === value) ? value : (options[0]?.[0] ?? '');
      const same = element.children.length === options.length && options.every(([v, t], i) => {
        const o = element.children[i] as HTMLElement & { value: string };
        return o.value === v && o.textContent === t;
      });
      quiet = true;
      try {
        if (!same) {
          element.replaceChildren(...options.map(([v, t]) => host('vscode-option', { value: v, selected: v === pick }, t)));
        }
        element.value = pick;
        current = pick;
      } finally {
        quiet = false;
      }
    },
  };
}

