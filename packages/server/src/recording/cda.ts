/**
 * A consultation's recording as an HL7 CDA R2 `ClinicalDocument` (docs/recording.md, "Export";
 * docs/decisions/0040-recording-export.md): the header (who, whose, when, kept by whom) and one
 * structured body with a narrative: the consultation's details with everyone's consent answers,
 * the chat transcript, and the recording as an `observationMedia` entry the narrative renders and
 * links to. It validates against the normative schema (`vendor/hl7-cda-r2`).
 *
 * XML is made by a tiny writer ({@link el}, {@link serialise}): element and attribute names come
 * from this code only; every text and attribute value is escaped when written, and characters XML
 * cannot carry (controls, lone surrogates) become U+FFFD. No string of the input is concatenated
 * into markup.
 */
import { createHash } from 'node:crypto';
import type { ChatMessage } from '@consultkit/core/contract';
import type { AppointmentRow, HumanNameJson } from '../booking/repository.js';
import { displayName } from '../booking/service.js';
import { CONSULT_NOTE, type ConsentRow, type Practice, type RecordingExportRow } from './export-fhir.js';

/** The registered media type of a CDA document (IANA, 2021; RFC 7303's rules for `+xml`). */
export const CDA_MEDIA_TYPE = 'application/cda+xml';

export const CDA_OID = {
  /** HL7 typeId root (the CDA R2 model, POCD_HD000040). */
  typeId: '2.16.840.1.113883.1.3',
  loinc: '2.16.840.1.113883.6.1',
  confidentiality: '2.16.840.1.113883.5.25',
  /** NHS number. */
  nhsNumber: '2.16.840.1.113883.2.1.4.1',
  /** NHS ODS organisation code. */
  odsOrganisation: '2.16.840.1.113883.2.1.3.2.4.19.1',
} as const;

// --- The tiny XML writer -----------------------------------------------------------------------

export interface XmlElement {
  name: string;
  attributes: Record<string, string | undefined>;
  children: XmlNode[];
}
/** An element, or text (escaped when written). */
export type XmlNode = XmlElement | string;

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** An element; `undefined`, `false` and `null` children are left out, as are undefined attributes. */
export function el(
  name: string,
  attributes: Record<string, string | undefined> = {},
  ...children: (XmlNode | XmlNode[] | undefined | false | null)[]
): XmlElement {
  if (!NAME.test(name)) throw new Error(`not an XML name: ${name}`);
  for (const key of Object.keys(attributes)) if (!NAME.test(key)) throw new Error(`not an XML name: ${key}`);
  const list: XmlNode[] = [];
  for (const child of children.flat()) if (child !== undefined && child !== false && child !== null) list.push(child);
  return { name, attributes, children: list };
}

