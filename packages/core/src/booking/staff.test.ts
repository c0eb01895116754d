import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { FhirError } from './fhir-error.js';
import { DetailsError, StaffClient } from './staff.js';
import type { VideoNowPatient } from './types.js';

// The run's real ConsultKit server (demo practice): its clinicians' diaries offer video.

async function staffClient(): Promise<StaffClient> {
  const { key } = (await executeServerCommand('ck-staff-key')) as { key: string };
  return new StaffClient({ baseUrl: '/fhir', headers: () => ({ authorization: `Bearer ${key}` }) });
}

const patient = (email: string): VideoNowPatient => ({
  given: 'Walk',
  family: 'In',
  birthDate: '1970-05-06',
  email,
  phone: '07700 900456',
  contactPreference: 'both',
});

describe('booking: StaffClient.startVideoNow', () => {
  it('lists the diaries that offer video', async () => {
    const diaries = await (await staffClient()).videoDiaries();
    expect(diaries.length).to.be.greaterThan(0);
    for (const diary of diaries) {
      expect(diary.reference).to.match(/^Schedule\/\d+$/);
      expect(diary.display).to.not.equal('');
    }
  });

  it('starts a video consultation now and says where the link went', async () => {
    const client = await staffClient();
    const [diary] = await client.videoDiaries();
    const email = `now-${Date.now()}@example.org`;
    const before = Date.now();
    const { booking, linkSentTo } = await client.startVideoNow({
      schedule: diary!.reference,
      minutes: 10,
      patient: patient(email),
    });
    expect(linkSentTo).to.deep.equal({ email, sms: '07700 900456' });
    expect(booking.status).to.equal('booked');
    expect(booking.deliveryChannel).to.equal('Video');
    const start = Date.parse(booking.start!);
    expect(start).to.be.within(before - 60_000, Date.now() + 60_000);
    expect(Date.parse(booking.end!) - start).to.equal(10 * 60_000);
    const found = await client.listAppointments({ patient: booking.patient!.reference });
    expect(found.map((b) => b.id)).to.include(booking.id);
  });

  it('refuses details the form rules refuse, before sending anything', async () => {
    const client = await staffClient();
    let sent = 0;
    const counting = new StaffClient({
      baseUrl: '/fhir',
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        sent++;
        return fetch(input, init);
      },
    });
    const [diary] = await client.videoDiaries();
    const error = await counting
      .startVideoNow({
        schedule: diary!.reference,
        minutes: 15,
        patient: { ...patient(''), phone: '', contactPreference: 'sms' },
      })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DetailsError);
    expect((error as DetailsError).problems).to.deep.equal({ email: 'required', phone: 'required' });
    expect((error as DetailsError).status).to.equal(400);
    expect((error as DetailsError).outcome?.issue.map((i) => i.expression?.[0])).to.deep.equal([
      'Patient.telecom',
      'Patient.telecom',
    ]);
    expect(sent).to.equal(0);
  });

  it("rejects with the server's OperationOutcome", async () => {
    const client = await staffClient();
    const error = await client
      .startVideoNow({ schedule: 'Schedule/987654', minutes: 15, patient: patient('nobody@example.org') })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FhirError);
    expect(error).to.not.be.instanceOf(DetailsError);
    expect((error as FhirError).status).to.be.oneOf([400, 404, 422]);
    expect((error as FhirError).outcome?.resourceType).to.equal('OperationOutcome');
    expect((error as FhirError).message).to.match(/schedule/i);
  });
});

/** A video consultation starting now, in the first diary free now (one consultation per diary at a time). */
async function consultationNow(client: StaffClient, email: string): Promise<string> {
  for (const diary of await client.videoDiaries()) {
    const started = await client
      .startVideoNow({ schedule: diary.reference, minutes: 15, patient: patient(email) })
      .catch(() => undefined);
    if (started) return started.booking.id!;
  }
  throw new Error('no diary free for a video consultation now');
}

describe('booking: StaffClient guests', () => {
  it('invites a guest, lists them, removes them; the link then fails', async () => {
    const client = await staffClient();
    const id = await consultationNow(client, `guests-${Date.now()}@example.org`);
    const invited = await client.inviteGuest(id, {
      name: '  Ana Interpreter ',
      kind: 'interpreter',
      email: 'ana@example.org',
    });
    expect(invited.name).to.equal('Ana Interpreter');
    expect(invited.kind).to.equal('interpreter');
    expect(invited.emailed).to.equal(true);
    expect(invited.url).to.match(/\/join\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const listed = await client.guests(id);
    expect(listed.map((g) => [g.id, g.name, g.kind, g.email, g.joined])).to.deep.equal([
      [invited.id, 'Ana Interpreter', 'interpreter', 'ana@example.org', false],
    ]);
    await client.removeGuest(id, invited.id);
    expect(await client.guests(id)).to.deep.equal([]);
    const token = invited.url.split('/join/')[1];
    const redeemed = await fetch('/api/join/redeem', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(redeemed.status).to.equal(410);
    const again = await client.removeGuest(id, invited.id).catch((e: unknown) => e);
    expect(again).to.be.instanceOf(FhirError);
    expect((again as FhirError).status).to.equal(404);
    expect((again as FhirError).outcome?.resourceType).to.equal('OperationOutcome');
  });

  it("refuses an unknown kind with the server's OperationOutcome", async () => {
    const client = await staffClient();
    const id = await consultationNow(client, `guests-kind-${Date.now()}@example.org`);
    const error = await client.inviteGuest(id, { name: 'X', kind: 'wizard' as never }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(FhirError);
    expect((error as FhirError).status).to.equal(400);
    expect((error as FhirError).message).to.match(/kind/);
  });
});
