/**
 * A vendor's app in React 19: patients book a time with `<SlotPicker>`, and a clinician runs the
 * video consultation with `<ConsultRoom>`, given the ticket the vendor's backend asked the
 * ConsultKit server for (`POST /api/consultations/{id}/clinician-token` with the staff key, which
 * never reaches the browser). Events arrive through `on…` props with their `detail` typed.
 */
import { useEffect, useState } from 'react';
import { Consultation, type Booking, type JoinTicket } from '@consultkit/core';
import { ConsultRoom, SlotPicker, type CkEventMap } from '@consultkit/react';
import { readConfig } from '../../framework-common/config.js';

const config = readConfig(location);

declare global {
  interface Window {
    /** The running consultation, for trying things in the console (and the end-to-end test). */
    consultation?: Consultation;
  }
}

export function App() {
  return (
    <>
      <header>
        <p className="brand">Riverside Surgery</p>
        <nav aria-label="Pages">
          <a href={config.link('book')} aria-current={config.view === 'book' ? 'page' : undefined}>
            Book an appointment
          </a>
          <a href={config.link('call')} aria-current={config.view === 'call' ? 'page' : undefined}>
            Video consultation
          </a>
        </nav>
      </header>
      <main>{config.view === 'call' ? <Call ticket={config.ticket} /> : <Book />}</main>
    </>
  );
}

function Book() {
  const [chosen, setChosen] = useState<string | null>(null);
  const [booked, setBooked] = useState<Booking | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <>
      <h1>Book an appointment</h1>
      {/* The picker's headings start at h3 (the day): it sits under a heading of the page's. */}
      <h2>Available times</h2>
      <SlotPicker
        fhirBase={`${config.server}/fhir`}
        onCkSlotSelected={(event: CkEventMap['ck-slot-selected']) => setChosen(event.detail.slot.start)}
        onCkBooked={(event) => {
          setFailure(null);
          setBooked(event.detail.booking);
        }}
        onCkBookingFailed={(event) => setFailure(event.detail.error.message)}
      />
      <section aria-labelledby="host-heading" className="host">
        <h2 id="host-heading">What the React app heard</h2>
        <p role="status" data-event="ck-slot-selected">
          {chosen
            ? `Time chosen: ${new Date(chosen).toLocaleString('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/London' })}`
            : 'No time chosen yet.'}
        </p>
        {booked && (
          <p role="status" data-event="ck-booked">
            Booking {booked.reference} is {booked.status}.
          </p>
        )}
        {failure && (
          <p role="alert" data-event="ck-booking-failed">
            {failure}
          </p>
        )}
      </section>
    </>
  );
}

function Call({ ticket }: { ticket: JoinTicket | null }) {
  const [consultation, setConsultation] = useState<Consultation | null>(null);
  const [events, setEvents] = useState<string[]>([]);
  const log = (line: string) => setEvents((list) => [...list, line]);

  // Leaving the page (or this view) leaves the call and releases the camera.
  useEffect(() => () => consultation?.leave(), [consultation]);

  if (!ticket) {
    return (
      <>
        <h1>Video consultation</h1>
        <p>
          Open this page with the ticket your backend was given by the ConsultKit server: <code>#ticket=</code> and the
          ticket as base64url JSON.
        </p>
      </>
    );
  }
  const join = () => {
    const started = new Consultation({ server: config.server, ticket });
    window.consultation = started;
    setConsultation(started);
    started.join().catch(() => {
      // <ConsultRoom> shows the failure in its alert.
    });
  };
  return (
    <>
      <h1>Video consultation</h1>
      {!consultation && (
        <button type="button" className="primary" onClick={join}>
          Join the consultation
        </button>
      )}
      {consultation && (
        <ConsultRoom
          consultation={consultation}
          onCkStatusChange={(event) => log(`Status: ${event.detail.status}`)}
          onCkRequestAdmit={(event) => log(`Admit asked for ${event.detail.peerId}`)}
          onCkMuteChange={(event) => log(event.detail.muted ? 'Microphone muted' : 'Microphone on')}
          onCkEnded={(event) => log(`Ended: ${event.detail.reason}`)}
        />
      )}
      <section aria-labelledby="host-heading" className="host">
        <h2 id="host-heading">What the React app heard</h2>
        {events.length === 0 && <p>Nothing yet: join the consultation.</p>}
        <ol aria-label="Events from the room" data-events="">
          {events.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ol>
      </section>
    </>
  );
}
