import type { JoinTicket } from '@consultkit/core';

export type View = 'book' | 'call';

/**
 * Where the ConsultKit server is, which view to show, and the ticket a call needs, from the page's
 * address: `?server=https://consult.example.nhs.uk&view=call#ticket=<base64url JSON>`. A real app
 * takes the server from its configuration and the ticket from its own backend; the fragment is
 * never sent to a server.
 */
export function readConfig(location: Location) {
  const params = new URLSearchParams(location.search);
  const server = (params.get('server') ?? 'http://localhost:8080').replace(/\/+$/, '');
  const view: View = params.get('view') === 'call' ? 'call' : 'book';
  const link = (to: View) => `?${new URLSearchParams({ server, view: to }).toString()}`;
  return { server, view, link, ticket: ticketFrom(location.hash) };
}

function ticketFrom(hash: string): JoinTicket | null {
  const encoded = new URLSearchParams(hash.slice(1)).get('ticket');
  if (!encoded) return null;
  try {
    const json = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const ticket = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as JoinTicket;
    return typeof ticket.token === 'string' && typeof ticket.peerId === 'string' ? ticket : null;
  } catch {
    return null;
  }
}
