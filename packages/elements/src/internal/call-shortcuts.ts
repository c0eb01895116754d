import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { msg } from '@lit/localize';

/**
 * Keyboard shortcuts in a call (decision 30, docs/accessibility.md): mute, camera, hang up (the
 * last after a confirmation). Every default has a modifier (Alt+Shift), so typing in a chat or a
 * form never triggers one (WCAG 2.1.4 asks this of single-key shortcuts only; we go further). A
 * host remaps or turns them off with `shortcuts` on `<consult-room>`; a person turns them off in
 * the room's "Keyboard shortcuts" panel (remembered in this browser).
 */
export type CallAction = 'mute' | 'camera' | 'hang-up';

/** Keys for each action (`Alt+Shift+M`, `Control+Alt+K`); `null` turns that one off. */
export type CallShortcutKeys = Partial<Record<CallAction, string | null>>;

/** `off`, `on` (the defaults) or a remapping (unmapped actions keep their defaults). */
export type CallShortcutSetting = 'on' | 'off' | CallShortcutKeys;

export const DEFAULT_CALL_SHORTCUTS: Readonly<Record<CallAction, string>> = Object.freeze({
  mute: 'Alt+Shift+M',
  camera: 'Alt+Shift+V',
  'hang-up': 'Alt+Shift+H',
});

const ACTIONS: readonly CallAction[] = ['mute', 'camera', 'hang-up'];
const MODIFIERS = ['Control', 'Alt', 'Shift', 'Meta'] as const;
type Modifier = (typeof MODIFIERS)[number];

/** Where a person's choice to turn the shortcuts off is kept (this browser only). */
export const SHORTCUTS_OFF_KEY = 'consultkit:call-shortcuts-off';

interface Combo {
  modifiers: ReadonlySet<Modifier>;
  /** A letter or digit (matched on the physical key, so Alt on a Mac, which types `µ`, still works), or a key name. */
  key: string;
  text: string;
}

/**
 * `Alt+Shift+M` as a combination; `undefined` when it is not one we accept: it must name one key
 * and at least one of Control, Alt or Meta (Shift alone types a capital letter).
 */
export function parseCombo(text: string): Combo | undefined {
  const parts = text
    .split('+')
    .map((part) => part.trim())
    .filter(Boolean);
  const key = parts.pop();
  if (!key) return undefined;
  const modifiers = new Set<Modifier>();
  for (const part of parts) {
    const name =
      part.toLowerCase() === 'ctrl' ? 'Control' : MODIFIERS.find((m) => m.toLowerCase() === part.toLowerCase());
    if (!name) return undefined;
    modifiers.add(name);
  }
  if (!['Control', 'Alt', 'Meta'].some((m) => modifiers.has(m as Modifier))) return undefined;
  const normalised = key.length === 1 ? key.toUpperCase() : key;
  return { modifiers, key: normalised, text: [...MODIFIERS.filter((m) => modifiers.has(m)), normalised].join('+') };
}

function matches(combo: Combo, event: KeyboardEvent): boolean {
  const held: Record<Modifier, boolean> = {
    Control: event.ctrlKey,
    Alt: event.altKey,
    Shift: event.shiftKey,
    Meta: event.metaKey,
  };
  if (MODIFIERS.some((m) => held[m] !== combo.modifiers.has(m))) return false;
  if (/^[A-Z]$/.test(combo.key)) return event.code === `Key${combo.key}`;
  if (/^[0-9]$/.test(combo.key)) return event.code === `Digit${combo.key}`;
  return event.key.toLowerCase() === combo.key.toLowerCase();
}

/**
 * Attribute form of the setting: `off`, `on`, or `mute:Alt+Shift+M camera:none …` (read only: the
 * property is not reflected).
 */
export const shortcutsConverter = {
  fromAttribute(value: string | null): CallShortcutSetting {
    const text = (value ?? '').trim();
    if (text === '' || text === 'on') return 'on';
    if (text === 'off') return 'off';
    const keys: CallShortcutKeys = {};
    for (const pair of text.split(/\s+/)) {
      const [action, combo] = pair.split(':') as [CallAction, string | undefined];
      if (ACTIONS.includes(action)) keys[action] = !combo || combo === 'none' ? null : combo;
    }
    return keys;
  },
};

