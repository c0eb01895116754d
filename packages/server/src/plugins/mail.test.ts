import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfirmationDetails } from '../booking/service.js';
import {
  composeCancellation,
  composeConfirmation,
  composePracticeNotice,
  composeReschedule,
  formatLocalDateTime,
} from './mail.js';

const details: ConfirmationDetails = {
  appointmentId: '7',
  patientName: 'Ada Lovelace',
  practitionerName: 'Dr Amina Khan',
  serviceDisplay: 'GP appointment',
  start: new Date('2026-06-24T08:10:00Z'),
  end: new Date('2026-06-24T08:20:00Z'),
  timeZone: 'Europe/London',
  channel: 'Video',
  bookingReference: 'CK-7K4Q-M9XP-2HDT',
};

describe('confirmation e-mail', () => {
  it('says who, when (local time in the practice zone), how, the reference and how to cancel', () => {
    const { subject, text } = composeConfirmation(details);
    assert.equal(subject, 'Appointment confirmed: Wednesday 24 June 2026 at 09:10');
    assert.match(text, /^Dear Ada Lovelace,/);
    assert.match(text, /With: +Dr Amina Khan \(GP appointment\)/);
    assert.match(text, /When: +Wednesday 24 June 2026, 09:10 to 09:20 \(BST\)/);
    assert.match(text, /How: +Video consultation/);
    assert.match(text, /Reference: +CK-7K4Q-M9XP-2HDT/);
    assert.match(text, /use your booking reference CK-7K4Q-M9XP-2HDT with your date of birth/);
    assert.doesNotMatch(text, /open your booking/);
  });

  it('carries the manage link in the confirmation and the reschedule e-mails', () => {
    const manageUrl = 'https://practice.example/manage/abc.def';
    assert.match(
      composeConfirmation({ ...details, manageUrl }).text,
      /cancel or change the time.*\n.*manage\/abc\.def/,
    );
    const moved = composeReschedule({ ...details, manageUrl }, { previousStart: details.start, byPatient: true });
    assert.match(moved.text, /the new time you chose/);
    assert.match(moved.text, /choose another or cancel here:\nhttps:\/\/practice\.example\/manage\/abc\.def/);
  });

  it('tells the practice a patient moved or cancelled online, with no link', () => {
    const moved = composePracticeNotice(
      { ...details, start: new Date('2026-06-25T08:10:00Z'), manageUrl: 'https://x/manage/secret' },
      { cancelled: false, previousStart: details.start },
    );
    assert.equal(moved.subject, 'Moved online: now Thursday 25 June 2026 at 09:10, CK-7K4Q-M9XP-2HDT');
    assert.match(moved.text, /Ada Lovelace moved their appointment online/);
    assert.match(moved.text, /Was: +Wednesday 24 June 2026, 09:10/);
    assert.doesNotMatch(moved.text, /secret|manage/);
    const cancelled = composePracticeNotice(details, { cancelled: true, previousStart: details.start });
    assert.match(cancelled.subject, /^Cancelled online: Wednesday 24 June 2026 at 09:10/);
  });

  it('carries the video join link, or says it comes separately when there is none', () => {
    assert.match(composeConfirmation(details).text, /Join: +the practice will send your video link separately/);
    const withLink = composeConfirmation({ ...details, joinUrl: 'https://practice.example/join/abc' });
    assert.match(withLink.text, /Join: +https:\/\/practice\.example\/join\/abc/);
    assert.doesNotMatch(withLink.text, /separately/);
    assert.doesNotMatch(composeConfirmation({ ...details, channel: 'Telephone' }).text, /Join:/);
  });

  it('tells the patient a request was declined, with the practice’s words', () => {
    const { subject, text } = composeCancellation(details, { declined: true, message: 'Please book with the nurse.' });
    assert.equal(subject, 'Appointment request not accepted: Wednesday 24 June 2026 at 09:10');
    assert.match(text, /could not accept your appointment request/);
    assert.match(text, /Their message:\s+Please book with the nurse\./);
    assert.match(text, /The video link you were sent no longer works/);
    const cancelled = composeCancellation(
      { ...details, channel: 'Telephone' },
      { declined: false, message: undefined },
    );
    assert.match(cancelled.subject, /^Appointment cancelled: /);
    assert.doesNotMatch(cancelled.text, /Their message|video link/);
  });

  it('writes GMT in winter', () => {
    assert.deepEqual(formatLocalDateTime(new Date('2026-11-24T09:10:00Z'), 'Europe/London'), {
      date: 'Tuesday 24 November 2026',
      time: '09:10',
      zone: 'GMT',
    });
  });
});
