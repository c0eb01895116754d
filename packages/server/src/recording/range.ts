/**
 * `Range: bytes=…` (RFC 9110 §14) for one file of `size` bytes, as a `<video>` element and curl send
 * it. The answer is one of:
 * - `undefined`: no Range, another unit, or a header that does not parse: serve the whole file (200),
 *   as RFC 9110 lets a server ignore a Range it does not understand;
 * - `{ start, end }` (inclusive): serve those bytes (206). Of several ranges, the first satisfiable
 *   one is served alone (a single-part 206 says which in `Content-Range`; browsers ask for one);
 * - `'unsatisfiable'`: none of the ranges overlaps the file (416, `Content-Range: bytes *\/size`).
 */
export type ByteRange = { start: number; end: number } | 'unsatisfiable' | undefined;

/** More ranges than this in one header is an attack, not a player: the header is ignored. */
const MAX_RANGES = 16;

export function parseRange(header: string | string[] | undefined, size: number): ByteRange {
  if (header === undefined) return undefined;
  // Repeated Range headers: ambiguous, so ignored.
  if (Array.isArray(header)) return undefined;
  const match = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
  if (!match || header.length > 1000) return undefined;
  const specs = match[1]!.split(',').map((part) => part.trim());
  if (specs.length > MAX_RANGES) return undefined;
  const ranges: { start: number; end: number }[] = [];
  for (const spec of specs) {
    const parts = /^(\d{0,15})-(\d{0,15})$/.exec(spec);
    if (!parts || (parts[1] === '' && parts[2] === '')) return undefined;
    if (parts[1] === '') {
      // A suffix: the last n bytes.
      const length = Number(parts[2]);
      if (length === 0) continue;
      ranges.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(parts[1]);
    const end = parts[2] === '' ? size - 1 : Number(parts[2]);
    if (end < start) return undefined;
    if (start >= size) continue;
    ranges.push({ start, end: Math.min(end, size - 1) });
  }
  const first = ranges.find((range) => range.start <= range.end);
  return first ?? 'unsatisfiable';
}
