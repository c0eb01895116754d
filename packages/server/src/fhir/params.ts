/**
 * FHIR search parameters: names checked against what each search supports, dates with prefixes,
 * references, tokens and paging. A parameter that cannot be understood is a 400 saying why.
 */
import { HttpError } from '../errors.js';
import { addDays, firstInstantAt, formatDate, parseDate, startOfDay } from '../booking/zone.js';

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 500;
/** The largest id the database holds (`integer`). */
const MAX_ID = 2_147_483_647;

function invalid(message: string): HttpError {
  return new HttpError(400, 'value', message);
}

/** Parses a FHIR id of ours (digits); `undefined` when it cannot be one of ours. */
export function parseId(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const id = Number(text);
  return id >= 1 && id <= MAX_ID ? id : undefined;
}

/** `Prefer: handling=…`: strict (the default) refuses what it cannot understand; lenient ignores it. */
export type Handling = 'strict' | 'lenient';

/** How a search pages: by `_offset` (small tables) or by an opaque keyset `_cursor` (slots). */
export type Paging = 'offset' | 'cursor';

/** The parameters every search takes besides its own. */
const COMMON = ['_count', '_total', '_summary', '_format'];

/** The parameters of one search, with every name checked. Empty values are ignored (as FHIR asks). */
export class SearchParams {
  private readonly values = new Map<string, string[]>();
  /** Accepted parameters in order, for the Bundle's links. */
  readonly accepted: [string, string][] = [];
  /** What `handling=lenient` let through unread, for the Bundle's OperationOutcome. */
  readonly ignored: string[] = [];

