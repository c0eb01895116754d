/** Italian. Written by an AI model from the British English source; not yet reviewed by a native speaker. */
import type { GuideCatalogue } from '../types.js';

export const it: GuideCatalogue = {
  words: {
    guides: 'Guide per i pazienti',
    guidesIntro: 'Brevi guide per aiutarti con il tuo appuntamento video.',
    contents: 'Indice',
    language: 'Lingua',
    moreGuides: 'Altre guide',
    urgent: 'Se hai bisogno di aiuto urgente, usa NHS 111 online o chiama il 111. In caso di emergenza, chiama il 999.',
  },
  guides: {
    'video-appointment': {
      title: 'Il tuo appuntamento video: cosa ti serve e come prepararti',
      summary:
        'Un appuntamento video è come un appuntamento di persona, ma vedi il medico su uno schermo. Questa guida ti dice cosa ti serve e cosa succederà.',
      sections: [
        {
          id: 'what-you-need',
          heading: 'Cosa ti serve',
          blocks: [
            {
              ul: [
                'Uno smartphone, un tablet o un computer con videocamera, microfono e altoparlante.',
                'Un browser web aggiornato, come Chrome, Safari, Edge o Firefox.',
                'Una buona connessione a internet. Il Wi-Fi è la scelta migliore, ma funzionano anche i dati mobili.',
              ],
            },
            { p: 'Non devi installare un’app né creare un account.' },
          ],
        },
        {
          id: 'prepare',
          heading: 'Come prepararti',
          blocks: [
            {
              ul: [
                'Trova un posto tranquillo e riservato dove nessuno ti disturbi.',
                'Carica il telefono, il tablet o il computer, oppure collegalo alla corrente.',
                'Scrivi le tue domande e i farmaci che prendi.',
                'Se vuoi, un familiare o chi ti assiste può stare con te.',
              ],
            },
          ],
        },
        {
          id: 'what-happens',
          heading: 'Cosa succede il giorno dell’appuntamento',
          blocks: [
            {
              ol: [
                'Ti mandiamo un link via email. Aprilo qualche minuto prima dell’appuntamento.',
                'Controlla videocamera e microfono. Se il browser chiede di usarli, scegli Consenti.',
                'Aspetta nella sala d’attesa. Il medico vede che ci sei.',
                'Il medico ti fa entrare quando è pronto. Può succedere poco dopo l’orario dell’appuntamento.',
                'Quando l’appuntamento è finito, chiudi la pagina.',
              ],
            },
          ],
        },
        {
          id: 'if-it-fails',
          heading: 'Se il video non funziona',
          blocks: [
            { p: 'Non preoccuparti. Il medico ti chiamerà al numero che l’ambulatorio ha per te.' },
            { p: 'Se non riesci proprio a collegarti, chiama l’ambulatorio.' },
          ],
        },
        {
          id: 'privacy',
          heading: 'La tua privacy',
          blocks: [
            {
              ul: [
                'Il tuo appuntamento video è riservato, come un appuntamento di persona.',
                'Non viene registrato senza il tuo consenso.',
                'Il medico scrive delle note nella tua cartella clinica, come a ogni appuntamento.',
              ],
            },
          ],
        },
      ],
    },
    'choosing-how-to-consult': {
      title: 'Scegliere come fare la visita',
      summary:
        'Spesso puoi scegliere come parlare con il medico: in video, al telefono o di persona. Questa guida ti aiuta a scegliere.',
      sections: [
        {
          id: 'video',
          heading: 'Video',
          blocks: [
            {
              ul: [
                'Vi vedete e vi sentite, e non devi spostarti.',
                'È adatto per parlare di sintomi, risultati degli esami e farmaci, e per le visite di controllo.',
                'Il medico può vedere cose come un’eruzione cutanea, una ferita o come ti muovi.',
              ],
            },
          ],
        },
        {
          id: 'phone',
          heading: 'Telefono',
          blocks: [
            {
              ul: [
                'È adatto se non hai una videocamera o una buona connessione a internet.',
                'È adatto per domande brevi e risultati degli esami.',
                'Il medico non può vederti.',
              ],
            },
          ],
        },
        {
          id: 'face-to-face',
          heading: 'Di persona',
          blocks: [
            {
              ul: [
                'È la scelta migliore quando il medico deve visitarti, per esempio per ascoltarti il torace.',
                'Serve per gli esami del sangue, le iniezioni e alcuni controlli.',
                'Sceglilo se ti sentiresti più a tuo agio nella stessa stanza.',
              ],
            },
          ],
        },
        {
          id: 'when-video-is-not-right',
          heading: 'Quando il video non è adatto',
          blocks: [
            {
              p: 'In caso di emergenza, chiama il 999. Per esempio: dolore al petto, difficoltà a respirare o un’emorragia forte.',
            },
            { p: 'Se hai bisogno di aiuto urgente ma non è un’emergenza, usa NHS 111 online o chiama il 111.' },
            { p: 'Il video non è adatto nemmeno:' },
            {
              ul: [
                'quando il medico deve visitarti di persona;',
                'quando non trovi un posto riservato per parlare;',
                'quando per te è difficile usare il video.',
              ],
            },
          ],
        },
        {
          id: 'change-your-mind',
          heading: 'Puoi cambiare idea',
          blocks: [
            { p: 'Di’ all’ambulatorio se preferisci un altro tipo di appuntamento.' },
            { p: 'Se il medico ha bisogno di vederti di persona, lo organizzerà.' },
          ],
        },
      ],
    },
    questions: {
      title: 'Appuntamenti video: domande e risposte',
      summary: 'Brevi risposte alle domande che i pazienti fanno spesso.',
      sections: [
        {
          id: 'app',
          heading: 'Devo scaricare un’app?',
          blocks: [{ p: 'No. L’appuntamento si apre nel tuo browser web. Non devi installare nulla.' }],
        },
        {
          id: 'cost',
          heading: 'Costa qualcosa?',
          blocks: [
            {
              p: 'L’appuntamento è gratuito, come tutte le cure dell’NHS. La chiamata usa dati internet, quindi usa il Wi-Fi se puoi.',
            },
          ],
        },
        {
          id: 'private',
          heading: 'È sicuro e riservato?',
          blocks: [
            {
              p: 'Sì. La chiamata è cifrata. Possono partecipare solo tu e le persone che il medico fa entrare. Non viene registrata senza il tuo consenso.',
            },
          ],
        },
        {
          id: 'someone-with-me',
          heading: 'Qualcuno può stare con me?',
          blocks: [
            { p: 'Sì. Un familiare, chi ti assiste o un amico può stare con te. Di’ al medico chi c’è con te.' },
          ],
        },
        {
          id: 'interpreter',
          heading: 'Posso avere un interprete?',
          blocks: [
            {
              p: 'Sì. Dillo all’ambulatorio quando prenoti. Possono organizzare un interprete che partecipi alla chiamata.',
            },
          ],
        },
        {
          id: 'link',
          heading: 'E se il mio link non funziona?',
          blocks: [
            {
              p: 'Apri il link nell’email più recente dell’ambulatorio. Se ancora non funziona, chiama l’ambulatorio.',
            },
          ],
        },
        {
          id: 'call-stops',
          heading: 'E se il video si interrompe durante la chiamata?',
          blocks: [{ p: 'Apri di nuovo il link. Se non riesci a rientrare, il medico ti chiamerà al telefono.' }],
        },
        {
          id: 'phone',
          heading: 'Posso usare il mio cellulare?',
          blocks: [
            {
              p: 'Sì. La maggior parte degli smartphone funziona. Appoggia il telefono su qualcosa, così resta fermo.',
            },
          ],
        },
        {
          id: 'in-person',
          heading: 'E se preferisco una visita di persona?',
          blocks: [{ p: 'Dillo all’ambulatorio. Puoi chiedere invece un appuntamento al telefono o di persona.' }],
        },
      ],
    },
  },
};
