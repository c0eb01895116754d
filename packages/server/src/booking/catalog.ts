/**
 * The practice's schedules, held in memory for slot search: a practice has tens of them and they
 * change rarely, while every search needs them (the slots' service type and time zone, the
 * `_include`d Schedules, a clinician's or a service's schedule ids). Each search checks one cheap
 * stamp (counts, highest ids, latest `updated_at` of schedules and practitioners) and reloads the
 * lot when it moved, so a schedule added or changed by any instance is seen by the next search.
 * On PGlite, which runs one query at a time, this turns three queries per search into two cheap
 * ones (docs/decisions/0011-slot-search.md).
 */
import type { BookingRepository, ScheduleFilter, ScheduleRow } from './repository.js';

export class ScheduleCatalog {
  #stamp: string | undefined;
  #byId = new Map<number, ScheduleRow>();
  #loading: Promise<void> | undefined;

  constructor(private readonly repo: BookingRepository) {}

  /** The schedules as they are now (reloaded when the stamp moved). */
  async current(): Promise<ReadonlyMap<number, ScheduleRow>> {
    const stamp = await this.repo.schedulesStamp();
    return stamp === this.#stamp ? this.#byId : this.reload(stamp);
  }

  /** Loads every schedule again (one load at a time; concurrent callers share it). */
  async reload(stamp?: string): Promise<ReadonlyMap<number, ScheduleRow>> {
    this.#loading ??= (async () => {
      try {
        const next = stamp ?? (await this.repo.schedulesStamp());
        const rows = await this.repo.allSchedules();
        this.#byId = new Map(rows.map((row) => [row.id, row]));
        this.#stamp = next;
      } finally {
        this.#loading = undefined;
      }
    })();
    await this.#loading;
    return this.#byId;
  }

  /** Ids of the schedules matching every filter given, in id order. */
  static matching(schedules: ReadonlyMap<number, ScheduleRow>, filter: ScheduleFilter): number[] {
    return [...schedules.values()]
      .filter(
        (row) =>
          (!filter.ids || filter.ids.includes(row.id)) &&
          (!filter.practitionerIds || filter.practitionerIds.includes(row.practitioner_id)) &&
          (!filter.serviceTypes || filter.serviceTypes.includes(row.service_type)),
      )
      .map((row) => row.id)
      .sort((a, b) => a - b);
  }
}
