/**
 * Writes the staff audit for every request a member of staff (or the staff key) makes that
 * changes something, and for reads of clinical content (documents, chat, the audit itself), with
 * the answer's status: refusals are audited too. The row is written before the answer is sent.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CHAT_ID } from '@consultkit/core/contract';
import type { Auth } from '../auth.js';
import type { StaffAudit } from './audit.js';

/** Route (method and pattern) → the action's name in the audit. Others: `METHOD pattern`. */
const ACTIONS: Record<string, string> = {
  'POST /fhir/Appointment': 'appointment.create',
  'POST /fhir/Patient': 'patient.create',
  'POST /api/consultations/ad-hoc': 'consultation.start-now',
  'POST /api/consultations/:id/clinician-token': 'consultation.join-as-clinician',
  'POST /api/consultations/:id/guests': 'consultation.invite-guest',
  'DELETE /api/consultations/:id/guests/:gid': 'consultation.remove-guest',
  'POST /api/consultations/:id/call-in': 'consultation.call-in-colleague',
  'PUT /api/presence': 'staff.presence',
  'POST /api/staff-conversations': 'staff-chat.start',
  'POST /api/staff-conversations/:id/messages': 'staff-chat.post',
  'PUT /api/staff-conversations/:id/read': 'staff-chat.read-mark',
  'POST /api/consultations/:id/invitations': 'consultation.issue-link',
  'POST /api/consultations/:id/documents/:doc/$file': 'document.file',
  'GET /api/consultations/:id/documents': 'document.list',
  'GET /api/consultations/:id/documents/:doc': 'document.read',
  'GET /api/consultations/:id/documents/:doc/link': 'document.read',
  'GET /fhir/DocumentReference': 'document.search',
  'GET /fhir/DocumentReference/:id': 'document.read',
  'GET /fhir/Binary/:id': 'document.read',
  'GET /api/consultations/:id/messages': 'chat.read',
  'GET /api/audit': 'audit.read',
  'POST /api/staff/sign-out': 'staff.sign-out',
};

/** Reads worth an audit row: clinical content and the audit. */
const READS = new Set(Object.keys(ACTIONS).filter((route) => route.startsWith('GET ')));

/** What the action was about: `Appointment/12`, `DocumentReference/…`, else the path. */
function resourceOf(request: FastifyRequest): string {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const route = request.routeOptions.url ?? '';
  if (route.startsWith('/api/consultations/:id') && params['id']) return `Appointment/${params['id'].slice(0, 20)}`;
  if (route.startsWith('/api/staff-conversations/:id') && params['id'])
    return `StaffConversation/${params['id'].slice(0, 40)}`;
  const started = (request.body as { id?: unknown } | undefined)?.id;
  if (route === '/api/staff-conversations' && typeof started === 'string' && CHAT_ID.test(started))
    return `StaffConversation/${started}`;
  const fhir = /^\/fhir\/([A-Za-z]+)\/:id/.exec(route);
  if (fhir && params['id']) return `${fhir[1]}/${params['id'].slice(0, 64)}`;
  return request.url.split('?')[0]!.slice(0, 200);
}

/** Appointment changes name the status they set (`appointment.booked`, `appointment.cancelled`). */
function actionOf(request: FastifyRequest, route: string): string {
  if (/^(PUT|PATCH) \/fhir\/Appointment\/:id$/.test(route)) {
    const body = request.body as Record<string, unknown> | unknown[] | undefined;
    const status = Array.isArray(body)
      ? (body.find((op) => (op as { path?: unknown })?.path === '/status') as { value?: unknown } | undefined)?.value
      : body?.['status'];
    return typeof status === 'string' && /^[a-z-]{1,30}$/.test(status) ? `appointment.${status}` : 'appointment.update';
  }
  return ACTIONS[route] ?? route;
}

export function installStaffAudit(app: FastifyInstance, { auth, audit }: { auth: Auth; audit: StaffAudit }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) && !READS.has(route)) return payload;
    const decided = await auth.decidedFor(request);
    if (decided?.caller.kind !== 'staff') return payload;
    await audit.write({
      person: decided.caller.person,
      via: decided.via ?? 'system',
      action: actionOf(request, route),
      resource: resourceOf(request),
      status: reply.statusCode,
      from: request.ip,
    });
    return payload;
  });
}
