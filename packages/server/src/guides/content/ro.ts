/** Romanian. Written by an AI model from the British English source; not yet reviewed by a native speaker. */
import type { GuideCatalogue } from '../types.js';

export const ro: GuideCatalogue = {
  words: {
    guides: 'Ghiduri pentru pacienți',
    guidesIntro: 'Ghiduri scurte care vă ajută la programarea video.',
    contents: 'Cuprins',
    language: 'Limba',
    moreGuides: 'Alte ghiduri',
    urgent:
      'Dacă aveți nevoie urgentă de ajutor, folosiți NHS 111 online sau sunați la 111. În caz de urgență, sunați la 999.',
  },
  guides: {
    'video-appointment': {
      title: 'Programarea dvs. video: de ce aveți nevoie și cum să vă pregătiți',
      summary:
        'O programare video este ca o consultație față în față, dar îl vedeți pe medic pe un ecran. Acest ghid vă spune de ce aveți nevoie și ce se va întâmpla.',
      sections: [
        {
          id: 'what-you-need',
          heading: 'De ce aveți nevoie',
          blocks: [
            {
              ul: [
                'Un telefon inteligent, o tabletă sau un calculator cu cameră, microfon și difuzor.',
                'Un browser web actualizat, de exemplu Chrome, Safari, Edge sau Firefox.',
                'O conexiune bună la internet. Cel mai bine este Wi-Fi, dar merg și datele mobile.',
              ],
            },
            { p: 'Nu trebuie să instalați o aplicație și nici să creați un cont.' },
          ],
        },
        {
          id: 'prepare',
          heading: 'Cum să vă pregătiți',
          blocks: [
            {
              ul: [
                'Găsiți un loc liniștit și retras, unde nu vă deranjează nimeni.',
                'Încărcați telefonul, tableta sau calculatorul, ori conectați-l la priză.',
                'Notați-vă întrebările și medicamentele pe care le luați.',
                'Dacă doriți, un membru al familiei sau îngrijitorul dvs. poate sta lângă dvs.',
              ],
            },
          ],
        },
        {
          id: 'what-happens',
          heading: 'Ce se întâmplă în ziua programării',
          blocks: [
            {
              ol: [
                'Vă trimitem un link prin e-mail. Deschideți-l cu câteva minute înainte de programare.',
                'Verificați camera și microfonul. Dacă browserul cere să le folosească, alegeți Permiteți.',
                'Așteptați în sala de așteptare. Medicul vede că sunteți acolo.',
                'Medicul vă primește când este gata. Se poate întâmpla puțin după ora programării.',
                'Când programarea s-a terminat, închideți pagina.',
              ],
            },
          ],
        },
        {
          id: 'if-it-fails',
          heading: 'Dacă video nu funcționează',
          blocks: [
            { p: 'Nu vă faceți griji. Medicul vă va suna la numărul pe care cabinetul îl are pentru dvs.' },
            { p: 'Dacă nu reușiți deloc să intrați, sunați la cabinet.' },
          ],
        },
        {
          id: 'privacy',
          heading: 'Confidențialitatea dvs.',
          blocks: [
            {
              ul: [
                'Programarea dvs. video este privată, ca o consultație față în față.',
                'Nu este înregistrată fără acordul dvs.',
                'Medicul scrie note în dosarul dvs. medical, ca la orice consultație.',
              ],
            },
          ],
        },
      ],
    },
    'choosing-how-to-consult': {
      title: 'Cum alegeți tipul consultației',
      summary:
        'De multe ori puteți alege cum vorbiți cu medicul: prin video, la telefon sau față în față. Acest ghid vă ajută să alegeți.',
      sections: [
        {
          id: 'video',
          heading: 'Video',
          blocks: [
            {
              ul: [
                'Vă vedeți și vă auziți unul pe altul, iar dvs. nu trebuie să vă deplasați.',
                'Este potrivită pentru a vorbi despre simptome, rezultatele analizelor și medicamente, și pentru consultațiile de control.',
                'Medicul poate vedea lucruri precum o erupție, o rană sau felul în care vă mișcați.',
              ],
            },
          ],
        },
        {
          id: 'phone',
          heading: 'Telefon',
          blocks: [
            {
              ul: [
                'Este potrivit dacă nu aveți cameră sau o conexiune bună la internet.',
                'Este potrivit pentru întrebări scurte și rezultatele analizelor.',
                'Medicul nu vă poate vedea.',
              ],
            },
          ],
        },
        {
          id: 'face-to-face',
          heading: 'Față în față',
          blocks: [
            {
              ul: [
                'Este cel mai bine când medicul trebuie să vă examineze, de exemplu să vă asculte pieptul.',
                'Este necesară pentru analize de sânge, injecții și unele controale.',
                'Alegeți-o dacă v-ați simți mai bine în aceeași cameră cu medicul.',
              ],
            },
          ],
        },
        {
          id: 'when-video-is-not-right',
          heading: 'Când video nu este potrivit',
          blocks: [
            {
              p: 'În caz de urgență, sunați la 999. De exemplu: durere în piept, greutate la respirație sau sângerare puternică.',
            },
            {
              p: 'Dacă aveți nevoie urgentă de ajutor, dar nu este o urgență gravă, folosiți NHS 111 online sau sunați la 111.',
            },
            { p: 'Video nu este potrivit nici:' },
            {
              ul: [
                'când medicul trebuie să vă examineze în persoană;',
                'când nu găsiți un loc retras în care să vorbiți;',
                'când vă este greu să folosiți video.',
              ],
            },
          ],
        },
        {
          id: 'change-your-mind',
          heading: 'Vă puteți răzgândi',
          blocks: [
            { p: 'Spuneți cabinetului dacă doriți alt tip de programare.' },
            { p: 'Dacă medicul trebuie să vă vadă în persoană, se va ocupa de asta.' },
          ],
        },
      ],
    },
    questions: {
      title: 'Programările video: întrebări și răspunsuri',
      summary: 'Răspunsuri scurte la întrebările pe care pacienții le pun des.',
      sections: [
        {
          id: 'app',
          heading: 'Trebuie să descarc o aplicație?',
          blocks: [{ p: 'Nu. Programarea se deschide în browserul dvs. web. Nu trebuie să instalați nimic.' }],
        },
        {
          id: 'cost',
          heading: 'Costă ceva?',
          blocks: [
            {
              p: 'Programarea este gratuită, ca toată îngrijirea NHS. Apelul folosește date de internet, așa că folosiți Wi-Fi dacă puteți.',
            },
          ],
        },
        {
          id: 'private',
          heading: 'Este sigur și confidențial?',
          blocks: [
            {
              p: 'Da. Apelul este criptat. Pot intra doar dvs. și persoanele pe care le primește medicul. Nu este înregistrat fără acordul dvs.',
            },
          ],
        },
        {
          id: 'someone-with-me',
          heading: 'Poate sta cineva cu mine?',
          blocks: [
            {
              p: 'Da. Un membru al familiei, un îngrijitor sau un prieten poate sta lângă dvs. Spuneți-i medicului cine este cu dvs.',
            },
          ],
        },
        {
          id: 'interpreter',
          heading: 'Pot avea un interpret?',
          blocks: [
            { p: 'Da. Spuneți cabinetului când faceți programarea. Pot aranja ca un interpret să intre în apel.' },
          ],
        },
        {
          id: 'link',
          heading: 'Ce fac dacă linkul nu funcționează?',
          blocks: [
            {
              p: 'Deschideți linkul din cel mai recent e-mail de la cabinet. Dacă tot nu funcționează, sunați la cabinet.',
            },
          ],
        },
        {
          id: 'call-stops',
          heading: 'Ce fac dacă video se oprește în timpul apelului?',
          blocks: [{ p: 'Deschideți din nou linkul. Dacă nu reușiți să reveniți, medicul vă va suna.' }],
        },
        {
          id: 'phone',
          heading: 'Pot folosi telefonul mobil?',
          blocks: [
            { p: 'Da. Merg majoritatea telefoanelor inteligente. Sprijiniți telefonul de ceva, ca să stea nemișcat.' },
          ],
        },
        {
          id: 'in-person',
          heading: 'Ce fac dacă prefer o consultație în persoană?',
          blocks: [{ p: 'Spuneți cabinetului. Puteți cere în schimb o programare la telefon sau față în față.' }],
        },
      ],
    },
  },
};
