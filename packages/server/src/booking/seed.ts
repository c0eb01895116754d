/**
 * The demo practice, Riverside Surgery, seeded at start when `CONSULTKIT_SEED_DEMO` is on and the
 * database has no practitioner yet. It keeps real hours: weekdays 08:00–18:30 with a lunch hour
 * (12:30–13:30), an extended-access evening (Tuesday and Thursday 18:30–20:00) and a Saturday
 * morning (09:00–12:00); GPs (10 and 15 minutes), a practice nurse (20) and a clinical pharmacist
 * (30); video on some sessions only; closed on the bank holidays of England and Wales and on
 * Sundays. So the demo is closed at night: tests that book "now" make their own schedules
 * (`seedAroundTheClockPractice` in test-helpers.ts), never this one.
 */
import type { Storage } from '../storage/index.js';
import { BookingRepository, type DeliveryChannel, type HumanNameJson } from './repository.js';
import type { WeeklyTemplate } from './template.js';
import type { Weekday } from './zone.js';

export const DEMO_PRACTICE_NAME = 'Riverside Surgery';

export interface DemoSchedule {
  serviceType: string;
  serviceDisplay: string;
  channels: DeliveryChannel[];
  template: WeeklyTemplate;
}

export interface DemoClinician {
  name: HumanNameJson;
  qualification: string;
  /** One schedule per kind of session (a GP's video afternoons apart from their surgery). */
  schedules: DemoSchedule[];
}

const HOLIDAYS = 'england-and-wales' as const;
const MORNING = '08:00-12:30';
const AFTERNOON = '13:30-18:30';
const days = (list: Weekday[], sessions: string[]) => Object.fromEntries(list.map((day) => [day, sessions]));
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

export const DEMO_CLINICIANS: readonly DemoClinician[] = [
  {
    name: { prefix: ['Dr'], given: ['Amina'], family: 'Khan' },
    qualification: 'General practitioner',
    schedules: [
      {
        serviceType: 'gp',
        serviceDisplay: 'GP appointment',
        channels: ['In-person', 'Telephone'],
        template: {
          slotMinutes: 10,
          sessions: { ...days(WEEKDAYS, [MORNING]), ...days(['tue', 'thu'], [MORNING, AFTERNOON]) },
          breaks: ['10:30-10:40', '15:30-15:40'],
          holidays: HOLIDAYS,
        },
      },
      {
        // Video afternoons on Monday, Wednesday and Friday.
        serviceType: 'gp',
        serviceDisplay: 'GP appointment',
        channels: ['Video', 'Telephone'],
        template: {
          slotMinutes: 10,
          sessions: days(['mon', 'wed', 'fri'], [AFTERNOON]),
          breaks: ['15:30-15:40'],
          holidays: HOLIDAYS,
        },
      },
    ],
  },
  {
    name: { prefix: ['Dr'], given: ['Tom'], family: 'Evans' },
    qualification: 'General practitioner',
    schedules: [
      {
        serviceType: 'gp',
        serviceDisplay: 'GP appointment',
        channels: ['In-person', 'Telephone', 'Video'],
        template: {
          slotMinutes: 15,
          sessions: days(WEEKDAYS, [MORNING, AFTERNOON]),
          breaks: ['10:30-10:45'],
          holidays: HOLIDAYS,
        },
      },
      {
        // Extended access: two evenings by video or telephone, and a Saturday morning at the surgery.
        serviceType: 'gp',
        serviceDisplay: 'GP appointment (extended access)',
        channels: ['Video', 'Telephone', 'In-person'],
        template: {
          slotMinutes: 15,
          sessions: { ...days(['tue', 'thu'], ['18:30-20:00']), sat: ['09:00-12:00'] },
          holidays: HOLIDAYS,
        },
      },
    ],
  },
  {
    name: { prefix: ['Nurse'], given: ['Priya'], family: 'Shah' },
    qualification: 'Practice nurse',
    schedules: [
      {
        serviceType: 'nurse',
        serviceDisplay: 'Nurse appointment',
        channels: ['In-person', 'Telephone'],
        template: {
          slotMinutes: 20,
          sessions: days(WEEKDAYS, ['08:30-12:30', '13:30-17:30']),
          holidays: HOLIDAYS,
        },
      },
    ],
  },
  {
    name: { prefix: ['Mr'], given: ['Sam'], family: 'Okafor' },
    qualification: 'Clinical pharmacist',
    schedules: [
      {
        serviceType: 'pharmacist',
        serviceDisplay: 'Medication review',
        channels: ['Telephone', 'Video'],
        template: { slotMinutes: 30, sessions: days(['mon', 'wed', 'fri'], ['09:00-12:30']), holidays: HOLIDAYS },
      },
    ],
  },
];

/**
 * Creates the demo practitioners and their schedules in `timeZone`, unless any practitioner
 * exists. Returns whether it seeded. Slots come from the planning-horizon generation.
 */
export async function seedDemoPractice(storage: Storage, timeZone: string): Promise<boolean> {
  return storage.transaction(async (tx) => {
    // One seeder at a time, even with several instances starting together on one PostgreSQL.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [4_211_338]);
    const repo = new BookingRepository(tx);
    if ((await repo.countPractitioners()) > 0) return false;
    for (const clinician of DEMO_CLINICIANS) {
      const practitionerId = await repo.createPractitioner({
        name: clinician.name,
        qualification: clinician.qualification,
      });
      for (const schedule of clinician.schedules) {
        await repo.createSchedule({ practitionerId, ...schedule, timeZone });
      }
    }
    return true;
  });
}
