/** Welsh. Written by an AI model from the British English source; not yet reviewed by a native speaker. */
import type { GuideCatalogue } from '../types.js';

export const cy: GuideCatalogue = {
  words: {
    guides: 'Canllawiau i gleifion',
    guidesIntro: 'Canllawiau byr i’ch helpu gyda’ch apwyntiad fideo.',
    contents: 'Cynnwys',
    language: 'Iaith',
    moreGuides: 'Rhagor o ganllawiau',
    urgent:
      'Os oes angen help arnoch ar frys, defnyddiwch GIG 111 Cymru ar-lein neu ffoniwch 111. Mewn argyfwng, ffoniwch 999.',
  },
  guides: {
    'video-appointment': {
      title: 'Eich apwyntiad fideo: beth sydd ei angen arnoch a sut i baratoi',
      summary:
        'Mae apwyntiad fideo yn debyg i apwyntiad wyneb yn wyneb, ond rydych chi’n gweld y clinigwr ar sgrin. Mae’r canllaw hwn yn dweud beth sydd ei angen arnoch a beth fydd yn digwydd.',
      sections: [
        {
          id: 'what-you-need',
          heading: 'Beth sydd ei angen arnoch',
          blocks: [
            {
              ul: [
                'Ffôn clyfar, llechen neu gyfrifiadur gyda chamera, meicroffon a seinydd.',
                'Porwr gwe diweddar, fel Chrome, Safari, Edge neu Firefox.',
                'Cysylltiad da â’r rhyngrwyd. Wi-Fi sydd orau, ond mae data symudol yn gweithio hefyd.',
              ],
            },
            { p: 'Does dim angen gosod ap na chreu cyfrif.' },
          ],
        },
        {
          id: 'prepare',
          heading: 'Sut i baratoi',
          blocks: [
            {
              ul: [
                'Dewch o hyd i le tawel, preifat lle na fydd neb yn tarfu arnoch.',
                'Gwefrwch eich ffôn, eich llechen neu eich cyfrifiadur, neu ei blygio i mewn.',
                'Ysgrifennwch eich cwestiynau a’r meddyginiaethau rydych chi’n eu cymryd.',
                'Gall aelod o’r teulu neu ofalwr eistedd gyda chi os ydych chi eisiau.',
              ],
            },
          ],
        },
        {
          id: 'what-happens',
          heading: 'Beth sy’n digwydd ar y diwrnod',
          blocks: [
            {
              ol: [
                'Rydyn ni’n anfon dolen atoch drwy e-bost. Agorwch hi ychydig funudau cyn eich apwyntiad.',
                'Gwiriwch eich camera a’ch meicroffon. Os yw eich porwr yn gofyn am eu defnyddio, dewiswch Caniatáu.',
                'Arhoswch yn yr ystafell aros. Mae’r clinigwr yn gallu gweld eich bod chi yno.',
                'Mae’r clinigwr yn eich gadael i mewn pan fydd yn barod. Gall hyn fod ychydig ar ôl amser eich apwyntiad.',
                'Pan fydd yr apwyntiad drosodd, caewch y dudalen.',
              ],
            },
          ],
        },
        {
          id: 'if-it-fails',
          heading: 'Os nad yw’r fideo’n gweithio',
          blocks: [
            { p: 'Peidiwch â phoeni. Bydd y clinigwr yn eich ffonio ar y rhif sydd gan y feddygfa ar eich cyfer.' },
            { p: 'Os na allwch ymuno o gwbl, ffoniwch y feddygfa.' },
          ],
        },
        {
          id: 'privacy',
          heading: 'Eich preifatrwydd',
          blocks: [
            {
              ul: [
                'Mae eich apwyntiad fideo yn breifat, fel apwyntiad wyneb yn wyneb.',
                'Dydy e ddim yn cael ei recordio oni bai eich bod chi’n cytuno.',
                'Mae’r clinigwr yn ysgrifennu nodiadau yn eich cofnod iechyd, fel ym mhob apwyntiad.',
              ],
            },
          ],
        },
      ],
    },
    'choosing-how-to-consult': {
      title: 'Dewis sut i ymgynghori',
      summary:
        'Yn aml, gallwch ddewis sut i siarad â’ch clinigwr: drwy fideo, dros y ffôn neu wyneb yn wyneb. Mae’r canllaw hwn yn eich helpu i ddewis.',
      sections: [
        {
          id: 'video',
          heading: 'Fideo',
          blocks: [
            {
              ul: [
                'Rydych chi’n gweld ac yn clywed eich gilydd, a does dim angen i chi deithio.',
                'Mae’n dda ar gyfer siarad am symptomau, canlyniadau profion a meddyginiaethau, ac ar gyfer apwyntiadau dilynol.',
                'Gall y clinigwr weld pethau fel brech, clwyf neu sut rydych chi’n symud.',
              ],
            },
          ],
        },
        {
          id: 'phone',
          heading: 'Ffôn',
          blocks: [
            {
              ul: [
                'Mae’n dda os nad oes gennych gamera neu gysylltiad da â’r rhyngrwyd.',
                'Mae’n dda ar gyfer cwestiynau byr a chanlyniadau profion.',
                'Dydy’r clinigwr ddim yn gallu eich gweld.',
              ],
            },
          ],
        },
        {
          id: 'face-to-face',
          heading: 'Wyneb yn wyneb',
          blocks: [
            {
              ul: [
                'Dyma sydd orau pan fydd angen i’r clinigwr eich archwilio, er enghraifft i wrando ar eich brest.',
                'Mae ei angen ar gyfer profion gwaed, pigiadau a rhai gwiriadau.',
                'Dewiswch hyn os byddech chi’n teimlo’n fwy cyfforddus yn yr ystafell.',
              ],
            },
          ],
        },
        {
          id: 'when-video-is-not-right',
          heading: 'Pryd nad yw fideo’n addas',
          blocks: [
            { p: 'Mewn argyfwng, ffoniwch 999. Er enghraifft: poen yn y frest, anhawster anadlu neu waedu trwm.' },
            {
              p: 'Os oes angen help arnoch ar frys ond nad yw’n argyfwng, defnyddiwch GIG 111 Cymru ar-lein neu ffoniwch 111.',
            },
            { p: 'Dydy fideo ddim yn addas chwaith:' },
            {
              ul: [
                'pan fydd angen i’r clinigwr eich archwilio wyneb yn wyneb;',
                'pan na allwch ddod o hyd i le preifat i siarad;',
                'pan fyddwch chi’n gweld fideo’n anodd ei ddefnyddio.',
              ],
            },
          ],
        },
        {
          id: 'change-your-mind',
          heading: 'Gallwch newid eich meddwl',
          blocks: [
            { p: 'Dywedwch wrth y feddygfa os hoffech chi fath gwahanol o apwyntiad.' },
            { p: 'Os oes angen i’r clinigwr eich gweld wyneb yn wyneb, bydd yn trefnu hynny.' },
          ],
        },
      ],
    },
    questions: {
      title: 'Apwyntiadau fideo: cwestiynau ac atebion',
      summary: 'Atebion byr i gwestiynau y mae cleifion yn eu gofyn yn aml.',
      sections: [
        {
          id: 'app',
          heading: 'Oes angen i mi lawrlwytho ap?',
          blocks: [{ p: 'Nac oes. Mae’r apwyntiad yn agor yn eich porwr gwe. Does dim angen gosod dim byd.' }],
        },
        {
          id: 'cost',
          heading: 'Ydy e’n costio unrhyw beth?',
          blocks: [
            {
              p: 'Mae’r apwyntiad am ddim, fel pob gofal GIG. Mae’r alwad yn defnyddio data rhyngrwyd, felly defnyddiwch Wi-Fi os gallwch chi.',
            },
          ],
        },
        {
          id: 'private',
          heading: 'Ydy e’n ddiogel ac yn breifat?',
          blocks: [
            {
              p: 'Ydy. Mae’r alwad wedi’i hamgryptio. Dim ond chi a’r bobl y mae’r clinigwr yn eu gadael i mewn sy’n gallu ymuno. Dydy hi ddim yn cael ei recordio oni bai eich bod chi’n cytuno.',
            },
          ],
        },
        {
          id: 'someone-with-me',
          heading: 'Gall rhywun fod gyda fi?',
          blocks: [
            {
              p: 'Gall. Gall aelod o’r teulu, gofalwr neu ffrind eistedd gyda chi. Dywedwch wrth y clinigwr pwy sydd gyda chi.',
            },
          ],
        },
        {
          id: 'interpreter',
          heading: 'Ga i gyfieithydd?',
          blocks: [
            {
              p: 'Cewch. Dywedwch wrth y feddygfa pan fyddwch chi’n trefnu’r apwyntiad. Gallan nhw drefnu i gyfieithydd ymuno â’r alwad.',
            },
          ],
        },
        {
          id: 'link',
          heading: 'Beth os nad yw fy nolen yn gweithio?',
          blocks: [
            {
              p: 'Agorwch y ddolen yn yr e-bost diweddaraf gan y feddygfa. Os nad yw’n gweithio o hyd, ffoniwch y feddygfa.',
            },
          ],
        },
        {
          id: 'call-stops',
          heading: 'Beth os yw’r fideo’n stopio yn ystod yr alwad?',
          blocks: [{ p: 'Agorwch y ddolen eto. Os na allwch chi fynd yn ôl i mewn, bydd y clinigwr yn eich ffonio.' }],
        },
        {
          id: 'phone',
          heading: 'Ga i ddefnyddio fy ffôn symudol?',
          blocks: [
            {
              p: 'Cewch. Mae’r rhan fwyaf o ffonau clyfar yn gweithio. Rhowch y ffôn i orffwys ar rywbeth fel ei fod yn aros yn llonydd.',
            },
          ],
        },
        {
          id: 'in-person',
          heading: 'Beth os byddai’n well gen i gael fy ngweld wyneb yn wyneb?',
          blocks: [
            { p: 'Dywedwch wrth y feddygfa. Gallwch ofyn am apwyntiad dros y ffôn neu wyneb yn wyneb yn lle hynny.' },
          ],
        },
      ],
    },
  },
};