/** What XML 1.0 cannot carry (controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF) becomes U+FFFD. */
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function escapeText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(text: string): string {
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

export function serialise(node: XmlNode): string {
  if (typeof node === 'string') return escapeText(node);
  const attributes = Object.entries(node.attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
    .join('');
  if (node.children.length === 0) return `<${node.name}${attributes}/>`;
  return `<${node.name}${attributes}>${node.children.map(serialise).join('')}</${node.name}>`;
}

// --- The document ------------------------------------------------------------------------------

export interface CdaInput {
  recording: RecordingExportRow;
  appointment: AppointmentRow;
  practice: Practice;
  /** The practice's identifier root (a UUID: {@link practiceRoot}). */
  root: string;
  consents: ConsentRow[];
  chat: ChatMessage[];
  /** The recording's media (the recording API's route). */
  url: string;
  /** SHA-1 of the file, base64 (undefined when the file cannot be read). */
  sha1: string | undefined;
  /** When the document is made. */
  now: Date;
}

/**
 * A stable UUID for the practice (name-based, SHA-1, as RFC 9562's version 5): from its ODS code
 * when it has one, else from its public URL. The document, patient and clinician ids hang under it.
 */
export function practiceRoot(practice: Practice, publicBase: string): string {
  const seed = practice.odsCode ? `ods:${practice.odsCode}` : `url:${publicBase}`;
  const bytes = createHash('sha1').update(`consultkit-practice:${seed}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A CDA `TS` (UTC): `20260302091500+0000`. */
export function cdaTime(at: Date | string | number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+0000`;
}

/** A person's name as a CDA `PN`: prefixes, given names, family name (or the text alone). */
function personName(name: HumanNameJson | undefined): XmlElement {
  if (!name) return el('name', { nullFlavor: 'UNK' });
  const parts = [
    ...(name.prefix ?? []).map((p) => el('prefix', {}, p)),
    ...(name.given ?? []).map((g) => el('given', {}, g)),
    ...(name.family ? [el('family', {}, name.family)] : []),
  ];
  if (parts.length === 0) return name.text ? el('name', {}, name.text) : el('name', { nullFlavor: 'UNK' });
  return el('name', {}, ...parts);
}

const ROLE = { patient: 'Patient', clinician: 'Clinician', guest: 'Guest' } as const;
const ANSWER = { asked: 'Asked', agreed: 'Agreed', declined: 'Declined', withdrawn: 'Withdrew' } as const;
const END = {
  declined: 'someone declined',
  withdrawn: 'someone withdrew their consent',
  stopped: 'the clinician stopped it',
  ended: 'the call ended',
} as const;

function table(headings: string[], rows: string[][]): XmlElement {
  return el(
    'table',
    { border: '1' },
    el('thead', {}, el('tr', {}, ...headings.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((cell) => el('td', {}, cell))))),
  );
}

function section(title: string, text: XmlNode[], ...entries: XmlElement[]): XmlElement {
  return el('component', {}, el('section', {}, el('title', {}, title), el('text', {}, ...text), ...entries));
}

/** The recording as a ClinicalDocument (UTF-8 text, with the XML declaration). */
export function recordingCda(input: CdaInput): string {
  const { recording, appointment, practice, root } = input;
  const zone = appointment.time_zone;
  const when = (at: Date | string) =>
    new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'medium', timeZone: zone }).format(new Date(at));
  const ended = recording.ended_at ?? recording.started_at;
  const clinician = displayName(appointment.practitioner_name);
  const patientName = appointment.patient_details.name[0];
  const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: zone }).format(recording.started_at);
  const title = `Video consultation with ${clinician} on ${day}: recording`;
  const birth = /^(\d{4})-(\d{2})-(\d{2})$/.exec(appointment.patient_details.birthDate);
  const nhsNumber = (appointment.patient_details as { nhsNumber?: unknown }).nhsNumber;
  const custodianId = practice.odsCode
    ? el('id', { root: CDA_OID.odsOrganisation, extension: practice.odsCode })
    : el('id', { root });
  const duration = recording.duration_seconds === null ? undefined : Math.round(Number(recording.duration_seconds));
  const contentType = recording.content_type ?? 'video/mp4';

  const details = [
    el(
      'paragraph',
      {},
      `Video consultation (appointment ${appointment.id}) with ${clinician} at ${practice.name}, booked for ${when(appointment.start_at)} (${zone}).`,
    ),
    el(
      'paragraph',
      {},
      `Recorded from ${when(recording.started_at)} to ${when(ended)}` +
        (duration !== undefined ? ` (${duration} seconds)` : '') +
        (recording.end_reason ? `; it ended because ${END[recording.end_reason]}.` : '.'),
    ),
    el('paragraph', {}, 'Everyone in the call was asked before anything was recorded. Their answers:'),
    input.consents.length
      ? table(
          ['Participant', 'Role', 'Answer', `When (${zone})`],
          input.consents.map((c) => [c.name, ROLE[c.role], ANSWER[c.answer], when(c.at)]),
        )
      : el('paragraph', {}, 'No answers are kept for this recording.'),
  ];
  const transcript = input.chat.length
    ? [
        table(
          [`When (${zone})`, 'From', 'Message'],
          input.chat.map((m) => [when(m.sentAt), `${m.name} (${ROLE[m.role] ?? m.role})`, m.text]),
        ),
      ]
    : [el('paragraph', {}, 'No messages were written in the chat.')];
  const media = [
    el('paragraph', {}, el('renderMultiMedia', { referencedObject: 'recording' })),
    el(
      'paragraph',
      {},
      'The recording (',
      contentType,
      duration !== undefined ? `, ${duration} seconds` : '',
      '): ',
      el('linkHtml', { href: input.url }, input.url),
      '. It opens for the people the practice lets watch it.',
      input.sha1 ? ` SHA-1 (base64): ${input.sha1}.` : '',
    ),
  ];

  const document = el(
    'ClinicalDocument',
    {
      xmlns: 'urn:hl7-org:v3',
      classCode: 'DOCCLIN',
      moodCode: 'EVN',
    },
    el('realmCode', { code: 'GB' }),
    el('typeId', { root: CDA_OID.typeId, extension: 'POCD_HD000040' }),
    el('id', { root, extension: recording.id }),
    el('code', {
      code: CONSULT_NOTE.code,
      codeSystem: CDA_OID.loinc,
      codeSystemName: 'LOINC',
      displayName: CONSULT_NOTE.display,
    }),
    el('title', {}, title),
    el('effectiveTime', { value: cdaTime(input.now) }),
    el('confidentialityCode', { code: 'N', codeSystem: CDA_OID.confidentiality, displayName: 'normal' }),
    el('languageCode', { code: 'en-GB' }),
    el(
      'recordTarget',
      {},
      el(
        'patientRole',
        {},
        typeof nhsNumber === 'string' && /^\d{10}$/.test(nhsNumber)
          ? el('id', { root: CDA_OID.nhsNumber, extension: nhsNumber })
          : el('id', { root, extension: `Patient/${appointment.patient_id}` }),
        el(
          'patient',
          {},
          personName(patientName),
          el('administrativeGenderCode', { nullFlavor: 'UNK' }),
          birth
            ? el('birthTime', { value: `${birth[1]}${birth[2]}${birth[3]}` })
            : el('birthTime', { nullFlavor: 'UNK' }),
        ),
      ),
    ),
    el(
      'author',
      {},
      el('time', { value: cdaTime(ended) }),
      el(
        'assignedAuthor',
        {},
        el('id', { root, extension: `Practitioner/${appointment.practitioner_id}` }),
        el('assignedPerson', {}, personName(appointment.practitioner_name)),
        el('representedOrganization', {}, custodianId, el('name', {}, practice.name)),
      ),
    ),
    el(
      'custodian',
      {},
      el(
        'assignedCustodian',
        {},
        el('representedCustodianOrganization', {}, custodianId, el('name', {}, practice.name)),
      ),
    ),
    el(
      'componentOf',
      {},
      el(
        'encompassingEncounter',
        {},
        el('id', { root, extension: `appt-${appointment.id}` }),
        el(
          'effectiveTime',
          {},
          el('low', { value: cdaTime(recording.started_at) }),
          el('high', { value: cdaTime(ended) }),
        ),
      ),
    ),
    el(
      'component',
      {},
      el(
        'structuredBody',
        {},
        section('Consultation', details),
        section('Chat transcript', transcript),
        section(
          'Recording',
          media,
          el(
            'entry',
            {},
            el(
              'observationMedia',
              { classCode: 'OBS', moodCode: 'EVN', ID: 'recording' },
              el('id', { root, extension: `recording/${recording.id}` }),
              el(
                'value',
                {
                  mediaType: contentType,
                  integrityCheck: input.sha1,
                  integrityCheckAlgorithm: input.sha1 ? 'SHA-1' : undefined,
                },
                el('reference', { value: input.url }),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialise(document)}\n`;
}
