/**
 * The practice's schedules, held in memory for slot search: a practice has tens of them and they
 * change rarely, while every search needs them (the slots' service type and time zone, the
 * `_include`d Schedules, a clinician's or a service's schedule ids). A cheap stamp (counts,
 * highest ids, latest `updated_at` of schedules and practitioners) is asked at most once a second
 * (`maxAgeMs`), and the lot reloaded when it moved: a schedule changed by another instance is seen
 * within a second. A search naming a schedule or clinician the catalog does not know, or finding a
 * slot of an unknown schedule, reloads at once, so a new schedule is never missed. On PGlite, which
 * runs one query at a time, a search is one query (docs/decisions/0011-slot-search.md, 0029).
 */
import type { BookingRepository, ScheduleFilter, ScheduleRow } from './repository.js';

export interface ScheduleCatalogOptions {
  /** How long a stamp check holds, in ms (default 1000; 0 checks on every search). */
  maxAgeMs?: number;
  now?: () => number;
}

export class ScheduleCatalog {
  #stamp: string | undefined;
  #byId = new Map<number, ScheduleRow>();
  #practitioners = new Set<number>();
  #serviceTypes = new Set<string>();
  #loading: Promise<void> | undefined;
  #checking: Promise<ReadonlyMap<number, ScheduleRow>> | undefined;
  /** When the stamp was last found current. */
  #checkedAt = -Infinity;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(
    private readonly repo: BookingRepository,
    options: ScheduleCatalogOptions = {},
  ) {
    this.#maxAgeMs = options.maxAgeMs ?? 1000;
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * The schedules as they are now: the stamp is asked when the last check is older than
   * `maxAgeMs`, and everything reloaded when it moved, or at once when `filter` names a
   * schedule, clinician or service the catalog does not know.
   */
  async current(filter: ScheduleFilter = {}): Promise<ReadonlyMap<number, ScheduleRow>> {
    if (this.#unknown(filter)) return this.reload();
    if (this.#now() - this.#checkedAt < this.#maxAgeMs) return this.#byId;
    // Concurrent searches share one check.
    this.#checking ??= (async () => {
      try {
        const stamp = await this.repo.schedulesStamp();
        const schedules = stamp === this.#stamp ? this.#byId : await this.reload(stamp);
        this.#checkedAt = this.#now();
        return schedules;
      } finally {
        this.#checking = undefined;
      }
    })();
    return this.#checking;
  }

  #unknown(filter: ScheduleFilter): boolean {
    return (
      (filter.ids?.some((id) => !this.#byId.has(id)) ?? false) ||
      (filter.practitionerIds?.some((id) => !this.#practitioners.has(id)) ?? false) ||
      (filter.serviceTypes?.some((code) => !this.#serviceTypes.has(code)) ?? false)
    );
  }

  /** Loads every schedule again (one load at a time; concurrent callers share it). */
  async reload(stamp?: string): Promise<ReadonlyMap<number, ScheduleRow>> {
    this.#loading ??= (async () => {
      try {
        const next = stamp ?? (await this.repo.schedulesStamp());
        const rows = await this.repo.allSchedules();
        this.#byId = new Map(rows.map((row) => [row.id, row]));
        this.#practitioners = new Set(rows.map((row) => row.practitioner_id));
        this.#serviceTypes = new Set(rows.map((row) => row.service_type));
        this.#stamp = next;
        this.#checkedAt = this.#now();
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