  constructor(
    readonly type: string,
    query: unknown,
    supported: readonly string[],
    readonly options: { handling?: Handling; paging?: Paging } = {},
  ) {
    const paging = options.paging ?? 'offset';
    const all = [...supported, ...COMMON, paging === 'cursor' ? '_cursor' : '_offset'];
    const entries =
      query && typeof query === 'object'
        ? Object.entries(query as Record<string, unknown>)
        : ([] as [string, unknown][]);
    for (const [name, raw] of entries) {
      if (!all.includes(name)) {
        if (options.handling === 'lenient') {
          this.ignored.push(name);
          continue;
        }
        const modifier = name.includes(':') ? ' (modifiers are not supported)' : '';
        const hint =
          name === '_offset' && paging === 'cursor'
            ? `; ${type} search pages by cursor: follow the Bundle's next link`
            : `; supported: ${supported.join(', ')}, ${all.slice(supported.length).join(', ')}`;
        throw new HttpError(400, 'not-supported', `Unknown search parameter "${name}" for ${type}${modifier}${hint}`);
      }
      const list = (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && v !== '');
      if (list.length === 0) continue;
      this.values.set(name, list);
      if (!['_count', '_offset', '_cursor'].includes(name)) for (const value of list) this.accepted.push([name, value]);
    }
    const format = this.single('_format');
    if (format !== undefined && !['json', 'application/json', 'application/fhir+json'].includes(format)) {
      throw new HttpError(
        406,
        'not-supported',
        `_format: only JSON is served (json, application/fhir+json), not "${format}"`,
      );
    }
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  /** A parameter that may appear once (a comma list where it takes several values). */
  single(name: string): string | undefined {
    const list = this.all(name);
    if (list.length > 1) throw invalid(`${name}: give it once (use a comma-separated list for several values)`);
    return list[0];
  }

  /** `_count`: 0 to 500 (more is capped at 500), default 100. */
  count(): number {
    const raw = this.single('_count');
    if (raw === undefined) return DEFAULT_COUNT;
    if (!/^\d{1,9}$/.test(raw)) throw invalid(`_count: expected a whole number from 0 to ${MAX_COUNT}, got "${raw}"`);
    return Math.min(Number(raw), MAX_COUNT);
  }

  /** `_offset`: where the page starts, default 0. */
  offset(): number {
    const raw = this.single('_offset');
    if (raw === undefined) return 0;
    if (!/^\d{1,9}$/.test(raw)) throw invalid(`_offset: expected a whole number from 0, got "${raw}"`);
    return Number(raw);
  }

  /** `_total`: `none` (the default) skips counting; `accurate` and `estimate` count (exactly). */
  total(): boolean {
    const raw = this.single('_total');
    if (raw === undefined || raw === 'none') return false;
    if (raw === 'accurate' || raw === 'estimate') return true;
    throw invalid(`_total: expected none, estimate or accurate, got "${raw}"`);
  }

  /** `_summary`: `count` (the total only, no entries) or `false` (everything, as without it). */
  summaryCount(): boolean {
    const raw = this.single('_summary');
    if (raw === undefined || raw === 'false') return false;
    if (raw === 'count') return true;
    if (this.options.handling === 'lenient') {
      this.ignored.push(`_summary=${raw}`);
      return false;
    }
    throw new HttpError(400, 'not-supported', `_summary: only count and false are supported, not "${raw}"`);
  }

  /** `_cursor`: where the page starts, as the `next` link of the page before gave it. */
  cursor(): { start: number; id: number } | undefined {
    const raw = this.single('_cursor');
    if (raw === undefined) return undefined;
    const text = /^[A-Za-z0-9_-]{1,40}$/.test(raw) ? Buffer.from(raw, 'base64url').toString('latin1') : '';
    const match = /^(\d{1,15})\.(\d{1,10})$/.exec(text);
    const id = match ? parseId(match[2]!) : undefined;
    if (!match || id === undefined) {
      throw invalid(`_cursor: "${raw}" is not a cursor of this server; follow the Bundle's next link`);
    }
    return { start: Number(match[1]), id };
  }

  /** `_include`: whether each value is one of `allowed` (`Slot:schedule` or `Slot:schedule:Schedule`). */
  include(allowed: string, target: string): boolean {
    const values = this.all('_include');
    for (const value of values) {
      if (value !== allowed && value !== `${allowed}:${target}`) {
        throw invalid(`_include: only ${allowed} is supported here, not "${value}"`);
      }
    }
    return values.length > 0;
  }

  /** `_sort`: only the one order the search has. */
  sort(only: string): void {
    const raw = this.single('_sort');
    if (raw !== undefined && raw !== only) throw invalid(`_sort: results are sorted by ${only} only, not "${raw}"`);
  }

  /** Comma-separated references to `type` (`Practitioner/1`, `1`, or an absolute URL), as ids. */
  references(name: string, type: string): number[] | undefined {
    const raw = this.single(name);
    if (raw === undefined) return undefined;
    return raw.split(',').map((item) => {
      const match = new RegExp(`^(?:(?:https?://\\S+/)?${type}/)?([^/]+)$`).exec(item.trim());
      const id = match ? parseId(match[1]!) : undefined;
      if (id === undefined) throw invalid(`${name}: expected ${type}/<id> (ids are numbers), got "${item}"`);
      return id;
    });
  }

  /** Comma-separated codes, each one of `codes`. */
  codes<T extends string>(name: string, codes: readonly T[]): T[] | undefined {
    const raw = this.single(name);
    if (raw === undefined) return undefined;
    return raw.split(',').map((code) => {
      if (!(codes as readonly string[]).includes(code)) {
        throw invalid(`${name}: "${code}" is not one of ${codes.join(', ')}`);
      }
      return code as T;
    });
  }

  /**
   * Comma-separated tokens `[system|]code`. Codes of another system match nothing; `system|`
   * matches every code of ours (`undefined`).
   */
  tokens(name: string, system: string): string[] | undefined {
    const raw = this.single(name);
    if (raw === undefined) return undefined;
    const codes: string[] = [];
    for (const token of raw.split(',')) {
      const bar = token.indexOf('|');
      const tokenSystem = bar === -1 ? undefined : token.slice(0, bar);
      const code = bar === -1 ? token : token.slice(bar + 1);
      if (tokenSystem !== undefined && tokenSystem !== '' && tokenSystem !== system) continue;
      if (code === '' && tokenSystem === system) return undefined;
      if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(code)) throw invalid(`${name}: "${token}" is not a code`);
      codes.push(code);
    }
    return codes;
  }

