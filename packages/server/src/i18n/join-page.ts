/**
 * The join page in the patient's language: the page (`examples/patient-join/index.html` by
 * default) is a template whose `{{name}}` placeholders the server fills before sending it: the
 * words (HTML-escaped), `lang` and `dir`, the language switcher, and the words its script shows
 * (`{{words-json}}`, JSON safe inside `<script>`). The elements on it follow `<html lang>`.
 */
import { directionOf, SERVER_LOCALES, type ServerLocale } from './locales.js';
import { guideLink } from '../guides/link.js';
import { helpBlock } from './help.js';

/** Each language by its own name, for the switcher. */
export const LANGUAGE_NAMES: Record<ServerLocale, string> = {
  'en-GB': 'English',
  cy: 'Cymraeg',
  ar: 'العربية',
  bn: 'বাংলা',
  bg: 'Български',
  it: 'Italiano',
  pl: 'Polski',
  pa: 'ਪੰਜਾਬੀ',
  ro: 'Română',
  ur: 'اردو',
};

/** What the page says. `{when}` in `linkEarly` is where the opening time goes. */
export interface JoinWords {
  title: string;
  header: string;
  intro: string;
  join: string;
  checkHeading: string;
  languages: string;
  linkEarly: string;
  linkEarlySoon: string;
  linkExpired: string;
  linkUsed: string;
  linkRevoked: string;
  linkRescheduled: string;
  linkCancelled: string;
  linkWrongRole: string;
  network: string;
  linkInvalid: string;
  openFromEmail: string;
}

