/**
 * Named staff (docs/staff.md): identity-provider accounts linked to FHIR Practitioners, their roles,
 * the sign-ins in flight and the server-side sessions. Tokens given to browsers are random; only
 * their SHA-256 is stored, so a copy of the database opens no session.
 */
import { createHash, randomBytes } from 'node:crypto';
import { STAFF_ROLES, type StaffPerson, type StaffRole } from '@consultkit/core/contract';
import type { HumanNameJson } from '../booking/repository.js';
import { displayName } from '../booking/service.js';
import type { SqlExecutor, Storage } from '../storage/index.js';

/** A random token for a cookie: 32 bytes, base64url (43 characters). */
export const randomToken = (): string => randomBytes(32).toString('base64url');
/** What is stored for a token. */
export const digest = (token: string): string => createHash('sha256').update(token).digest('base64url');
/** The shape of {@link randomToken}: anything else is not ours and is not looked up. */
export const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A sign-in in flight: what the provider's answer is checked against. */
export interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

/** What the identity provider said about the person (from the verified ID token). */
export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  name: HumanNameJson;
  roles: StaffRole[];
}

const rolesOf = (value: unknown): StaffRole[] =>
  Array.isArray(value) ? STAFF_ROLES.filter((role) => value.includes(role)) : [];

export class StaffAccounts {
  constructor(
    private readonly storage: Storage,
    private readonly now: () => number,
  ) {}

