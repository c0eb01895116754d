import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { localized, msg, str } from '@lit/localize';
import { StaffClient } from '@consultkit/core/booking';
import type { ConsultationGuest, GuestInvitation } from '@consultkit/core';
import { GUEST_KINDS, type GuestKind } from '@consultkit/core/contract';
import { ConsultKitElement } from '../internal/consultkit-element.js';
import { roleLabel } from '../internal/participant.js';
import { failureText, isolate } from '../internal/words.js';
import { baseStyles } from '../internal/tokens.styles.js';
import { guestInviteStyles } from './guest-invite.styles.js';

/** A guest kind as a form offers it: "Interpreter". */
function kindLabel(kind: GuestKind): string {
  const words = roleLabel({ role: 'guest', kind });
  return words.charAt(0).toLocaleUpperCase() + words.slice(1);
}

/**
 * Invites a guest (an interpreter, a carer, a specialist, a nurse, a social worker) into a video
 * consultation, for the clinician or reception: name, kind and an optional e-mail address. Shows
 * the guest's single-use link once made, and the guests invited so far, each with Remove. A thin
 * view over core's `StaffClient` (`inviteGuest`, `guests`, `removeGuest`).
 *
 * @summary Invite a guest to a video consultation; list and remove guests.
 * @tagname guest-invite
 *
 * @fires ck-guest-invited - A guest was invited. `detail: { invitation }`
 * @fires ck-guest-removed - A guest was removed. `detail: { guestId }`
 *
 * @csspart heading - The heading.
 * @csspart form - The invitation form.
 * @csspart invite - The "Invite" button.
 * @csspart link - The new guest's link (a read-only field to copy).
 * @csspart list - The list of guests invited.
 * @csspart remove - A guest's "Remove" button.
 * @csspart status - The live region saying what was done.
 * @csspart error - What went wrong (an alert).
 */
@localized()
export class GuestInvite extends ConsultKitElement {
  static override styles = [baseStyles, guestInviteStyles];

  /** The appointment (its id) whose consultation the guests join. */
  @property()
  appointment = '';

  /** The practice's FHIR base URL (as on `<booking-desk>`); the guest routes are on its server. */
  @property({ attribute: 'fhir-base' })
  fhirBase = '';

  /** The staff key (`Authorization: Bearer`); without it, the staff session cookie. Not an attribute. */
  @property({ attribute: false })
  staffKey: string | undefined;

  /** A `StaffClient` of your own, in place of `fhir-base` and `staffKey`. Not an attribute. */
  @property({ attribute: false })
  client: StaffClient | undefined;

  @state() private guests: ConsultationGuest[] = [];
  @state() private invitation: GuestInvitation | null = null;
  @state() private busy = false;
  @state() private removing: string | null = null;
  @state() private said = '';
  @state() private error: string | null = null;

  #client(): StaffClient | undefined {
    if (this.client) return this.client;
    if (!this.fhirBase) return undefined;
    const key = this.staffKey;
    return new StaffClient({
      baseUrl: this.fhirBase,
      ...(key ? { headers: () => ({ authorization: `Bearer ${key}` }) } : { credentials: 'include' as const }),
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('appointment') || changed.has('fhirBase') || changed.has('client') || changed.has('staffKey')) {
      this.invitation = null;
      this.guests = [];
      void this.refresh();
    }
  }

  /** Lists the consultation's guests again. */
  async refresh(): Promise<void> {
    const client = this.#client();
    if (!client || !this.appointment) return;
    try {
      this.guests = await client.guests(this.appointment);
    } catch (error) {
      this.error = failureText(error as { code?: string; status?: number });
    }
  }