  /** Every `name` date condition, combined: the instants from `from` (inclusive) to `to` (exclusive). */
  dateRange(name: string, zone: string): { from?: number; to?: number } {
    let from: number | undefined;
    let to: number | undefined;
    for (const value of this.all(name)) {
      const condition = parseDateCondition(name, value, zone);
      if (condition.from !== undefined) from = from === undefined ? condition.from : Math.max(from, condition.from);
      if (condition.to !== undefined) to = to === undefined ? condition.to : Math.min(to, condition.to);
    }
    // Keep within years 1000–9999, which every engine and Date.toISOString spell alike.
    const clamp = (ms: number) => Math.min(Math.max(ms, EARLIEST), LATEST);
    return { ...(from !== undefined ? { from: clamp(from) } : {}), ...(to !== undefined ? { to: clamp(to) } : {}) };
  }
}

const EARLIEST = Date.UTC(1000, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The start of `date` in `zone`; past the year 9999, the end of time as far as we go. */
function dayStart(date: string, zone: string): number {
  return parseDate(date) ? startOfDay(date, zone) : LATEST;
}

const DATE_VALUE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const DATE_HELP = 'a date (YYYY, YYYY-MM, YYYY-MM-DD) or a time (2026-11-24T09:00:00Z, or local without a zone)';

/**
 * The instants a FHIR date search value covers, `[from, to)`: a date without a time is the whole
 * day (month, year) in the practice's time zone; a time without a zone is local there too.
 */
export function parseDateValue(name: string, text: string, zone: string): [number, number] {
  const match = DATE_VALUE.exec(text);
  const bad = () => invalid(`${name}: "${text}" is not ${DATE_HELP}`);
  if (!match) throw bad();
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const year = Number(y);
  if (year < 1000) throw bad();
  if (mo === undefined) return [dayStart(`${y}-01-01`, zone), dayStart(formatDate(year + 1, 1, 1), zone)];
  const month = Number(mo);
  if (month < 1 || month > 12) throw bad();
  if (d === undefined) {
    const first = formatDate(year, month, 1);
    const next = month === 12 ? formatDate(year + 1, 1, 1) : formatDate(year, month + 1, 1);
    return [dayStart(first, zone), dayStart(next, zone)];
  }
  const date = `${y}-${mo}-${d}`;
  if (!parseDate(date)) throw bad();
  if (h === undefined) return [dayStart(date, zone), dayStart(addDays(date, 1), zone)];
  const [hour, minute, second] = [Number(h), Number(mi), Number(s ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) throw bad();
  const width = fraction ? 1 : s !== undefined ? 1000 : 60_000;
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  if (offset !== undefined) {
    if (offset !== 'Z') {
      const [oh, om] = offset.slice(1).split(':').map(Number) as [number, number];
      if (oh > 14 || om > 59) throw bad();
    }
    const instant = Date.parse(`${date}T${h}:${mi}:${String(second).padStart(2, '0')}${offset}`) + millis;
    if (Number.isNaN(instant)) throw bad();
    return [instant, instant + width];
  }
  const local = firstInstantAt(date, hour * 60 + minute, zone);
  if (local === undefined) {
    throw invalid(`${name}: ${text} does not exist in ${zone} (the clocks skip it); give a time with a zone`);
  }
  const instant = local + second * 1000 + millis;
  return [instant, instant + width];
}

/** One `[prefix]value` condition as a range of start instants. */
function parseDateCondition(name: string, value: string, zone: string): { from?: number; to?: number } {
  const match = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(value)!;
  const prefix = match[1] ?? 'eq';
  if (!['eq', 'gt', 'lt', 'ge', 'le'].includes(prefix)) {
    throw new HttpError(
      400,
      'not-supported',
      `${name}: the prefix "${prefix}" is not supported; use eq, ge, gt, le or lt`,
    );
  }
  const [low, high] = parseDateValue(name, match[2]!, zone);
  switch (prefix) {
    case 'ge':
      return { from: low };
    case 'gt':
      return { from: high };
    case 'le':
      return { to: high };
    case 'lt':
      return { to: low };
    default:
      return { from: low, to: high };
  }
}

/** The opaque `_cursor` for the page after the row at `start` (epoch ms) with `id`. */
export function encodeCursor(start: number, id: number): string {
  return Buffer.from(`${start}.${id}`, 'latin1').toString('base64url');
}
