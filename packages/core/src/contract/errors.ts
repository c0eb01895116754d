/** Why something in ConsultKit failed, as a value a program can switch on. */
export type ConsultKitErrorCode =
  /** The user or the browser refused camera or microphone. */
  | 'media-permission-denied'
  /** No camera or microphone, or it is in use elsewhere. */
  | 'media-unavailable'
  /**
   * The signalling server refused this participant's token (expired, tampered, for another peer, or
   * its session ended): retrying will not help.
   */
  | 'signalling-refused'
  /** The signalling server could not be reached, or the connection to it was lost: retrying may help. */
  | 'signalling-unreachable'
  /** The browser cannot do WebRTC. */
  | 'webrtc-unsupported'
  /** A command was called in a state where it cannot run (for example `join` twice). */
  | 'invalid-state'
  /** A ticket or option was malformed. */
  | 'invalid-argument'
  /** A FHIR server answered with an error: see `FhirError.status` and its `OperationOutcome`. */
  | 'fhir-error'
  /** A server could not be reached, or the connection dropped before it answered. */
  | 'network'
  /** The ConsultKit server answered a request of the consultation with an error (not a join link's). */
  | 'server-error'
  /** A join link that is not ours, was changed, or is incomplete. */
  | 'link-invalid'
  /** A join link used before it opens (shortly before the appointment); `opensAt` says when. */
  | 'link-early'
  /** A join link used after the appointment. */
  | 'link-expired'
  /** A join link used a second time. */
  | 'link-used'
  /** A join link replaced by a newer one. */
  | 'link-revoked'
  /** A join link for another role (a patient's opened as a clinician's). */
  | 'link-wrong-role'
  /** A join link to an appointment cancelled or already over. */
  | 'link-cancelled'
  /** A join link to an appointment the practice moved: a new link for the new time was e-mailed. */
  | 'link-rescheduled'
  /** No session on this device to resume (or not from this link): join with the link instead. */
  | 'session-missing'
  /**
   * The video room service (Janus) is not configured on the server, is not answering, or the media
   * connection to it failed: retrying may help.
   */
  | 'sfu-unavailable'
  /**
   * The server or Janus refused this participant the video room (a session for another
   * consultation, a revoked session, a token the room does not allow): retrying will not help.
   */
  | 'sfu-refused'
  /** The video room closed: the consultation ended, or this participant was removed from it. */
  | 'sfu-closed'
  /** A chat message longer than the limit (`CHAT_TEXT_MAX`, 4,000 characters): shorten it. */
  | 'chat-too-long'
  /**
   * A composite recording could not be captured in this browser (no `MediaRecorder` of a type the
   * server takes, no canvas capture), or its upload was refused by the server: the chunks stay in
   * this browser's IndexedDB (`RecordingError.status` says what the server answered, 0 for none).
   */
  | 'recording-failed'
  /**
   * A document was refused, here or by the server: too large, empty, HEIC, not PNG, JPEG, WebP or
   * PDF, or named as something else than it is (`DocumentError.problem` says which).
   */
  | 'document-refused'
  /** A document could not be sent or fetched (the server unreachable after retries, or it refused). */
  | 'document-failed'
  /** The upload of a document was cancelled (by this page, or by its sender). */
  | 'document-cancelled';

/** The one error type core throws and reports: `code` says what, `message` says it in words. */
export class ConsultKitError extends Error {
  constructor(
    readonly code: ConsultKitErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConsultKitError';
  }
}