  async #invite(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const client = this.#client();
    if (!name) {
      this.error = msg('Enter the guest’s name.');
      form.querySelector<HTMLInputElement>('input[name="name"]')?.focus();
      return;
    }
    if (!client || !this.appointment || this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      const invitation = await client.inviteGuest(this.appointment, {
        name,
        kind: String(data.get('kind')) as GuestKind,
        email: String(data.get('email') ?? ''),
      });
      this.invitation = invitation;
      this.said = invitation.emailed
        ? msg(str`${isolate(invitation.name)} is invited. We have e-mailed them their link.`)
        : msg(str`${isolate(invitation.name)} is invited. Give them the link below.`);
      form.reset();
      this.emit('ck-guest-invited', { invitation });
      await this.refresh();
    } catch (error) {
      this.error = msg(str`Could not invite ${isolate(name)}. ${failureText(error as { code?: string })}`);
    } finally {
      this.busy = false;
    }
  }

  async #remove(guest: ConsultationGuest): Promise<void> {
    const client = this.#client();
    if (!client || this.removing) return;
    this.removing = guest.id;
    this.error = null;
    try {
      await client.removeGuest(this.appointment, guest.id);
      if (this.invitation?.id === guest.id) this.invitation = null;
      this.said = msg(str`${isolate(guest.name)} is no longer invited.`);
      this.emit('ck-guest-removed', { guestId: guest.id });
      await this.refresh();
      this.renderRoot.querySelector<HTMLInputElement>('input[name="name"]')?.focus();
    } catch (error) {
      this.error = msg(str`Could not remove ${isolate(guest.name)}. ${failureText(error as { code?: string })}`);
    } finally {
      this.removing = null;
    }
  }

  protected override render() {
    return html`<section aria-labelledby="ck-guest-heading">
      <h2 part="heading" id="ck-guest-heading">${msg('Invite a guest')}</h2>
      <form part="form" @submit=${this.#invite} novalidate>
        <div class="field">
          <label for="ck-guest-name">${msg('Name')}</label>
          <input id="ck-guest-name" name="name" autocomplete="off" maxlength="100" required />
        </div>
        <div class="field">
          <label for="ck-guest-kind">${msg('Joining as')}</label>
          <select id="ck-guest-kind" name="kind">
            ${GUEST_KINDS.map((kind) => html`<option value=${kind}>${kindLabel(kind)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="ck-guest-email">${msg('E-mail address (optional)')}</label>
          <input
            id="ck-guest-email"
            name="email"
            type="email"
            autocomplete="off"
            aria-describedby="ck-guest-email-hint"
          />
          <p class="hint" id="ck-guest-email-hint">
            ${msg('We e-mail them their link. Without one, give them the link yourself.')}
          </p>
        </div>
        <button part="invite" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>
          ${this.busy ? msg('Inviting…') : msg('Invite')}
        </button>
      </form>
      <p part="status" role="status">${this.said}</p>
      ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.invitation
          ? html`<div class="field">
              <label for="ck-guest-link">${msg(str`Link for ${isolate(this.invitation.name)} (single use)`)}</label>
              <input part="link" id="ck-guest-link" readonly .value=${this.invitation.url} dir="ltr" />
            </div>`
          : nothing
      }
      <h3>${msg('Guests invited')}</h3>
      ${
        this.guests.length === 0
          ? html`<p>${msg('Nobody yet.')}</p>`
          : html`<ul part="list">
              ${this.guests.map(
                (guest, i) =>
                  html`<li>
                    <span class="who" id="ck-guest-${i}">
                      ${msg(str`${isolate(guest.name)}, ${roleLabel({ role: 'guest', kind: guest.kind })}`)}
                      ${guest.joined ? html`<span class="joined">${msg('(has opened the link)')}</span>` : nothing}
                    </span>
                    <button
                      part="remove"
                      type="button"
                      aria-describedby="ck-guest-${i}"
                      aria-disabled=${this.removing === guest.id ? 'true' : 'false'}
                      @click=${() => this.#remove(guest)}
                    >
                      ${this.removing === guest.id ? msg('Removing…') : msg('Remove')}
                    </button>
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  }
}
