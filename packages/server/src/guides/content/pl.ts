/** Polish. Written by an AI model from the British English source; not yet reviewed by a native speaker. */
import type { GuideCatalogue } from '../types.js';

export const pl: GuideCatalogue = {
  words: {
    guides: 'Poradniki dla pacjentów',
    guidesIntro: 'Krótkie poradniki, które pomogą Ci w wizycie wideo.',
    contents: 'Spis treści',
    language: 'Język',
    moreGuides: 'Inne poradniki',
    urgent:
      'Jeśli pilnie potrzebujesz pomocy, skorzystaj z NHS 111 online lub zadzwoń pod 111. W nagłym wypadku dzwoń pod 999.',
  },
  guides: {
    'video-appointment': {
      title: 'Twoja wizyta wideo: czego potrzebujesz i jak się przygotować',
      summary:
        'Wizyta wideo jest jak wizyta osobista, ale widzisz lekarza na ekranie. Ten poradnik mówi, czego potrzebujesz i co się wydarzy.',
      sections: [
        {
          id: 'what-you-need',
          heading: 'Czego potrzebujesz',
          blocks: [
            {
              ul: [
                'Smartfona, tabletu lub komputera z kamerą, mikrofonem i głośnikiem.',
                'Aktualnej przeglądarki internetowej, na przykład Chrome, Safari, Edge lub Firefox.',
                'Dobrego połączenia z internetem. Najlepsze jest Wi-Fi, ale dane komórkowe też działają.',
              ],
            },
            { p: 'Nie musisz instalować aplikacji ani zakładać konta.' },
          ],
        },
        {
          id: 'prepare',
          heading: 'Jak się przygotować',
          blocks: [
            {
              ul: [
                'Znajdź ciche, prywatne miejsce, w którym nikt Ci nie przeszkodzi.',
                'Naładuj telefon, tablet lub komputer albo podłącz go do prądu.',
                'Zapisz swoje pytania i leki, które przyjmujesz.',
                'Jeśli chcesz, ktoś z rodziny lub Twój opiekun może siedzieć obok Ciebie.',
              ],
            },
          ],
        },
        {
          id: 'what-happens',
          heading: 'Co się dzieje w dniu wizyty',
          blocks: [
            {
              ol: [
                'Wysyłamy Ci link e-mailem. Otwórz go kilka minut przed wizytą.',
                'Sprawdź kamerę i mikrofon. Jeśli przeglądarka zapyta o dostęp do nich, wybierz Zezwól.',
                'Czekaj w poczekalni. Lekarz widzi, że już jesteś.',
                'Lekarz wpuści Cię, gdy będzie gotowy. Może to nastąpić trochę po godzinie wizyty.',
                'Po zakończeniu wizyty zamknij stronę.',
              ],
            },
          ],
        },
        {
          id: 'if-it-fails',
          heading: 'Jeśli wideo nie działa',
          blocks: [
            { p: 'Nie martw się. Lekarz zadzwoni do Ciebie na numer, który ma przychodnia.' },
            { p: 'Jeśli w ogóle nie możesz dołączyć, zadzwoń do przychodni.' },
          ],
        },
        {
          id: 'privacy',
          heading: 'Twoja prywatność',
          blocks: [
            {
              ul: [
                'Twoja wizyta wideo jest prywatna, tak jak wizyta osobista.',
                'Nie jest nagrywana bez Twojej zgody.',
                'Lekarz zapisuje notatki w Twojej dokumentacji medycznej, jak przy każdej wizycie.',
              ],
            },
          ],
        },
      ],
    },
    'choosing-how-to-consult': {
      title: 'Jak wybrać rodzaj wizyty',
      summary:
        'Często możesz wybrać, jak porozmawiać z lekarzem: przez wideo, przez telefon lub osobiście. Ten poradnik pomoże Ci wybrać.',
      sections: [
        {
          id: 'video',
          heading: 'Wideo',
          blocks: [
            {
              ul: [
                'Widzicie się i słyszycie, a Ty nie musisz nigdzie jechać.',
                'Sprawdza się przy rozmowie o objawach, wynikach badań i lekach oraz przy wizytach kontrolnych.',
                'Lekarz może zobaczyć na przykład wysypkę, ranę albo to, jak się poruszasz.',
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
                'Sprawdza się, jeśli nie masz kamery albo dobrego połączenia z internetem.',
                'Sprawdza się przy krótkich pytaniach i wynikach badań.',
                'Lekarz Cię nie widzi.',
              ],
            },
          ],
        },
        {
          id: 'face-to-face',
          heading: 'Osobiście',
          blocks: [
            {
              ul: [
                'To najlepszy wybór, gdy lekarz musi Cię zbadać, na przykład osłuchać klatkę piersiową.',
                'Jest potrzebna przy badaniach krwi, zastrzykach i niektórych kontrolach.',
                'Wybierz ją, jeśli lepiej się czujesz w gabinecie.',
              ],
            },
          ],
        },
        {
          id: 'when-video-is-not-right',
          heading: 'Kiedy wideo się nie nadaje',
          blocks: [
            {
              p: 'W nagłym wypadku dzwoń pod 999. Na przykład: ból w klatce piersiowej, trudności z oddychaniem lub silne krwawienie.',
            },
            {
              p: 'Jeśli pilnie potrzebujesz pomocy, ale to nie jest nagły wypadek, skorzystaj z NHS 111 online lub zadzwoń pod 111.',
            },
            { p: 'Wideo nie nadaje się także:' },
            {
              ul: [
                'gdy lekarz musi zbadać Cię osobiście;',
                'gdy nie możesz znaleźć prywatnego miejsca do rozmowy;',
                'gdy trudno Ci korzystać z wideo.',
              ],
            },
          ],
        },
        {
          id: 'change-your-mind',
          heading: 'Możesz zmienić zdanie',
          blocks: [
            { p: 'Powiedz przychodni, jeśli wolisz inny rodzaj wizyty.' },
            { p: 'Jeśli lekarz musi zobaczyć Cię osobiście, umówi taką wizytę.' },
          ],
        },
      ],
    },
    questions: {
      title: 'Wizyty wideo: pytania i odpowiedzi',
      summary: 'Krótkie odpowiedzi na pytania, które pacjenci często zadają.',
      sections: [
        {
          id: 'app',
          heading: 'Czy muszę pobrać aplikację?',
          blocks: [{ p: 'Nie. Wizyta otwiera się w przeglądarce internetowej. Nie musisz niczego instalować.' }],
        },
        {
          id: 'cost',
          heading: 'Czy to coś kosztuje?',
          blocks: [
            {
              p: 'Wizyta jest bezpłatna, jak cała opieka NHS. Rozmowa zużywa dane internetowe, więc w miarę możliwości korzystaj z Wi-Fi.',
            },
          ],
        },
        {
          id: 'private',
          heading: 'Czy to jest bezpieczne i prywatne?',
          blocks: [
            {
              p: 'Tak. Rozmowa jest szyfrowana. Dołączyć możesz tylko Ty i osoby, które wpuści lekarz. Nie jest nagrywana bez Twojej zgody.',
            },
          ],
        },
        {
          id: 'someone-with-me',
          heading: 'Czy ktoś może być ze mną?',
          blocks: [
            {
              p: 'Tak. Ktoś z rodziny, opiekun lub przyjaciel może siedzieć obok Ciebie. Powiedz lekarzowi, kto jest z Tobą.',
            },
          ],
        },
        {
          id: 'interpreter',
          heading: 'Czy mogę mieć tłumacza?',
          blocks: [
            {
              p: 'Tak. Powiedz o tym przychodni przy umawianiu wizyty. Może ona zapewnić tłumacza, który dołączy do rozmowy.',
            },
          ],
        },
        {
          id: 'link',
          heading: 'Co zrobić, jeśli link nie działa?',
          blocks: [
            { p: 'Otwórz link z najnowszego e-maila od przychodni. Jeśli nadal nie działa, zadzwoń do przychodni.' },
          ],
        },
        {
          id: 'call-stops',
          heading: 'Co zrobić, jeśli wideo przerwie się w trakcie rozmowy?',
          blocks: [{ p: 'Otwórz link jeszcze raz. Jeśli nie uda Ci się wrócić, lekarz do Ciebie zadzwoni.' }],
        },
        {
          id: 'phone',
          heading: 'Czy mogę użyć telefonu komórkowego?',
          blocks: [{ p: 'Tak. Działa większość smartfonów. Oprzyj telefon o coś, żeby się nie ruszał.' }],
        },
        {
          id: 'in-person',
          heading: 'A jeśli wolę wizytę osobistą?',
          blocks: [{ p: 'Powiedz o tym przychodni. Możesz poprosić zamiast tego o wizytę telefoniczną lub osobistą.' }],
        },
      ],
    },
  },
};
