/**
 * The demo practice, Riverside Surgery, seeded at start when `CONSULTKIT_SEED_DEMO` is on and the
 * database has no practitioner yet. Its sessions make sure that today and tomorrow always have
 * free slots, whatever the day and hour the server starts: Dr Tom Evans works 08:00–20:00 every
 * day and the out-of-hours video clinic covers the evening and night.
 */
import type { Storage } from '../storage/index.js';
import { BookingRepository, type DeliveryChannel, type HumanNameJson } from './repository.js';
import type { WeeklyTemplate } from './template.js';

export const DEMO_PRACTICE_NAME = 'Riverside Surgery';

interface DemoClinician {
  name: HumanNameJson;
  qualification: string;
  serviceType: string;
  serviceDisplay: string;
  channels: DeliveryChannel[];
  template: WeeklyTemplate;
}

const WEEKDAYS_ONLY = (sessions: string[]) => ({
  mon: sessions,
  tue: sessions,
  wed: sessions,
  thu: sessions,
  fri: sessions,
});
const EVERY_DAY = (sessions: string[]) => ({ ...WEEKDAYS_ONLY(sessions), sat: sessions, sun: sessions });

export const DEMO_CLINICIANS: readonly DemoClinician[] = [
  {
    name: { prefix: ['Dr'], given: ['Amina'], family: 'Khan' },
    qualification: 'General practitioner',
    serviceType: 'gp',
    serviceDisplay: 'GP appointment',
    channels: ['Video', 'Telephone', 'In-person'],
    template: {
      slotMinutes: 10,
      sessions: { ...WEEKDAYS_ONLY(['08:30-12:30', '14:00-18:00']), sat: ['09:00-12:00'] },
      breaks: ['10:30-10:40', '15:30-15:40'],
    },
  },
  {
    name: { prefix: ['Dr'], given: ['Tom'], family: 'Evans' },
    qualification: 'General practitioner',
    serviceType: 'gp',
    serviceDisplay: 'GP appointment',
    channels: ['Video', 'Telephone', 'In-person'],
    template: { slotMinutes: 10, sessions: EVERY_DAY(['08:00-20:00']), breaks: ['13:00-13:30'] },
  },
  {
    name: { prefix: ['Nurse'], given: ['Priya'], family: 'Shah' },
    qualification: 'Practice nurse',
    serviceType: 'nurse',
    serviceDisplay: 'Nurse appointment',
    channels: ['In-person', 'Telephone'],
    template: {
      slotMinutes: 15,
      sessions: { ...WEEKDAYS_ONLY(['09:00-13:00', '14:00-17:00']), sat: ['09:00-12:00'], sun: ['10:00-12:00'] },
    },
  },
  {
    name: { prefix: ['Dr'], given: ['Leo'], family: 'Novak' },
    qualification: 'General practitioner (out-of-hours video clinic)',
    serviceType: 'gp',
    serviceDisplay: 'GP appointment',
    channels: ['Video'],
    template: { slotMinutes: 10, sessions: EVERY_DAY(['00:00-08:00', '18:00-24:00']) },
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
      await repo.createSchedule({
        practitionerId,
        serviceType: clinician.serviceType,
        serviceDisplay: clinician.serviceDisplay,
        channels: clinician.channels,
        template: clinician.template,
        timeZone,
      });
    }
    return true;
  });
}
