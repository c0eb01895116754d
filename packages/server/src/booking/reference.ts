/**
 * Booking references: `CK-7K4Q-M9XP-2HDT`. Twelve symbols from an alphabet of 32 with no 0/O or
 * 1/I to confuse (60 random bits), grouped in fours. The reference is the patient's key to their
 * booking, so it comes from the system's cryptographic random source.
 */
import { randomBytes } from 'node:crypto';

export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A booking reference as issued. */
export const BOOKING_REFERENCE = /^CK-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

/** A new booking reference: 60 bits from `randomBytes`. */
export function newBookingReference(): string {
  let bits = randomBytes(8).readBigUInt64BE() >> 4n; // 60 bits
  let symbols = '';
  for (let i = 0; i < 12; i++) {
    symbols = REFERENCE_ALPHABET[Number(bits & 31n)]! + symbols;
    bits >>= 5n;
  }
  return `CK-${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
}

/** A reference as a person might type it (any case, spaces around), or `undefined` if it cannot be one. */
export function normaliseBookingReference(text: string): string | undefined {
  const reference = text.trim().toUpperCase();
  return BOOKING_REFERENCE.test(reference) ? reference : undefined;
}