  /** Keeps a sign-in for `seconds`, bound to the browser holding `browser` (a cookie's token). */
  async saveLogin(login: PendingLogin, browser: string, seconds: number): Promise<void> {
    const at = new Date(this.now());
    // Sign-ins never finished are swept as new ones start.
    await this.storage.query('DELETE FROM staff_login WHERE expires_at <= $1', [at]);
    await this.storage.query(
      'INSERT INTO staff_login (state, browser, nonce, verifier, return_to, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [
        login.state,
        digest(browser),
        login.nonce,
        login.verifier,
        login.returnTo,
        new Date(at.getTime() + seconds * 1000),
      ],
    );
  }

  /**
   * Takes the sign-in `state` names, once: it is deleted whatever happens next, so a replayed answer
   * finds nothing. Undefined when unknown, expired, or started in another browser.
   */
  async takeLogin(state: string, browser: string | undefined): Promise<PendingLogin | undefined> {
    const rows = await this.storage.query<{
      browser: string;
      nonce: string;
      verifier: string;
      return_to: string;
      expires_at: Date;
    }>('DELETE FROM staff_login WHERE state = $1 RETURNING browser, nonce, verifier, return_to, expires_at', [state]);
    const row = rows[0];
    if (!row || !browser || row.browser !== digest(browser)) return undefined;
    if (new Date(row.expires_at).getTime() <= this.now()) return undefined;
    return { state, nonce: row.nonce, verifier: row.verifier, returnTo: row.return_to };
  }

  /**
   * The Practitioner an identity-provider account is, with the roles the provider gave this time:
   * the linked one, else a new Practitioner linked to the account (first sign-in). The roles and
   * name are stored, so the staff key can name this person later (`ConsultKit-Acting-Practitioner`).
   */
  async signedIn(identity: VerifiedIdentity): Promise<StaffPerson> {
    const at = new Date(this.now());
    return this.storage.transaction(async (tx) => {
      const linked = await tx.query<{ practitioner_id: number }>(
        'UPDATE staff_identity SET last_sign_in_at = $3 WHERE issuer = $1 AND subject = $2 RETURNING practitioner_id',
        [identity.issuer, identity.subject, at],
      );
      let id = linked[0]?.practitioner_id;
      if (id === undefined) {
        const made = await tx.query<{ id: number }>(
          'INSERT INTO practitioner (name, created_at, updated_at) VALUES ($1, $2, $2) RETURNING id',
          [JSON.stringify(identity.name), at],
        );
        id = made[0]!.id;
        await tx.query(
          'INSERT INTO staff_identity (issuer, subject, practitioner_id, created_at, last_sign_in_at) VALUES ($1, $2, $3, $4, $4)',
          [identity.issuer, identity.subject, id, at],
        );
      }
      await setRoles(tx, id, identity.roles, at);
      const person = await personWithin(tx, id);
      return person!;
    });
  }

  /** Links an account to an existing Practitioner ahead of its first sign-in (the demo's users). */
  async link(issuer: string, subject: string, practitionerId: number): Promise<void> {
    const at = new Date(this.now());
    await this.storage.query(
      `INSERT INTO staff_identity (issuer, subject, practitioner_id, created_at, last_sign_in_at)
       VALUES ($1, $2, $3, $4, $4) ON CONFLICT (issuer, subject) DO NOTHING`,
      [issuer, subject, practitionerId, at],
    );
  }

  /** Sets a member of staff's roles (a practice admin, a test, the demo's seed). */
  async setRoles(practitionerId: number, roles: readonly StaffRole[]): Promise<void> {
    await setRoles(this.storage, practitionerId, roles, new Date(this.now()));
  }

  /** A member of staff by Practitioner id (with their stored roles); undefined when not staff. */
  person(practitionerId: number): Promise<StaffPerson | undefined> {
    return personWithin(this.storage, practitionerId);
  }

  /** Starts a session for `person`; returns the token for the cookie. */
  async startSession(person: StaffPerson, issuer: string, from: string, seconds: number): Promise<string> {
    const token = randomToken();
    const at = this.now();
    await this.storage.query(
      `INSERT INTO staff_session (id, practitioner_id, name, roles, issuer, created_at, expires_at, from_address)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        digest(token),
        Number(person.id),
        person.name,
        JSON.stringify(person.roles),
        issuer,
        new Date(at),
        new Date(at + seconds * 1000),
        from,
      ],
    );
    return token;
  }

  /** The person of a live session; undefined when the token is unknown, expired or revoked. */
  async session(token: string): Promise<StaffPerson | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const rows = await this.storage.query<{ practitioner_id: number; name: string; roles: unknown }>(
      'SELECT practitioner_id, name, roles FROM staff_session WHERE id = $1 AND revoked_at IS NULL AND expires_at > $2',
      [digest(token), new Date(this.now())],
    );
    const row = rows[0];
    return row ? { id: String(row.practitioner_id), name: row.name, roles: rolesOf(row.roles) } : undefined;
  }

  /** Ends a session (sign-out): the token opens nothing from now on. */
  async endSession(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    await this.storage.query('UPDATE staff_session SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [
      digest(token),
      new Date(this.now()),
    ]);
  }

  /** Ends every session of a person (they left the practice; their roles changed). */
  async endSessionsOf(practitionerId: number): Promise<number> {
    const rows = await this.storage.query(
      'UPDATE staff_session SET revoked_at = $2 WHERE practitioner_id = $1 AND revoked_at IS NULL RETURNING id',
      [practitionerId, new Date(this.now())],
    );
    return rows.length;
  }
}

async function setRoles(tx: SqlExecutor, practitionerId: number, roles: readonly StaffRole[], at: Date) {
  await tx.query(
    `INSERT INTO staff_member (practitioner_id, roles, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (practitioner_id) DO UPDATE SET roles = EXCLUDED.roles, updated_at = EXCLUDED.updated_at`,
    [practitionerId, JSON.stringify(roles), at],
  );
}

async function personWithin(tx: SqlExecutor, practitionerId: number): Promise<StaffPerson | undefined> {
  const rows = await tx.query<{ id: number; name: HumanNameJson; roles: unknown }>(
    `SELECT p.id, p.name, m.roles FROM practitioner p JOIN staff_member m ON m.practitioner_id = p.id
     WHERE p.id = $1 AND p.active`,
    [practitionerId],
  );
  const row = rows[0];
  return row ? { id: String(row.id), name: displayName(row.name), roles: rolesOf(row.roles) } : undefined;
}