const WORDS: Record<ServerLocale, JoinWords> = {
  'en-GB': {
    title: 'Your video appointment',
    header: 'Video appointment',
    intro:
      'You will see and hear the clinician in this web page. You do not need to install anything or create an account. Use a quiet, private place, and have your camera and microphone ready.',
    join: 'Join your video appointment',
    checkHeading: 'Check your camera and microphone',
    languages: 'Language',
    linkEarly: 'This link is not open yet. It opens at {when}. Please come back then.',
    linkEarlySoon: 'This link is not open yet. It opens 15 minutes before your appointment. Please come back then.',
    linkExpired:
      'This link has expired: the appointment time has passed. Please contact the practice if you still need to be seen.',
    linkUsed:
      'This link has already been used. If you joined on another phone, tablet or computer, carry on there. Otherwise, ask the practice to send you a new link.',
    linkRevoked: 'The practice has sent you a newer link. Please use the link in their most recent email.',
    linkRescheduled:
      'Your appointment has moved to a new time, so this link no longer works. We have emailed you a new link: please use that one.',
    linkCancelled: 'This appointment has been cancelled or has already taken place. Please contact the practice.',
    linkWrongRole: 'This link is not for patients. Please use the link from your appointment email.',
    network: 'We could not reach the practice’s video service. Check your internet connection and try again.',
    linkInvalid:
      'This link is not valid. It may have been copied incompletely: please open it from your email again, or contact the practice.',
    openFromEmail: 'To join, open the link in your appointment email.',
  },
  cy: {
    title: 'Eich apwyntiad fideo',
    header: 'Apwyntiad fideo',
    intro:
      'Byddwch yn gweld ac yn clywed y clinigwr ar y dudalen we hon. Does dim angen gosod dim byd na chreu cyfrif. Defnyddiwch le tawel, preifat, a chael eich camera a’ch meicroffon yn barod.',
    join: 'Ymuno â’ch apwyntiad fideo',
    checkHeading: 'Gwiriwch eich camera a’ch meicroffon',
    languages: 'Iaith',
    linkEarly: 'Dydy’r ddolen hon ddim ar agor eto. Mae’n agor am {when}. Dewch yn ôl bryd hynny.',
    linkEarlySoon:
      'Dydy’r ddolen hon ddim ar agor eto. Mae’n agor 15 munud cyn eich apwyntiad. Dewch yn ôl bryd hynny.',
    linkExpired:
      'Mae’r ddolen hon wedi dod i ben: mae amser yr apwyntiad wedi mynd heibio. Cysylltwch â’r feddygfa os oes angen i chi gael eich gweld o hyd.',
    linkUsed:
      'Mae’r ddolen hon wedi’i defnyddio’n barod. Os ymunoch chi ar ffôn, llechen neu gyfrifiadur arall, parhewch yno. Fel arall, gofynnwch i’r feddygfa anfon dolen newydd atoch.',
    linkRevoked: 'Mae’r feddygfa wedi anfon dolen fwy diweddar atoch. Defnyddiwch y ddolen yn eu e-bost diweddaraf.',
    linkRescheduled:
      'Mae eich apwyntiad wedi symud i amser newydd, felly dydy’r ddolen hon ddim yn gweithio mwyach. Rydyn ni wedi anfon dolen newydd atoch drwy e-bost: defnyddiwch honno.',
    linkCancelled: 'Mae’r apwyntiad hwn wedi’i ganslo neu wedi digwydd yn barod. Cysylltwch â’r feddygfa.',
    linkWrongRole: 'Dydy’r ddolen hon ddim ar gyfer cleifion. Defnyddiwch y ddolen o e-bost eich apwyntiad.',
    network:
      'Methu cyrraedd gwasanaeth fideo’r feddygfa. Gwiriwch eich cysylltiad â’r rhyngrwyd a rhowch gynnig arall arni.',
    linkInvalid:
      'Dydy’r ddolen hon ddim yn ddilys. Efallai nad yw wedi’i chopïo’n llawn: agorwch hi o’ch e-bost eto, neu cysylltwch â’r feddygfa.',
    openFromEmail: 'I ymuno, agorwch y ddolen yn e-bost eich apwyntiad.',
  },
  ar: {
    title: 'موعد الفيديو الخاص بك',
    header: 'موعد عبر الفيديو',
    intro:
      'سترى الطبيب وتسمعه في صفحة الويب هذه. لا تحتاج إلى تثبيت أي شيء أو إنشاء حساب. اختر مكانًا هادئًا وخاصًا، وجهّز الكاميرا والميكروفون.',
    join: 'انضم إلى موعد الفيديو',
    checkHeading: 'افحص الكاميرا والميكروفون',
    languages: 'اللغة',
    linkEarly: 'هذا الرابط لم يُفتح بعد. يُفتح في {when}. يُرجى العودة حينها.',
    linkEarlySoon: 'هذا الرابط لم يُفتح بعد. يُفتح قبل موعدك بـ 15 دقيقة. يُرجى العودة حينها.',
    linkExpired: 'انتهت صلاحية هذا الرابط: مضى وقت الموعد. يُرجى التواصل مع العيادة إذا كنت لا تزال بحاجة إلى مراجعة.',
    linkUsed:
      'استُخدم هذا الرابط من قبل. إذا انضممت من هاتف أو جهاز لوحي أو كمبيوتر آخر، فتابع هناك. وإلا فاطلب من العيادة إرسال رابط جديد.',
    linkRevoked: 'أرسلت إليك العيادة رابطًا أحدث. يُرجى استخدام الرابط في أحدث رسالة منها.',
    linkRescheduled:
      'نُقل موعدك إلى وقت جديد، لذلك لم يعد هذا الرابط يعمل. أرسلنا إليك رابطًا جديدًا بالبريد الإلكتروني: يُرجى استخدامه.',
    linkCancelled: 'أُلغي هذا الموعد أو انتهى وقته. يُرجى التواصل مع العيادة.',
    linkWrongRole: 'هذا الرابط ليس للمرضى. يُرجى استخدام الرابط الموجود في رسالة موعدك.',
    network: 'تعذّر الوصول إلى خدمة الفيديو لدى العيادة. تحقق من اتصالك بالإنترنت وحاول مرة أخرى.',
    linkInvalid: 'هذا الرابط غير صالح. ربما نُسخ بشكل ناقص: افتحه من بريدك الإلكتروني مرة أخرى، أو تواصل مع العيادة.',
    openFromEmail: 'للانضمام، افتح الرابط الموجود في رسالة موعدك.',
  },
  bn: {
    title: 'আপনার ভিডিও অ্যাপয়েন্টমেন্ট',
    header: 'ভিডিও অ্যাপয়েন্টমেন্ট',
    intro:
      'এই ওয়েব পেজেই আপনি চিকিৎসককে দেখতে ও শুনতে পাবেন। কিছু ইনস্টল করতে বা অ্যাকাউন্ট খুলতে হবে না। একটি শান্ত, নিরিবিলি জায়গা বেছে নিন, এবং ক্যামেরা ও মাইক্রোফোন তৈরি রাখুন।',
    join: 'আপনার ভিডিও অ্যাপয়েন্টমেন্টে যোগ দিন',
    checkHeading: 'আপনার ক্যামেরা ও মাইক্রোফোন পরীক্ষা করুন',
    languages: 'ভাষা',
    linkEarly: 'এই লিংক এখনও খোলেনি। এটি {when}-এ খুলবে। তখন আবার আসুন।',
    linkEarlySoon: 'এই লিংক এখনও খোলেনি। এটি আপনার অ্যাপয়েন্টমেন্টের 15 মিনিট আগে খুলবে। তখন আবার আসুন।',
    linkExpired:
      'এই লিংকের মেয়াদ শেষ: অ্যাপয়েন্টমেন্টের সময় পার হয়ে গেছে। এখনও দেখানোর দরকার হলে ক্লিনিকের সঙ্গে যোগাযোগ করুন।',
    linkUsed:
      'এই লিংক আগেই ব্যবহার করা হয়েছে। আপনি অন্য ফোন, ট্যাবলেট বা কম্পিউটারে যোগ দিয়ে থাকলে সেখানেই চালিয়ে যান। তা না হলে ক্লিনিককে নতুন লিংক পাঠাতে বলুন।',
    linkRevoked: 'ক্লিনিক আপনাকে আরও নতুন একটি লিংক পাঠিয়েছে। তাদের সবচেয়ে নতুন ইমেলের লিংকটি ব্যবহার করুন।',
    linkRescheduled:
      'আপনার অ্যাপয়েন্টমেন্ট নতুন সময়ে সরানো হয়েছে, তাই এই লিংক আর কাজ করে না। আমরা আপনাকে একটি নতুন লিংক ইমেল করেছি: সেটিই ব্যবহার করুন।',
    linkCancelled: 'এই অ্যাপয়েন্টমেন্ট বাতিল হয়েছে বা আগেই হয়ে গেছে। ক্লিনিকের সঙ্গে যোগাযোগ করুন।',
    linkWrongRole: 'এই লিংক রোগীদের জন্য নয়। আপনার অ্যাপয়েন্টমেন্টের ইমেলের লিংকটি ব্যবহার করুন।',
    network: 'ক্লিনিকের ভিডিও পরিষেবায় পৌঁছানো যায়নি। ইন্টারনেট সংযোগ দেখে আবার চেষ্টা করুন।',
    linkInvalid: 'এই লিংকটি সঠিক নয়। হয়তো এটি পুরোটা কপি হয়নি: ইমেল থেকে আবার খুলুন, অথবা ক্লিনিকের সঙ্গে যোগাযোগ করুন।',
    openFromEmail: 'যোগ দিতে, আপনার অ্যাপয়েন্টমেন্টের ইমেলের লিংকটি খুলুন।',
  },
  bg: {
    title: 'Вашият видео час',
    header: 'Видео час',
    intro:
      'Ще виждате и чувате лекаря на тази уеб страница. Не е нужно да инсталирате нищо или да създавате профил. Изберете тихо, уединено място и пригответе камерата и микрофона си.',
    join: 'Включете се във видео часа си',
    checkHeading: 'Проверете камерата и микрофона си',
    languages: 'Език',
    linkEarly: 'Този линк още не е отворен. Отваря се в {when}. Моля, върнете се тогава.',
    linkEarlySoon: 'Този линк още не е отворен. Отваря се 15 минути преди часа ви. Моля, върнете се тогава.',
    linkExpired:
      'Този линк е изтекъл: часът вече мина. Моля, свържете се с практиката, ако все още имате нужда от преглед.',
    linkUsed:
      'Този линк вече е използван. Ако сте се включили от друг телефон, таблет или компютър, продължете там. Иначе помолете практиката да ви изпрати нов линк.',
    linkRevoked: 'Практиката ви изпрати по-нов линк. Моля, използвайте линка от най-новия им имейл.',
    linkRescheduled:
      'Часът ви е преместен в ново време, затова този линк вече не работи. Изпратихме ви нов линк по имейл: моля, използвайте него.',
    linkCancelled: 'Този час е отменен или вече е минал. Моля, свържете се с практиката.',
    linkWrongRole: 'Този линк не е за пациенти. Моля, използвайте линка от имейла за вашия час.',
    network:
      'Не успяхме да се свържем с видеоуслугата на практиката. Проверете интернет връзката си и опитайте отново.',
    linkInvalid:
      'Този линк не е валиден. Може да е копиран непълно: отворете го отново от имейла си или се свържете с практиката.',
    openFromEmail: 'За да се включите, отворете линка от имейла за вашия час.',
  },
  it: {
    title: 'Il tuo appuntamento video',
    header: 'Appuntamento video',
    intro:
      'Vedrai e sentirai il medico in questa pagina web. Non devi installare nulla né creare un account. Scegli un posto tranquillo e riservato, e tieni pronti videocamera e microfono.',
    join: 'Partecipa al tuo appuntamento video',
    checkHeading: 'Controlla videocamera e microfono',
    languages: 'Lingua',
    linkEarly: 'Questo link non è ancora attivo. Si apre alle {when}. Torna a quell’ora.',
    linkEarlySoon: 'Questo link non è ancora attivo. Si apre 15 minuti prima dell’appuntamento. Torna a quell’ora.',
    linkExpired:
      'Questo link è scaduto: l’orario dell’appuntamento è passato. Contatta l’ambulatorio se hai ancora bisogno di una visita.',
    linkUsed:
      'Questo link è già stato usato. Se ti sei collegato da un altro telefono, tablet o computer, continua lì. Altrimenti chiedi all’ambulatorio di inviarti un nuovo link.',
    linkRevoked: 'L’ambulatorio ti ha inviato un link più recente. Usa il link della loro email più recente.',
    linkRescheduled:
      'Il tuo appuntamento è stato spostato a un nuovo orario, quindi questo link non funziona più. Ti abbiamo inviato un nuovo link via email: usa quello.',
    linkCancelled: 'Questo appuntamento è stato annullato o si è già svolto. Contatta l’ambulatorio.',
    linkWrongRole: 'Questo link non è per i pazienti. Usa il link dell’email del tuo appuntamento.',
    network:
      'Non siamo riusciti a raggiungere il servizio video dell’ambulatorio. Controlla la connessione a internet e riprova.',
    linkInvalid:
      'Questo link non è valido. Forse è stato copiato solo in parte: aprilo di nuovo dalla tua email oppure contatta l’ambulatorio.',
    openFromEmail: 'Per collegarti, apri il link nell’email del tuo appuntamento.',
  },
  pl: {
    title: 'Twoja wizyta wideo',
    header: 'Wizyta wideo',
    intro:
      'Na tej stronie zobaczysz i usłyszysz lekarza. Nie musisz niczego instalować ani zakładać konta. Wybierz ciche, prywatne miejsce i przygotuj kamerę i mikrofon.',
    join: 'Dołącz do wizyty wideo',
    checkHeading: 'Sprawdź kamerę i mikrofon',
    languages: 'Język',
    linkEarly: 'Ten link jeszcze nie działa. Zacznie działać: {when}. Wróć wtedy.',
    linkEarlySoon: 'Ten link jeszcze nie działa. Zacznie działać 15 minut przed wizytą. Wróć wtedy.',
    linkExpired: 'Ten link wygasł: termin wizyty minął. Jeśli nadal potrzebujesz pomocy, skontaktuj się z przychodnią.',
    linkUsed:
      'Ten link został już użyty. Jeśli dołączyłeś na innym telefonie, tablecie lub komputerze, kontynuuj tam. W przeciwnym razie poproś przychodnię o nowy link.',
    linkRevoked: 'Przychodnia wysłała Ci nowszy link. Użyj linku z najnowszego e-maila.',
    linkRescheduled:
      'Twoja wizyta została przeniesiona na inny termin, więc ten link już nie działa. Wysłaliśmy Ci e-mailem nowy link: użyj go.',
    linkCancelled: 'Ta wizyta została odwołana albo już się odbyła. Skontaktuj się z przychodnią.',
    linkWrongRole: 'Ten link nie jest dla pacjentów. Użyj linku z e-maila o wizycie.',
    network: 'Nie udało się połączyć z usługą wideo przychodni. Sprawdź połączenie z internetem i spróbuj ponownie.',
    linkInvalid:
      'Ten link jest nieprawidłowy. Mógł zostać skopiowany tylko w części: otwórz go ponownie z e-maila lub skontaktuj się z przychodnią.',
    openFromEmail: 'Aby dołączyć, otwórz link z e-maila o wizycie.',
  },
  pa: {
    title: 'ਤੁਹਾਡੀ ਵੀਡੀਓ ਅਪਾਇੰਟਮੈਂਟ',
    header: 'ਵੀਡੀਓ ਅਪਾਇੰਟਮੈਂਟ',
    intro:
      'ਤੁਸੀਂ ਇਸ ਵੈੱਬ ਪੰਨੇ ਤੇ ਡਾਕਟਰ ਨੂੰ ਦੇਖ ਅਤੇ ਸੁਣ ਸਕੋਗੇ। ਕੁਝ ਵੀ ਇੰਸਟਾਲ ਕਰਨ ਜਾਂ ਖਾਤਾ ਬਣਾਉਣ ਦੀ ਲੋੜ ਨਹੀਂ। ਕੋਈ ਸ਼ਾਂਤ, ਨਿੱਜੀ ਥਾਂ ਚੁਣੋ, ਅਤੇ ਆਪਣਾ ਕੈਮਰਾ ਅਤੇ ਮਾਈਕ੍ਰੋਫ਼ੋਨ ਤਿਆਰ ਰੱਖੋ।',
    join: 'ਆਪਣੀ ਵੀਡੀਓ ਅਪਾਇੰਟਮੈਂਟ ਵਿੱਚ ਸ਼ਾਮਲ ਹੋਵੋ',
    checkHeading: 'ਆਪਣਾ ਕੈਮਰਾ ਅਤੇ ਮਾਈਕ੍ਰੋਫ਼ੋਨ ਜਾਂਚੋ',
    languages: 'ਭਾਸ਼ਾ',
    linkEarly: 'ਇਹ ਲਿੰਕ ਅਜੇ ਨਹੀਂ ਖੁੱਲ੍ਹਿਆ। ਇਹ {when} ਨੂੰ ਖੁੱਲ੍ਹੇਗਾ। ਕਿਰਪਾ ਕਰਕੇ ਉਦੋਂ ਵਾਪਸ ਆਓ।',
    linkEarlySoon: 'ਇਹ ਲਿੰਕ ਅਜੇ ਨਹੀਂ ਖੁੱਲ੍ਹਿਆ। ਇਹ ਤੁਹਾਡੀ ਅਪਾਇੰਟਮੈਂਟ ਤੋਂ 15 ਮਿੰਟ ਪਹਿਲਾਂ ਖੁੱਲ੍ਹੇਗਾ। ਕਿਰਪਾ ਕਰਕੇ ਉਦੋਂ ਵਾਪਸ ਆਓ।',
    linkExpired:
      'ਇਸ ਲਿੰਕ ਦੀ ਮਿਆਦ ਖ਼ਤਮ ਹੋ ਗਈ ਹੈ: ਅਪਾਇੰਟਮੈਂਟ ਦਾ ਸਮਾਂ ਲੰਘ ਗਿਆ ਹੈ। ਜੇ ਤੁਹਾਨੂੰ ਅਜੇ ਵੀ ਦਿਖਾਉਣ ਦੀ ਲੋੜ ਹੈ ਤਾਂ ਕਲੀਨਿਕ ਨਾਲ ਸੰਪਰਕ ਕਰੋ।',
    linkUsed:
      'ਇਹ ਲਿੰਕ ਪਹਿਲਾਂ ਹੀ ਵਰਤਿਆ ਜਾ ਚੁੱਕਾ ਹੈ। ਜੇ ਤੁਸੀਂ ਕਿਸੇ ਹੋਰ ਫ਼ੋਨ, ਟੈਬਲੇਟ ਜਾਂ ਕੰਪਿਊਟਰ ਤੇ ਸ਼ਾਮਲ ਹੋਏ ਹੋ ਤਾਂ ਉੱਥੇ ਹੀ ਜਾਰੀ ਰੱਖੋ। ਨਹੀਂ ਤਾਂ ਕਲੀਨਿਕ ਨੂੰ ਨਵਾਂ ਲਿੰਕ ਭੇਜਣ ਲਈ ਕਹੋ।',
    linkRevoked: 'ਕਲੀਨਿਕ ਨੇ ਤੁਹਾਨੂੰ ਇੱਕ ਨਵਾਂ ਲਿੰਕ ਭੇਜਿਆ ਹੈ। ਕਿਰਪਾ ਕਰਕੇ ਉਹਨਾਂ ਦੀ ਸਭ ਤੋਂ ਨਵੀਂ ਈਮੇਲ ਵਾਲਾ ਲਿੰਕ ਵਰਤੋ।',
    linkRescheduled:
      'ਤੁਹਾਡੀ ਅਪਾਇੰਟਮੈਂਟ ਨਵੇਂ ਸਮੇਂ ਤੇ ਬਦਲ ਗਈ ਹੈ, ਇਸ ਲਈ ਇਹ ਲਿੰਕ ਹੁਣ ਕੰਮ ਨਹੀਂ ਕਰਦਾ। ਅਸੀਂ ਤੁਹਾਨੂੰ ਨਵਾਂ ਲਿੰਕ ਈਮੇਲ ਕਰ ਦਿੱਤਾ ਹੈ: ਕਿਰਪਾ ਕਰਕੇ ਉਹੀ ਵਰਤੋ।',
    linkCancelled: 'ਇਹ ਅਪਾਇੰਟਮੈਂਟ ਰੱਦ ਹੋ ਚੁੱਕੀ ਹੈ ਜਾਂ ਉਸਦਾ ਸਮਾਂ ਲੰਘ ਚੁੱਕਾ ਹੈ। ਕਿਰਪਾ ਕਰਕੇ ਕਲੀਨਿਕ ਨਾਲ ਸੰਪਰਕ ਕਰੋ।',
    linkWrongRole: 'ਇਹ ਲਿੰਕ ਮਰੀਜ਼ਾਂ ਲਈ ਨਹੀਂ ਹੈ। ਕਿਰਪਾ ਕਰਕੇ ਆਪਣੀ ਅਪਾਇੰਟਮੈਂਟ ਦੀ ਈਮੇਲ ਵਾਲਾ ਲਿੰਕ ਵਰਤੋ।',
    network: 'ਅਸੀਂ ਕਲੀਨਿਕ ਦੀ ਵੀਡੀਓ ਸੇਵਾ ਤੱਕ ਨਹੀਂ ਪਹੁੰਚ ਸਕੇ। ਆਪਣਾ ਇੰਟਰਨੈੱਟ ਕਨੈਕਸ਼ਨ ਜਾਂਚੋ ਅਤੇ ਦੁਬਾਰਾ ਕੋਸ਼ਿਸ਼ ਕਰੋ।',
    linkInvalid: 'ਇਹ ਲਿੰਕ ਸਹੀ ਨਹੀਂ ਹੈ। ਸ਼ਾਇਦ ਇਹ ਪੂਰਾ ਕਾਪੀ ਨਹੀਂ ਹੋਇਆ: ਇਸਨੂੰ ਆਪਣੀ ਈਮੇਲ ਤੋਂ ਦੁਬਾਰਾ ਖੋਲ੍ਹੋ, ਜਾਂ ਕਲੀਨਿਕ ਨਾਲ ਸੰਪਰਕ ਕਰੋ।',
    openFromEmail: 'ਸ਼ਾਮਲ ਹੋਣ ਲਈ, ਆਪਣੀ ਅਪਾਇੰਟਮੈਂਟ ਦੀ ਈਮੇਲ ਵਾਲਾ ਲਿੰਕ ਖੋਲ੍ਹੋ।',
  },
  ro: {
    title: 'Programarea dvs. video',
    header: 'Programare video',
    intro:
      'Pe această pagină web îl veți vedea și auzi pe medic. Nu trebuie să instalați nimic și nici să creați un cont. Alegeți un loc liniștit și retras și pregătiți camera și microfonul.',
    join: 'Intrați în programarea video',
    checkHeading: 'Verificați camera și microfonul',
    languages: 'Limba',
    linkEarly: 'Acest link nu este încă deschis. Se deschide la {when}. Reveniți atunci.',
    linkEarlySoon: 'Acest link nu este încă deschis. Se deschide cu 15 minute înainte de programare. Reveniți atunci.',
    linkExpired:
      'Acest link a expirat: ora programării a trecut. Contactați cabinetul dacă aveți în continuare nevoie de o consultație.',
    linkUsed:
      'Acest link a fost deja folosit. Dacă ați intrat de pe alt telefon, altă tabletă sau alt calculator, continuați acolo. Altfel, cereți cabinetului să vă trimită un link nou.',
    linkRevoked: 'Cabinetul v-a trimis un link mai nou. Folosiți linkul din cel mai recent e-mail de la ei.',
    linkRescheduled:
      'Programarea dvs. a fost mutată la o oră nouă, așa că acest link nu mai funcționează. V-am trimis un link nou prin e-mail: vă rugăm să-l folosiți pe acela.',
    linkCancelled: 'Această programare a fost anulată sau a avut deja loc. Contactați cabinetul.',
    linkWrongRole: 'Acest link nu este pentru pacienți. Folosiți linkul din e-mailul programării.',
    network:
      'Nu am putut ajunge la serviciul video al cabinetului. Verificați conexiunea la internet și încercați din nou.',
    linkInvalid:
      'Acest link nu este valid. Poate a fost copiat incomplet: deschideți-l din nou din e-mail sau contactați cabinetul.',
    openFromEmail: 'Pentru a intra, deschideți linkul din e-mailul programării.',
  },
  ur: {
    title: 'آپ کی ویڈیو اپائنٹمنٹ',
    header: 'ویڈیو اپائنٹمنٹ',
    intro:
      'آپ اس ویب صفحے پر معالج کو دیکھ اور سن سکیں گے۔ کچھ انسٹال کرنے یا اکاؤنٹ بنانے کی ضرورت نہیں۔ کوئی پرسکون، نجی جگہ چنیں، اور اپنا کیمرہ اور مائیکروفون تیار رکھیں۔',
    join: 'اپنی ویڈیو اپائنٹمنٹ میں شامل ہوں',
    checkHeading: 'اپنا کیمرہ اور مائیکروفون چیک کریں',
    languages: 'زبان',
    linkEarly: 'یہ لنک ابھی نہیں کھلا۔ یہ {when} کو کھلے گا۔ براہ کرم اس وقت دوبارہ آئیں۔',
    linkEarlySoon: 'یہ لنک ابھی نہیں کھلا۔ یہ آپ کی اپائنٹمنٹ سے 15 منٹ پہلے کھلے گا۔ براہ کرم اس وقت دوبارہ آئیں۔',
    linkExpired:
      'اس لنک کی مدت ختم ہو گئی ہے: اپائنٹمنٹ کا وقت گزر چکا ہے۔ اگر آپ کو اب بھی دکھانے کی ضرورت ہے تو کلینک سے رابطہ کریں۔',
    linkUsed:
      'یہ لنک پہلے ہی استعمال ہو چکا ہے۔ اگر آپ کسی اور فون، ٹیبلیٹ یا کمپیوٹر پر شامل ہوئے ہیں تو وہیں جاری رکھیں۔ ورنہ کلینک سے نیا لنک بھیجنے کو کہیں۔',
    linkRevoked: 'کلینک نے آپ کو ایک نیا لنک بھیجا ہے۔ براہ کرم ان کی سب سے تازہ ای میل والا لنک استعمال کریں۔',
    linkRescheduled:
      'آپ کی اپائنٹمنٹ نئے وقت پر منتقل ہو گئی ہے، اس لیے یہ لنک اب کام نہیں کرتا۔ ہم نے آپ کو نیا لنک ای میل کر دیا ہے: براہ کرم وہی استعمال کریں۔',
    linkCancelled: 'یہ اپائنٹمنٹ منسوخ ہو چکی ہے یا اس کا وقت گزر چکا ہے۔ براہ کرم کلینک سے رابطہ کریں۔',
    linkWrongRole: 'یہ لنک مریضوں کے لیے نہیں ہے۔ براہ کرم اپنی اپائنٹمنٹ کی ای میل والا لنک استعمال کریں۔',
    network: 'ہم کلینک کی ویڈیو سروس تک نہیں پہنچ سکے۔ اپنا انٹرنیٹ کنکشن چیک کریں اور دوبارہ کوشش کریں۔',
    linkInvalid:
      'یہ لنک درست نہیں ہے۔ شاید یہ پورا کاپی نہیں ہوا: اسے اپنی ای میل سے دوبارہ کھولیں، یا کلینک سے رابطہ کریں۔',
    openFromEmail: 'شامل ہونے کے لیے اپنی اپائنٹمنٹ کی ای میل والا لنک کھولیں۔',
  },
};

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The words of the join page in `locale`. */
export function joinWords(locale: ServerLocale): JoinWords {
  return WORDS[locale];
}

