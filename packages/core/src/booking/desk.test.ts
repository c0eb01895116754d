import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { BookingClient } from './booking-client.js';
import { BookingDeskStore } from './desk.js';
import { StaffClient } from './staff.js';
import type { PatientDetails } from './types.js';
import { until } from '../../../../test-support/browser.js';

const patient: PatientDetails = {
  given: 'Mary',
  family: 'Somerville',
  birthDate: '1980-12-26',
  email: 'mary@example.org',
  phone: '07700 900456',
};

async function staffClient(): Promise<StaffClient> {
  const { key } = (await executeServerCommand('ck-staff-key')) as { key: string };
  return new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${key}` }) });
}

async function bookSomething() {
  const client = new BookingClient({ baseUrl: '/fhir' });
  const start = new Date(Date.now() + 3_600_000);
  const [slot] = await client.searchSlots({ start, end: new Date(start.getTime() + 86_400_000), practitioner: '4' });
  return client.book({ slot: slot!, patient, deliveryChannel: 'Video' });
}

describe('booking: BookingDeskStore', () => {
  const desks: BookingDeskStore[] = [];
  afterEach(() => desks.splice(0).forEach((desk) => desk.stop()));

  it('falls back to polling when the event stream fails, and still sees changes', async () => {
    const { url } = (await executeServerCommand('ck-closed-port')) as { url: string };
    const desk = new BookingDeskStore({
      client: await staffClient(),
      eventsUrl: `${url}/api/staff/events`,
      pollIntervalMs: 300,
    });
    desks.push(desk);
    desk.start();
    await until(() => desk.state.get().live === 'polling', 'polling');
    await until(() => desk.state.get().status === 'ready', 'the first load');
    const booking = await bookSomething();
    await until(() => desk.state.get().pending.some((b) => b.id === booking.id), 'the new request, by polling');
  });

  it('streams changes when the event stream works', async () => {
    const desk = new BookingDeskStore({ client: await staffClient() });
    desks.push(desk);
    desk.start();
    await until(() => desk.state.get().live === 'streaming', 'the event stream');
    const booking = await bookSomething();
    await until(() => desk.state.get().pending.some((b) => b.id === booking.id), 'the new request, streamed');
  });

  it('reports a failed action and keeps its lists as they were', async () => {
    const desk = new BookingDeskStore({ client: await staffClient(), eventsUrl: null, pollIntervalMs: 60_000 });
    desks.push(desk);
    const booking = await bookSomething();
    desk.start();
    await until(() => desk.state.get().pending.some((b) => b.id === booking.id), 'the request');
    // The patient cancels; the desk has not heard yet (no stream), and tries to confirm.
    await new BookingClient({ baseUrl: '/fhir' }).cancel(booking.id, booking.reference!);
    const before = desk.state.get().pending;
    const result = await desk.confirm(booking.id);
    expect(result.ok).to.equal(false);
    expect(result.error?.status).to.equal(422);
    expect(desk.state.get().lastAction).to.equal(result);
    expect(desk.state.get().pending).to.equal(before);
    expect(desk.state.get().busy).to.deep.equal([]);
  });

  it('says why the lists could not be loaded', async () => {
    const desk = new BookingDeskStore({ client: new StaffClient({ baseUrl: '/fhir' }), eventsUrl: null });
    desks.push(desk);
    desk.start();
    await until(() => desk.state.get().status === 'error', 'the error');
    expect(desk.state.get().error?.status).to.equal(401);
  });
});
