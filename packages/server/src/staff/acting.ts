/**
 * Who the member of staff acting is: the one seam between identity (the `oidc` work: a staff
 * session or a vouched assertion fills `caller.person`) and the directory, presence and call-in.
 *
 * Until every staff caller carries a person, the staff key may name the acting practitioner in the
 * `ConsultKit-Acting-Practitioner` header (the key vouches for it; docs/staff.md), the header the
 * `oidc` work's `Auth` reads too. Once a caller has a person, it is theirs.
 */
import type { FastifyRequest } from 'fastify';
import type { StaffPerson } from '@consultkit/core/contract';
import type { Caller } from '../auth.js';
import { HttpError } from '../errors.js';
import type { Directory } from './directory.js';

export const ACTING_HEADER = 'consultkit-acting-practitioner';

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
  const id = typeof raw === 'string' ? /^\s*(?:Practitioner\/)?(\d{1,9})\s*$/.exec(raw)?.[1] : undefined;
  if (!id) {
    throw new HttpError(
      400,
      'value',
      'ConsultKit-Acting-Practitioner: expected one Practitioner id ("12" or "Practitioner/12")',
    );
  }
  const person = await directory.person(Number(id));
  if (!person)
    throw new HttpError(
      403,
      'forbidden',
      `ConsultKit-Acting-Practitioner: Practitioner/${id} is not a member of staff here`,
    );
  return person;
}
