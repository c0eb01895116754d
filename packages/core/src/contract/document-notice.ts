/**
 * The server tells every connected page of the consultation of a document's change (`CK-DOCUMENT`,
 * payload a `DocumentInfo`). A module of its own so that signalling, which only tells the notice
 * apart, does not bring the documents' rules to a page that shares none (decision 47).
 */
export const DOCUMENT = 'CK-DOCUMENT';