export interface CallShortcutHost extends ReactiveControllerHost, HTMLElement {
  /** The host's setting (`shortcuts` on `<consult-room>`). */
  shortcuts: CallShortcutSetting;
}

export interface CallShortcutHandlers {
  /** The call controls work now (in a call, not over). */
  live(): boolean;
  /** Toggles the microphone; returns whether it is now muted. */
  mute(): boolean;
  /** Toggles the camera; returns whether it is now off. */
  camera(): boolean;
  /** Hangs up (after the person confirmed). */
  hangUp(): void;
  /** Leaves, the others carrying on (after the person chose it in the confirmation, when offered). */
  leave?(): void;
  /**
   * The confirmation's question and its hang-up button's words ("Hang up", "End for everyone");
   * with `leave`, a button that leaves too (a clinician with another clinician in the call).
   */
  hangUpWords(): HangUpWords;
  /** What to say when the confirmation could not be loaded (offline): the button still hangs up. */
  failureText(): string;
}

export interface HangUpWords {
  question: string;
  action: string;
  /** Offer Leave too (the question then asks which): a clinician with another clinician in the call. */
  leave?: boolean;
}

type PanelModule = typeof import('./call-shortcuts-panel.js');

/**
 * The shortcuts of one room: listens for keys on the document while the host is connected and
 * the call is live, renders the panel that lists them (with the switch to turn them off), the
 * hang-up confirmation and a live region that says what a shortcut did. The panel's list and the
 * confirmation come with `call-shortcuts-panel.ts`, imported on their first use (decision 47).
 */
export class CallShortcuts implements ReactiveController {
  /**
   * Imports the panel's list and the confirmation. A seam for tests (a failed import); `@internal`.
   * @internal
   */
  static _importPanel = (): Promise<PanelModule> => import('./call-shortcuts-panel.js');

  #said = '';
  #offHere = readOff();
  #returnFocus: HTMLElement | null = null;
  /** The panel's module once here; on its way. */
  #panel: PanelModule | undefined;
  #loading: Promise<PanelModule | undefined> | undefined;

