/**
 * Wall-clock arithmetic in an IANA time zone: the contract's (packages/core/src/contract/zone.ts),
 * shared with core. Re-exported here for the booking code that imports it from its old place.
 */
export {
  WEEKDAYS,
  addDays,
  canonicalTimeZone,
  dateIn,
  daysBetween,
  firstInstantAt,
  formatDate,
  formatInstant,
  instantsAt,
  offsetMinutes,
  parseDate,
  startOfDay,
  wallClock,
  wallTimesToInstants,
  weekdayOf,
  type WallClock,
  type Weekday,
} from '@consultkit/core/contract';
