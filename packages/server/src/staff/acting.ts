/**
 * Who the member of staff acting is: the one seam between identity (the `oidc` work: a staff
 * session or a vouched assertion fills `caller.person`) and the directory, presence and call-in.
 *
 * Until every staff caller carries a person, the staff key may name the acting practitioner in the
 * `X-ConsultKit-Acting-Practitioner` header (the key vouches for it; docs/staff.md). Once a
 * caller has a person, the header is ignored.
 */
import type { FastifyRequest } from 'fastify';
import type { StaffPerson } from '@consultkit/core/contract';
import type { Caller } from '../auth.js';
import { HttpError } from '../errors.js';
import type { Directory } from './directory.js';

export const ACTING_HEADER = 'x-consultkit-acting-practitioner';

/** The acting person of a staff caller, or undefined (a system acting with the key alone). */
export async function actingPerson(
  request: FastifyRequest,
  caller: Caller,
  directory: Directory,
): Promise<StaffPerson | undefined> {
  if (caller.kind !== 'staff') return undefined;
  if (caller.person) return caller.person;
  const raw = request.headers[ACTING_HEADER];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) {
    throw new HttpError(400, 'value', `${ACTING_HEADER}: expected one practitioner id ("12")`);
  }
  const person = await directory.person(Number(raw));
  if (!person) throw new HttpError(400, 'value', `${ACTING_HEADER}: no active practitioner has id ${raw}`);
  return person;
}
