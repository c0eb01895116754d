import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import { StaffClient } from '@consultkit/core/booking';
import './define.js';
import type { GuestInvite } from './guest-invite.js';
import { until } from '../../../../test-support/browser.js';

/** A booked video appointment on the run's server, and a staff client for it. */
async function appointment() {
  const { id } = (await executeServerCommand('ck-video-appointment')) as { id: string };
  const { key } = (await executeServerCommand('ck-staff-key')) as { key: string };
  const fhirBase = '/fhir'; // the run's server, through the same-origin proxy
  const client = new StaffClient({ baseUrl: fhirBase, headers: () => ({ authorization: `Bearer ${key}` }) });
  return { id, key, fhirBase, client };
}

describe('<guest-invite>', () => {
  after(() => setViewport({ width: 800, height: 600 }));
  const part = (el: GuestInvite, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
  const field = (el: GuestInvite, name: string) =>
    el.shadowRoot!.querySelector<HTMLInputElement & HTMLSelectElement>(`[name="${name}"]`)!;
  const rows = (el: GuestInvite) =>
    [...el.shadowRoot!.querySelectorAll('[part~="list"] li .who')].map((w) =>
      w.textContent!.replace(/\s+/g, ' ').trim(),
    );

  it('invites a guest by name, kind and e-mail: shows their link and lists them; the server has them; accessible', async () => {
    const { id, key, fhirBase, client } = await appointment();
    const el = await fixture<GuestInvite>(
      html`<guest-invite appointment=${id} fhir-base=${fhirBase} .staffKey=${key}></guest-invite>`,
    );
    // Every kind is offered, by its words; every field has a label.
    expect([...field(el, 'kind').options].map((o) => o.value)).to.deep.equal([
      'interpreter',
      'carer',
      'specialist',
      'nurse',
      'social-worker',
    ]);
    expect([...field(el, 'kind').options].map((o) => o.textContent!.trim())).to.include('Social worker');
    await until(() => !!el.shadowRoot!.textContent!.includes('Nobody yet.'), 'the empty list');
    await expect(el).to.be.accessible();

    field(el, 'name').value = 'Amira Haddad';
    field(el, 'kind').value = 'interpreter';
    field(el, 'email').value = 'amira@example.org';
    setTimeout(() => part(el, 'invite')!.click());
    const { detail } = await oneEvent(el, 'ck-guest-invited');
    expect(detail.invitation).to.include({ name: 'Amira Haddad', kind: 'interpreter', emailed: true });
    await el.updateComplete;
    expect((part(el, 'link') as HTMLInputElement).value).to.equal(detail.invitation.url);
    expect(detail.invitation.url).to.match(/\/join\//);
    expect(part(el, 'status')!.textContent).to.contain('is invited. We have e-mailed them their link.');
    await until(() => rows(el).length === 1, 'the guest listed');
    expect(rows(el)[0]).to.contain('Amira Haddad');
    expect(rows(el)[0]).to.contain('interpreter');
    const listed = await client.guests(id);
    expect(listed.map((g) => [g.name, g.kind, g.email])).to.deep.equal([
      ['Amira Haddad', 'interpreter', 'amira@example.org'],
    ]);
    expect(field(el, 'name').value, 'the form is cleared for the next').to.equal('');
    await expect(el).to.be.accessible();
  });

  it('removes a guest: gone from the list and from the server; accessible', async () => {
    const { id, client } = await appointment();
    await client.inviteGuest(id, { name: 'John Patel', kind: 'carer' });
    await client.inviteGuest(id, { name: 'Dr Ola Nowak', kind: 'specialist' });
    const el = await fixture<GuestInvite>(html`<guest-invite appointment=${id} .client=${client}></guest-invite>`);
    await until(() => rows(el).length === 2, 'both listed');
    const remove = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="remove"]')[0]!;
    expect(remove.getAttribute('aria-describedby')).to.not.equal(null);
    setTimeout(() => remove.click());
    await oneEvent(el, 'ck-guest-removed');
    await until(() => rows(el).length === 1, 'one left');
    expect(rows(el)[0]).to.contain('Dr Ola Nowak');
    expect(part(el, 'status')!.textContent).to.contain('John Patel');
    expect(part(el, 'status')!.textContent).to.contain('is no longer invited.');
    expect((await client.guests(id)).map((g) => g.name)).to.deep.equal(['Dr Ola Nowak']);
    await expect(el).to.be.accessible();
  });

  it('says what is missing, and what the server refused, in an alert; sends nothing without a name', async () => {
    const { id, client } = await appointment();
    const el = await fixture<GuestInvite>(html`<guest-invite appointment=${id} .client=${client}></guest-invite>`);
    part(el, 'invite')!.click();
    await el.updateComplete;
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    expect(part(el, 'error')!.textContent).to.contain('Enter the guest’s name.');
    expect(el.shadowRoot!.activeElement).to.equal(field(el, 'name'));
    await expect(el).to.be.accessible();

    // An appointment that does not exist: the server refuses (404), the page says so.
    const stranger = await fixture<GuestInvite>(
      html`<guest-invite appointment="999999" .client=${client}></guest-invite>`,
    );
    await until(() => !!part(stranger, 'error'), 'the list refused');
    expect(part(stranger, 'error')!.textContent).to.contain('This appointment could not be found.');
    field(stranger, 'name').value = 'Amira Haddad';
    part(stranger, 'invite')!.click();
    await until(() => !!part(stranger, 'error')?.textContent!.includes('Could not invite'), 'the refusal');
    expect(part(stranger, 'error')!.textContent).to.contain('Could not invite');
    expect(part(stranger, 'error')!.textContent).to.contain('Amira Haddad');
    expect((await client.guests(id)).length, 'nothing sent without a name').to.equal(0);
    await expect(stranger).to.be.accessible();
  });

  it('fits a phone: 360 px wide, no sideways scrolling', async () => {
    await setViewport({ width: 360, height: 740 });
    const { id, client } = await appointment();
    await client.inviteGuest(id, { name: 'Amira Haddad', kind: 'interpreter' });
    const el = await fixture<GuestInvite>(html`<guest-invite appointment=${id} .client=${client}></guest-invite>`);
    await until(() => rows(el).length === 1, 'listed');
    expect(el.scrollWidth).to.be.at.most(el.clientWidth + 1);
    await expect(el).to.be.accessible();
  });
});
