/**
 * How a consultation happens, on the wire: the UK Core DeliveryChannel extension and its values.
 * Apart from `fhir.ts` (which re-exports it) so that what a patient's slot search imports is this
 * alone, not every FHIR name of the contract (decision 46).
 */

/** UK Core DeliveryChannel extension: how the consultation happens. */
export const DELIVERY_CHANNEL_URL = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-DeliveryChannel';

/** Every delivery channel (the values of the UK Core DeliveryChannel extension), in the order a form offers them. */
export const DELIVERY_CHANNELS = ['Video', 'Telephone', 'In-person'] as const;
/** How the consultation happens. */
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