/**
 * The join page in `locale`: `<html lang dir>`, the text of every element marked
 * `data-ck-text="{word}"` (elements without others inside), the switcher in the element marked
 * `data-ck-html="language-links"`, and the words of its script in `<script id="ck-words">`. The
 * template itself is a working English page. The switcher's links keep the page's path (the
 * link's token) and change only `?lang=`.
 */
export function renderJoinPage(template: string, locale: ServerLocale): string {
  const words = WORDS[locale] as unknown as Record<string, string>;
  const switcher = SERVER_LOCALES.map(
    (code) =>
      `<li><a href="?lang=${code}" lang="${code}" hreflang="${code}" dir="${directionOf(code)}"${
        code === locale ? ' aria-current="true"' : ''
      }>${escape(LANGUAGE_NAMES[code])}</a></li>`,
  ).join('');
  const json = JSON.stringify(words).replace(/</g, '\\u003c');
  return (
    template
      .replace(/<html\b[^>]*>/, `<html lang="${locale}" dir="${directionOf(locale)}">`)
      .replace(
        /(<(\w+)\b[^>]*\bdata-ck-text="(\w+)"[^>]*>)[^<]*(<\/\2>)/g,
        (whole, open: string, _tag: string, key: string, close: string) =>
          words[key] === undefined ? whole : `${open}${escape(words[key])}${close}`,
      )
      .replace(/(<(\w+)\b[^>]*\bdata-ck-html="language-links"[^>]*>)[^<]*(<\/\2>)/, `$1${switcher}$3`)
      // The same help, in the same place, as the guides (WCAG 3.2.6).
      .replace(/<footer data-ck-html="help"[^>]*>[^<]*<\/footer>/, helpBlock(locale))
      .replace(
        /<a data-ck-guide="([\w-]+)"[^>]*>[^<]*<\/a\s*>/g,
        (whole, slug: string) => guideLink(slug, locale) ?? whole,
      )
      .replace(/(<script type="application\/json" id="ck-words">)[^<]*(<\/script>)/, `$1${json}$2`)
  );
}