  constructor(
    private readonly host: CallShortcutHost,
    private readonly handlers: CallShortcutHandlers,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('keydown', this.#onKey);
  }

  hostDisconnected(): void {
    document.removeEventListener('keydown', this.#onKey);
  }

  /** The combination of each action in use now; none when turned off. */
  get keys(): Partial<Record<CallAction, Combo>> {
    const setting = this.host.shortcuts;
    if (setting === 'off' || this.#offHere) return {};
    const chosen = typeof setting === 'object' && setting ? setting : {};
    const keys: Partial<Record<CallAction, Combo>> = {};
    for (const action of ACTIONS) {
      const text = action in chosen ? chosen[action] : DEFAULT_CALL_SHORTCUTS[action];
      const combo = text ? parseCombo(text) : undefined;
      if (combo) keys[action] = combo;
    }
    return keys;
  }

  /** For `aria-keyshortcuts` on the action's button. */
  aria(action: CallAction): string | typeof nothing {
    return this.keys[action]?.text ?? nothing;
  }

  #onKey = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.repeat || !this.handlers.live()) return;
    const keys = this.keys;
    const action = ACTIONS.find((a) => keys[a] && matches(keys[a], event));
    if (!action) return;
    event.preventDefault();
    if (action === 'mute') {
      this.#say(this.handlers.mute() ? msg('Microphone muted.') : msg('Microphone on.'));
    } else if (action === 'camera') {
      this.#say(this.handlers.camera() ? msg('Camera off.') : msg('Camera on.'));
    } else {
      void this.#confirmHangUp();
    }
  };

  #say(text: string): void {
    this.#said = text;
    this.host.requestUpdate();
  }

  /**
   * The panel's module: imported once, its styles added to the host's; after a failure (offline),
   * undefined, and the next use tries again.
   */
  #load = (): Promise<PanelModule | undefined> => {
    if (this.#loading) return this.#loading;
    this.#loading = CallShortcuts._importPanel().then(
      (module) => {
        if (!this.#panel && this.host.shadowRoot) module.adoptPanelStyles(this.host.shadowRoot);
        this.#panel = module;
        this.host.requestUpdate();
        return module;
      },
      () => {
        this.#loading = undefined;
        this.host.requestUpdate();
        return undefined;
      },
    );
    this.host.requestUpdate();
    return this.#loading;
  };

  /** The panel opened: its list comes with the module; said when it cannot (then it closes again). */
  #toggled = (event: Event): void => {
    const details = event.target as HTMLDetailsElement;
    if (!details.open || this.#panel) return;
    void this.#load().then((module) => {
      if (module) return;
      details.open = false;
      this.#say(this.handlers.failureText());
    });
  };

  get #dialog(): HTMLDialogElement | null | undefined {
    return this.host.shadowRoot?.querySelector<HTMLDialogElement>('dialog.ck-confirm-hang-up');
  }

  /** Asks before hanging up (the first time, once the confirmation's module is here). */
  async #confirmHangUp(): Promise<void> {
    const returnFocus = deepActiveElement();
    if (!(await this.#load())) return this.#say(this.handlers.failureText());
    await this.host.updateComplete;
    const dialog = this.#dialog;
    if (!dialog || dialog.open || !this.handlers.live()) return;
    this.#returnFocus = returnFocus;
    dialog.returnValue = '';
    dialog.showModal();
    dialog.querySelector<HTMLButtonElement>('[data-stay]')?.focus();
  }

  #closed = (): void => {
    const dialog = this.#dialog;
    const target = this.#returnFocus;
    this.#returnFocus = null;
    if (dialog?.returnValue === 'hang-up') this.handlers.hangUp();
    else if (dialog?.returnValue === 'leave') this.handlers.leave?.();
    else if (target?.isConnected) target.focus();
  };

  #toggleHere = (event: Event): void => {
    this.#offHere = !(event.target as HTMLInputElement).checked;
    try {
      if (this.#offHere) localStorage.setItem(SHORTCUTS_OFF_KEY, '1');
      else localStorage.removeItem(SHORTCUTS_OFF_KEY);
    } catch {
      // Storage refused (private mode, a sandbox): the choice lasts for this page.
    }
    this.host.requestUpdate();
  };

  /** The panel listing the shortcuts, the confirmation and the live region. */
  render() {
    if (this.host.shortcuts === 'off') return nothing;
    const keys = this.keys;
    const panel = this.#panel;
    const listed = this.#offHere
      ? null
      : ACTIONS.filter((a) => keys[a]).map((a) => [a, keys[a]!.text] as [CallAction, string]);
    return html`
      <details
        part="shortcuts"
        class="ck-shortcuts"
        aria-busy=${!panel && this.#loading ? 'true' : 'false'}
        @toggle=${this.#toggled}
      >
        <summary>${msg('Keyboard shortcuts')}</summary>
        ${panel ? panel.shortcutList(listed, this.#toggleHere) : nothing}
      </details>
      <div class="visually-hidden" role="status">${this.#said}</div>
      ${panel ? panel.hangUpDialog(this.handlers.hangUpWords(), this.#closed) : nothing}
    `;
  }
}

function readOff(): boolean {
  try {
    return localStorage.getItem(SHORTCUTS_OFF_KEY) === '1';
  } catch {
    return false;
  }
}

/** The focused element, looking inside shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active as HTMLElement | null;
}

/**
 * Styles of the panel's summary, for the host's `styles`; the list's and the confirmation's come
 * with them (`call-shortcuts-panel.ts`).
 */
export const callShortcutStyles = css`
  .ck-shortcuts {
    margin-block-start: var(--ck-space-s, 0.5rem);
    text-align: start;
  }
  .ck-shortcuts summary {
    /* A list item keeps the disclosure triangle; the padding makes a 44 px target. */
    display: list-item;
    padding-block: 0.625rem;
    line-height: 1.5rem;
    cursor: pointer;
  }
  .ck-shortcuts summary:focus-visible {
    outline: 3px solid var(--ck-color-focus, #ffbf47);
    outline-offset: 2px;
  }
`;
