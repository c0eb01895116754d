/**
 * The fixed sentences of the e-mails and text messages to patients, in the ten languages
 * (docs/translations.md says who wrote them and that no native speaker has reviewed them yet).
 * Whole sentences with their values in place, never fragments joined in code. British English is
 * the source; its lines are wrapped as the messages always were.
 */
import type { ServerLocale } from './locales.js';

type Channel = 'Video' | 'Telephone' | 'In-person';

export interface MailWords {
  /** The greeting; `name` is empty when unknown. */
  dear(name: string): string;
  /** Field labels of the `Label:   value` table (no colon in them). */
  labels: { with: string; when: string; how: string; reference: string; join: string; newTime: string; was: string };
  /** The Europe/London zone by name (English says GMT or BST). */
  ukTime: string;
  /** `date, from to to (zone)` */
  range(date: string, from: string, to: string, zone: string): string;
  /** How the appointment happens (confirmation, move). */
  channels: Record<Channel, string>;
  /** The kind of appointment in a reminder ("your {how}"). */
  kinds: Record<Channel, string>;
  /** A short date and time for a text message: "Tue 3 Mar at 09:00". */
  shortAt(day: string, time: string): string;

  confirmed: string;
  subjectConfirmed(date: string, time: string): string;
  joinLater: string;
  manageIntro: string;
  referenceHelp(reference: string): string;

  declined: string;
  cancelled: string;
  subjectDeclined(date: string, time: string): string;
  subjectCancelled(date: string, time: string): string;
  theirMessage: string;
  videoLinkGone: string;
  bookAgain: string;

  movedByPatient: string;
  movedByPractice: string;
  subjectMoved(date: string, time: string): string;
  joinLaterNew: string;
  oldLinkGone: string;
  notSuitManage: string;
  notSuitCall: string;

  newLink: string;
  linkOpens(time: string, date: string): string;
  subjectLink(date: string, time: string): string;

  /** The retrieval link (docs/recording.md): the consultation to watch and read again. */
  subjectRecord(date: string): string;
  recordIntro: string;
  recordUntil(time: string, date: string): string;

  reminderOf(kind: string): string;
  subjectReminder(kind: string, date: string, time: string): string;
  reminderJoinHelp: string;
  testNow: string;
  linkLater: string;
  willCall: string;
  cancelHere: string;
  reminderReference(reference: string, withManageLink: boolean): string;
  smsReminder(kind: string, practitioner: string, when: string): string;
  smsJoin(url: string): string;
  smsTest(url: string): string;
  smsWillCall: string;
  smsReference(reference: string): string;

  /** The calendar file (`.ics`): its title, text and place. `service` is the practice's own words. */
  calendar: {
    summary(channel: Channel, practitioner: string): string;
    details(channel: Channel, practitioner: string, service: string, reference: string): string;
    videoLocation: string;
  };
}

const en: MailWords = {
  dear: (name) => `Dear ${name || 'patient'},`,
  labels: {
    with: 'With',
    when: 'When',
    how: 'How',
    reference: 'Reference',
    join: 'Join',
    newTime: 'New time',
    was: 'Was',
  },
  ukTime: 'UK time',
  range: (date, from, to, zone) => `${date}, ${from} to ${to} (${zone})`,
  channels: {
    Video: 'Video consultation',
    Telephone: 'Telephone call (the practice will call you)',
    'In-person': 'In person at the practice',
  },
  kinds: { Video: 'video appointment', Telephone: 'telephone appointment', 'In-person': 'appointment at the practice' },
  shortAt: (day, time) => `${day} at ${time}`,
  confirmed: 'Your appointment is confirmed.',
  subjectConfirmed: (date, time) => `Appointment confirmed: ${date} at ${time}`,
  joinLater: 'the practice will send your video link separately',
  manageIntro: 'To cancel or change the time, open your booking:',
  referenceHelp: (reference) =>
    `Or use your booking reference ${reference} with your date of birth on the practice\n` +
    'website, or call the practice. Please cancel if you no longer need the appointment, so that\n' +
    'someone else can have it.',
  declined: 'The practice could not accept your appointment request.',
  cancelled: 'The practice has had to cancel your appointment.',
  subjectDeclined: (date, time) => `Appointment request not accepted: ${date} at ${time}`,
  subjectCancelled: (date, time) => `Appointment cancelled: ${date} at ${time}`,
  theirMessage: 'Their message:',
  videoLinkGone: 'The video link you were sent no longer works.',
  bookAgain: 'Please book another time on the practice website, or call the practice.',
  movedByPatient: 'Your appointment has moved to the new time you chose.',
  movedByPractice: 'The practice has moved your appointment to a new time.',
  subjectMoved: (date, time) => `Appointment moved: now ${date} at ${time}`,
  joinLaterNew: 'the practice will send your new video link separately',
  oldLinkGone: 'The video link you were sent before no longer works: please use this one.',
  notSuitManage: 'If the new time does not suit you, choose another or cancel here:',
  notSuitCall: 'If the new time does not suit you, please call the practice.',
  newLink: 'Here is a new link for your video appointment. Any earlier link no longer works.',
  linkOpens: (time, date) =>
    `The link opens at ${time} on ${date} and works once. No app or account is needed:\n` +
    'open it in your web browser on a phone, tablet or computer with a camera.',
  subjectLink: (date, time) => `Your video appointment link: ${date} at ${time}`,
  subjectRecord: (date) => `Your video consultation of ${date}: recording, chat and documents`,
  recordIntro:
    'The practice has sent you a link to your video consultation: you can watch its recording again\nand read the chat and the documents shared in it.',
  recordUntil: (time, date) =>
    `The link works until ${time} on ${date}. Please keep it to yourself: anyone with it can\nwatch the recording. Ask the practice for a new link when it has expired.`,
  reminderOf: (kind) => `This is a reminder of your ${kind}.`,
  subjectReminder: (kind, date, time) => `Reminder: your ${kind} on ${date} at ${time}`,
  reminderJoinHelp:
    'Open the link shortly before your appointment, on a phone, tablet or computer with a camera.\n' +
    'It works once, on one device. No app or account is needed. Any link you were sent before still works.',
  testNow: 'Test your camera and microphone now, on the device you will use, so that everything works on the day:',
  linkLater: 'We will send you the link to join shortly before the appointment.',
  willCall: 'The practice will call you at this time.',
  cancelHere: 'If you can no longer come, please cancel or choose another time here:',
  reminderReference: (reference, manage) =>
    `${manage ? 'Or use' : 'If you can no longer come, please cancel with'} your booking reference ${reference} on the\n` +
    'practice website, or call the practice, so that someone else can have the time.',
  smsReminder: (kind, practitioner, when) => `Reminder: ${kind} with ${practitioner} on ${when}.`,
  smsJoin: (url) => ` Join: ${url}`,
  smsTest: (url) => ` Test your camera and microphone now: ${url}`,
  smsWillCall: ' The practice will call you.',
  smsReference: (reference) => ` Ref ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${{ Video: 'Video consultation', Telephone: 'Telephone appointment', 'In-person': 'Appointment' }[channel]} with ${who}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `Video consultation with ${who} (${service}). Join with the link in your e-mail. Reference ${reference}.`
        : `${channel === 'Telephone' ? 'Telephone appointment' : 'Appointment'} with ${who} (${service}). Reference ${reference}.`,
    videoLocation: 'Video call (link in your e-mail)',
  },
};

const cy: MailWords = {
  dear: (name) => (name ? `Annwyl ${name},` : 'Annwyl glaf,'),
  labels: {
    with: 'Gyda',
    when: 'Pryd',
    how: 'Sut',
    reference: 'Cyfeirnod',
    join: 'Ymuno',
    newTime: 'Amser newydd',
    was: 'Cynt',
  },
  ukTime: 'amser y DU',
  range: (date, from, to, zone) => `${date}, ${from} i ${to} (${zone})`,
  channels: {
    Video: 'Ymgynghoriad fideo',
    Telephone: 'Galwad ffôn (bydd y feddygfa’n eich ffonio)',
    'In-person': 'Wyneb yn wyneb yn y feddygfa',
  },
  kinds: { Video: 'apwyntiad fideo', Telephone: 'apwyntiad ffôn', 'In-person': 'apwyntiad yn y feddygfa' },
  shortAt: (day, time) => `${day} am ${time}`,
  confirmed: 'Mae eich apwyntiad wedi’i gadarnhau.',
  subjectConfirmed: (date, time) => `Apwyntiad wedi’i gadarnhau: ${date} am ${time}`,
  joinLater: 'bydd y feddygfa’n anfon eich dolen fideo ar wahân',
  manageIntro: 'I ganslo neu newid yr amser, agorwch eich archeb:',
  referenceHelp: (reference) =>
    `Neu defnyddiwch eich cyfeirnod archebu ${reference} gyda’ch dyddiad geni ar wefan y feddygfa, neu ffoniwch y feddygfa. Canslwch os nad oes angen yr apwyntiad arnoch mwyach, fel bod rhywun arall yn gallu ei gael.`,
  declined: 'Doedd y feddygfa ddim yn gallu derbyn eich cais am apwyntiad.',
  cancelled: 'Mae’r feddygfa wedi gorfod canslo eich apwyntiad.',
  subjectDeclined: (date, time) => `Cais am apwyntiad heb ei dderbyn: ${date} am ${time}`,
  subjectCancelled: (date, time) => `Apwyntiad wedi’i ganslo: ${date} am ${time}`,
  theirMessage: 'Eu neges:',
  videoLinkGone: 'Dydy’r ddolen fideo a anfonwyd atoch ddim yn gweithio mwyach.',
  bookAgain: 'Archebwch amser arall ar wefan y feddygfa, neu ffoniwch y feddygfa.',
  movedByPatient: 'Mae eich apwyntiad wedi symud i’r amser newydd a ddewisoch.',
  movedByPractice: 'Mae’r feddygfa wedi symud eich apwyntiad i amser newydd.',
  subjectMoved: (date, time) => `Apwyntiad wedi symud: nawr ${date} am ${time}`,
  joinLaterNew: 'bydd y feddygfa’n anfon eich dolen fideo newydd ar wahân',
  oldLinkGone: 'Dydy’r ddolen fideo a anfonwyd atoch o’r blaen ddim yn gweithio mwyach: defnyddiwch yr un yma.',
  notSuitManage: 'Os nad yw’r amser newydd yn gyfleus, dewiswch un arall neu canslwch yma:',
  notSuitCall: 'Os nad yw’r amser newydd yn gyfleus, ffoniwch y feddygfa.',
  newLink: 'Dyma ddolen newydd ar gyfer eich apwyntiad fideo. Dydy unrhyw ddolen gynharach ddim yn gweithio mwyach.',
  linkOpens: (time, date) =>
    `Mae’r ddolen yn agor am ${time} ar ${date} ac yn gweithio unwaith. Does dim angen ap na chyfrif: agorwch hi yn eich porwr gwe ar ffôn, llechen neu gyfrifiadur gyda chamera.`,
  subjectLink: (date, time) => `Dolen eich apwyntiad fideo: ${date} am ${time}`,
  subjectRecord: (date) => `Eich ymgynghoriad fideo ar ${date}: recordiad, sgwrs a dogfennau`,
  recordIntro:
    'Mae’r feddygfa wedi anfon dolen i’ch ymgynghoriad fideo atoch: gallwch wylio’r recordiad eto a darllen y sgwrs a’r dogfennau a rannwyd ynddo.',
  recordUntil: (time, date) =>
    `Mae’r ddolen yn gweithio tan ${time} ar ${date}. Cadwch hi i chi eich hun: gall unrhyw un sydd â hi wylio’r recordiad. Gofynnwch i’r feddygfa am ddolen newydd pan fydd wedi dod i ben.`,
  reminderOf: (kind) => `Dyma nodyn i’ch atgoffa am eich ${kind}.`,
  subjectReminder: (kind, date, time) => `Nodyn atgoffa: eich ${kind} ar ${date} am ${time}`,
  reminderJoinHelp:
    'Agorwch y ddolen ychydig cyn eich apwyntiad, ar ffôn, llechen neu gyfrifiadur gyda chamera. Mae’n gweithio unwaith, ar un ddyfais. Does dim angen ap na chyfrif. Mae unrhyw ddolen a anfonwyd atoch o’r blaen yn dal i weithio.',
  testNow:
    'Profwch eich camera a’ch meicroffon nawr, ar y ddyfais y byddwch yn ei defnyddio, fel bod popeth yn gweithio ar y diwrnod:',
  linkLater: 'Byddwn yn anfon y ddolen i ymuno atoch ychydig cyn yr apwyntiad.',
  willCall: 'Bydd y feddygfa’n eich ffonio ar yr amser hwn.',
  cancelHere: 'Os na allwch ddod mwyach, canslwch neu dewiswch amser arall yma:',
  reminderReference: (reference, manage) =>
    `${manage ? 'Neu defnyddiwch' : 'Os na allwch ddod mwyach, canslwch gyda'} eich cyfeirnod archebu ${reference} ar wefan y feddygfa, neu ffoniwch y feddygfa, fel bod rhywun arall yn gallu cael yr amser.`,
  smsReminder: (kind, practitioner, when) => `Nodyn atgoffa: ${kind} gyda ${practitioner} ${when}.`,
  smsJoin: (url) => ` Ymuno: ${url}`,
  smsTest: (url) => ` Profwch eich camera a’ch meicroffon nawr: ${url}`,
  smsWillCall: ' Bydd y feddygfa’n eich ffonio.',
  smsReference: (reference) => ` Cyf ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${{ Video: 'Ymgynghoriad fideo', Telephone: 'Apwyntiad ffôn', 'In-person': 'Apwyntiad' }[channel]} gyda ${who}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `Ymgynghoriad fideo gyda ${who} (${service}). Ymunwch â’r ddolen yn eich e-bost. Cyfeirnod ${reference}.`
        : `${channel === 'Telephone' ? 'Apwyntiad ffôn' : 'Apwyntiad'} gyda ${who} (${service}). Cyfeirnod ${reference}.`,
    videoLocation: 'Galwad fideo (dolen yn eich e-bost)',
  },
};

const pl: MailWords = {
  dear: (name) => (name ? `Dzień dobry, ${name},` : 'Dzień dobry,'),
  labels: {
    with: 'U kogo',
    when: 'Kiedy',
    how: 'Forma',
    reference: 'Numer',
    join: 'Dołącz',
    newTime: 'Nowy termin',
    was: 'Poprzednio',
  },
  ukTime: 'czas w Wielkiej Brytanii',
  range: (date, from, to, zone) => `${date}, ${from}–${to} (${zone})`,
  channels: {
    Video: 'Wideokonsultacja',
    Telephone: 'Rozmowa telefoniczna (przychodnia do Ciebie zadzwoni)',
    'In-person': 'Osobiście w przychodni',
  },
  kinds: { Video: 'wizyta wideo', Telephone: 'wizyta telefoniczna', 'In-person': 'wizyta w przychodni' },
  shortAt: (day, time) => `${day}, godz. ${time}`,
  confirmed: 'Twoja wizyta jest potwierdzona.',
  subjectConfirmed: (date, time) => `Wizyta potwierdzona: ${date}, godz. ${time}`,
  joinLater: 'przychodnia wyśle link do wideo osobno',
  manageIntro: 'Aby odwołać wizytę lub zmienić termin, otwórz swoją rezerwację:',
  referenceHelp: (reference) =>
    `Możesz też podać numer rezerwacji ${reference} i datę urodzenia na stronie przychodni albo zadzwonić do przychodni. Jeśli wizyta nie jest już potrzebna, odwołaj ją, aby mógł z niej skorzystać ktoś inny.`,
  declined: 'Przychodnia nie mogła przyjąć Twojej prośby o wizytę.',
  cancelled: 'Przychodnia musiała odwołać Twoją wizytę.',
  subjectDeclined: (date, time) => `Prośba o wizytę nieprzyjęta: ${date}, godz. ${time}`,
  subjectCancelled: (date, time) => `Wizyta odwołana: ${date}, godz. ${time}`,
  theirMessage: 'Wiadomość od przychodni:',
  videoLinkGone: 'Wysłany wcześniej link do wideo już nie działa.',
  bookAgain: 'Zarezerwuj inny termin na stronie przychodni albo zadzwoń do przychodni.',
  movedByPatient: 'Twoja wizyta została przeniesiona na wybrany przez Ciebie termin.',
  movedByPractice: 'Przychodnia przeniosła Twoją wizytę na nowy termin.',
  subjectMoved: (date, time) => `Wizyta przeniesiona: teraz ${date}, godz. ${time}`,
  joinLaterNew: 'przychodnia wyśle nowy link do wideo osobno',
  oldLinkGone: 'Wysłany wcześniej link do wideo już nie działa: użyj tego.',
  notSuitManage: 'Jeśli nowy termin Ci nie odpowiada, wybierz inny lub odwołaj wizytę tutaj:',
  notSuitCall: 'Jeśli nowy termin Ci nie odpowiada, zadzwoń do przychodni.',
  newLink: 'Oto nowy link do Twojej wizyty wideo. Wcześniejsze linki już nie działają.',
  linkOpens: (time, date) =>
    `Link zacznie działać o ${time} w dniu ${date} i działa jeden raz. Nie potrzebujesz aplikacji ani konta: otwórz go w przeglądarce na telefonie, tablecie lub komputerze z kamerą.`,
  subjectLink: (date, time) => `Link do wizyty wideo: ${date}, godz. ${time}`,
  subjectRecord: (date) => `Twoja konsultacja wideo z ${date}: nagranie, czat i dokumenty`,
  recordIntro:
    'Przychodnia przesyła link do Twojej konsultacji wideo: możesz ponownie obejrzeć nagranie oraz przeczytać czat i udostępnione w niej dokumenty.',
  recordUntil: (time, date) =>
    `Link działa do ${date}, godz. ${time}. Nie udostępniaj go nikomu: każdy, kto go ma, może obejrzeć nagranie. Gdy wygaśnie, poproś przychodnię o nowy link.`,
  reminderOf: (kind) => `Przypominamy: ${kind}.`,
  subjectReminder: (kind, date, time) => `Przypomnienie: ${kind}, ${date}, godz. ${time}`,
  reminderJoinHelp:
    'Otwórz link tuż przed wizytą, na telefonie, tablecie lub komputerze z kamerą. Działa jeden raz, na jednym urządzeniu. Nie potrzebujesz aplikacji ani konta. Linki wysłane wcześniej nadal działają.',
  testNow: 'Sprawdź teraz kamerę i mikrofon na urządzeniu, którego użyjesz, aby w dniu wizyty wszystko działało:',
  linkLater: 'Link do dołączenia wyślemy tuż przed wizytą.',
  willCall: 'Przychodnia zadzwoni do Ciebie o tej godzinie.',
  cancelHere: 'Jeśli nie możesz przyjść, odwołaj wizytę lub wybierz inny termin tutaj:',
  reminderReference: (reference, manage) =>
    `${manage ? 'Możesz też podać' : 'Jeśli nie możesz przyjść, odwołaj wizytę, podając'} numer rezerwacji ${reference} na stronie przychodni albo zadzwoń do przychodni, aby ktoś inny mógł skorzystać z tego terminu.`,
  smsReminder: (kind, practitioner, when) => `Przypomnienie: ${kind}, ${practitioner}, ${when}.`,
  smsJoin: (url) => ` Dołącz: ${url}`,
  smsTest: (url) => ` Sprawdź teraz kamerę i mikrofon: ${url}`,
  smsWillCall: ' Przychodnia do Ciebie zadzwoni.',
  smsReference: (reference) => ` Nr ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${{ Video: 'Wideokonsultacja', Telephone: 'Wizyta telefoniczna', 'In-person': 'Wizyta' }[channel]}: ${who}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `Wideokonsultacja: ${who} (${service}). Dołącz przez link w e-mailu. Numer rezerwacji ${reference}.`
        : `${channel === 'Telephone' ? 'Wizyta telefoniczna' : 'Wizyta'}: ${who} (${service}). Numer rezerwacji ${reference}.`,
    videoLocation: 'Rozmowa wideo (link w e-mailu)',
  },
};

const ar: MailWords = {
  dear: (name) => (name ? `عزيزي/عزيزتي ${name}،` : 'عزيزي المريض،'),
  labels: {
    with: 'مع',
    when: 'الموعد',
    how: 'الطريقة',
    reference: 'رقم الحجز',
    join: 'الانضمام',
    newTime: 'الموعد الجديد',
    was: 'الموعد السابق',
  },
  ukTime: 'توقيت المملكة المتحدة',
  range: (date, from, to, zone) => `${date}، من ${from} إلى ${to} (${zone})`,
  channels: {
    Video: 'استشارة عبر الفيديو',
    Telephone: 'مكالمة هاتفية (ستتصل بك العيادة)',
    'In-person': 'حضوريًا في العيادة',
  },
  kinds: { Video: 'موعد الفيديو', Telephone: 'الموعد الهاتفي', 'In-person': 'الموعد في العيادة' },
  shortAt: (day, time) => `${day} الساعة ${time}`,
  confirmed: 'تم تأكيد موعدك.',
  subjectConfirmed: (date, time) => `تم تأكيد الموعد: ${date} الساعة ${time}`,
  joinLater: 'سترسل العيادة رابط الفيديو بشكل منفصل',
  manageIntro: 'لإلغاء الموعد أو تغيير وقته، افتح حجزك:',
  referenceHelp: (reference) =>
    `أو استخدم رقم الحجز ${reference} مع تاريخ ميلادك على موقع العيادة، أو اتصل بالعيادة. يُرجى الإلغاء إذا لم تعد بحاجة إلى الموعد، حتى يستفيد منه شخص آخر.`,
  declined: 'لم تتمكن العيادة من قبول طلب موعدك.',
  cancelled: 'اضطرت العيادة إلى إلغاء موعدك.',
  subjectDeclined: (date, time) => `لم يُقبل طلب الموعد: ${date} الساعة ${time}`,
  subjectCancelled: (date, time) => `أُلغي الموعد: ${date} الساعة ${time}`,
  theirMessage: 'رسالة العيادة:',
  videoLinkGone: 'رابط الفيديو الذي أُرسل إليك لم يعد يعمل.',
  bookAgain: 'يُرجى حجز وقت آخر على موقع العيادة، أو الاتصال بالعيادة.',
  movedByPatient: 'نُقل موعدك إلى الوقت الجديد الذي اخترته.',
  movedByPractice: 'نقلت العيادة موعدك إلى وقت جديد.',
  subjectMoved: (date, time) => `نُقل الموعد: الآن ${date} الساعة ${time}`,
  joinLaterNew: 'سترسل العيادة رابط الفيديو الجديد بشكل منفصل',
  oldLinkGone: 'رابط الفيديو الذي أُرسل إليك سابقًا لم يعد يعمل: يُرجى استخدام هذا الرابط.',
  notSuitManage: 'إذا لم يناسبك الوقت الجديد، اختر وقتًا آخر أو ألغِ الموعد من هنا:',
  notSuitCall: 'إذا لم يناسبك الوقت الجديد، يُرجى الاتصال بالعيادة.',
  newLink: 'هذا رابط جديد لموعد الفيديو الخاص بك. أي رابط سابق لم يعد يعمل.',
  linkOpens: (time, date) =>
    `يُفتح الرابط الساعة ${time} يوم ${date} ويعمل مرة واحدة. لا تحتاج إلى تطبيق أو حساب: افتحه في متصفح الإنترنت على هاتف أو جهاز لوحي أو كمبيوتر فيه كاميرا.`,
  subjectLink: (date, time) => `رابط موعد الفيديو: ${date} الساعة ${time}`,
  subjectRecord: (date) => `استشارتك بالفيديو بتاريخ ${date}: التسجيل والمحادثة والمستندات`,
  recordIntro:
    'أرسلت إليك العيادة رابطًا إلى استشارتك بالفيديو: يمكنك مشاهدة تسجيلها مرة أخرى وقراءة المحادثة والمستندات التي تمت مشاركتها فيها.',
  recordUntil: (time, date) =>
    `يعمل الرابط حتى الساعة ${time} بتاريخ ${date}. يُرجى الاحتفاظ به لنفسك: يمكن لأي شخص لديه الرابط مشاهدة التسجيل. اطلب من العيادة رابطًا جديدًا عند انتهاء صلاحيته.`,
  reminderOf: (kind) => `هذا تذكير بـ${kind}.`,
  subjectReminder: (kind, date, time) => `تذكير: ${kind} يوم ${date} الساعة ${time}`,
  reminderJoinHelp:
    'افتح الرابط قبل موعدك بقليل، على هاتف أو جهاز لوحي أو كمبيوتر فيه كاميرا. يعمل مرة واحدة، على جهاز واحد. لا تحتاج إلى تطبيق أو حساب. أي رابط أُرسل إليك سابقًا لا يزال يعمل.',
  testNow: 'اختبر الكاميرا والميكروفون الآن، على الجهاز الذي ستستخدمه، حتى يعمل كل شيء في يوم الموعد:',
  linkLater: 'سنرسل إليك رابط الانضمام قبل الموعد بقليل.',
  willCall: 'ستتصل بك العيادة في هذا الوقت.',
  cancelHere: 'إذا لم تعد تستطيع الحضور، يُرجى الإلغاء أو اختيار وقت آخر من هنا:',
  reminderReference: (reference, manage) =>
    `${manage ? 'أو استخدم' : 'إذا لم تعد تستطيع الحضور، يُرجى الإلغاء باستخدام'} رقم الحجز ${reference} على موقع العيادة، أو اتصل بالعيادة، حتى يستفيد شخص آخر من الموعد.`,
  smsReminder: (kind, practitioner, when) => `تذكير: ${kind} مع ${practitioner} يوم ${when}.`,
  smsJoin: (url) => ` للانضمام: ${url}`,
  smsTest: (url) => ` اختبر الكاميرا والميكروفون الآن: ${url}`,
  smsWillCall: ' ستتصل بك العيادة.',
  smsReference: (reference) => ` رقم الحجز ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${{ Video: 'استشارة عبر الفيديو', Telephone: 'موعد هاتفي', 'In-person': 'موعد' }[channel]} مع ${who}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `استشارة عبر الفيديو مع ${who} (${service}). انضم عبر الرابط في بريدك الإلكتروني. رقم الحجز ${reference}.`
        : `${channel === 'Telephone' ? 'موعد هاتفي' : 'موعد'} مع ${who} (${service}). رقم الحجز ${reference}.`,
    videoLocation: 'مكالمة فيديو (الرابط في بريدك الإلكتروني)',
  },
};

const ur: MailWords = {
  dear: (name) => (name ? `محترم ${name}،` : 'محترم مریض،'),
  labels: {
    with: 'معالج',
    when: 'وقت',
    how: 'طریقہ',
    reference: 'ریفرنس',
    join: 'شامل ہوں',
    newTime: 'نیا وقت',
    was: 'پہلے کا وقت',
  },
  ukTime: 'برطانیہ کا وقت',
  range: (date, from, to, zone) => `${date}، ${from} سے ${to} تک (${zone})`,
  channels: {
    Video: 'ویڈیو مشاورت',
    Telephone: 'فون کال (کلینک آپ کو فون کرے گا)',
    'In-person': 'کلینک میں بالمشافہ',
  },
  kinds: { Video: 'ویڈیو اپائنٹمنٹ', Telephone: 'فون اپائنٹمنٹ', 'In-person': 'کلینک میں اپائنٹمنٹ' },
  shortAt: (day, time) => `${day}، ${time} بجے`,
  confirmed: 'آپ کی اپائنٹمنٹ کی تصدیق ہو گئی ہے۔',
  subjectConfirmed: (date, time) => `اپائنٹمنٹ کی تصدیق: ${date}، ${time} بجے`,
  joinLater: 'کلینک آپ کا ویڈیو لنک الگ سے بھیجے گا',
  manageIntro: 'منسوخ کرنے یا وقت بدلنے کے لیے اپنی بکنگ کھولیں:',
  referenceHelp: (reference) =>
    `یا کلینک کی ویب سائٹ پر اپنا بکنگ ریفرنس ${reference} اور تاریخ پیدائش استعمال کریں، یا کلینک کو فون کریں۔ اگر آپ کو اب اپائنٹمنٹ کی ضرورت نہیں تو براہ کرم منسوخ کر دیں، تاکہ کوئی اور اسے لے سکے۔`,
  declined: 'کلینک آپ کی اپائنٹمنٹ کی درخواست قبول نہیں کر سکا۔',
  cancelled: 'کلینک کو آپ کی اپائنٹمنٹ منسوخ کرنی پڑی ہے۔',
  subjectDeclined: (date, time) => `اپائنٹمنٹ کی درخواست قبول نہیں ہوئی: ${date}، ${time} بجے`,
  subjectCancelled: (date, time) => `اپائنٹمنٹ منسوخ: ${date}، ${time} بجے`,
  theirMessage: 'کلینک کا پیغام:',
  videoLinkGone: 'آپ کو بھیجا گیا ویڈیو لنک اب کام نہیں کرتا۔',
  bookAgain: 'براہ کرم کلینک کی ویب سائٹ پر کوئی اور وقت بک کریں، یا کلینک کو فون کریں۔',
  movedByPatient: 'آپ کی اپائنٹمنٹ آپ کے چنے ہوئے نئے وقت پر منتقل ہو گئی ہے۔',
  movedByPractice: 'کلینک نے آپ کی اپائنٹمنٹ نئے وقت پر منتقل کر دی ہے۔',
  subjectMoved: (date, time) => `اپائنٹمنٹ منتقل: اب ${date}، ${time} بجے`,
  joinLaterNew: 'کلینک آپ کا نیا ویڈیو لنک الگ سے بھیجے گا',
  oldLinkGone: 'پہلے بھیجا گیا ویڈیو لنک اب کام نہیں کرتا: براہ کرم یہ لنک استعمال کریں۔',
  notSuitManage: 'اگر نیا وقت آپ کے لیے مناسب نہیں تو یہاں کوئی اور وقت چنیں یا منسوخ کریں:',
  notSuitCall: 'اگر نیا وقت آپ کے لیے مناسب نہیں تو براہ کرم کلینک کو فون کریں۔',
  newLink: 'یہ آپ کی ویڈیو اپائنٹمنٹ کا نیا لنک ہے۔ پہلے کا کوئی بھی لنک اب کام نہیں کرتا۔',
  linkOpens: (time, date) =>
    `یہ لنک ${date} کو ${time} بجے کھلے گا اور ایک بار کام کرے گا۔ کسی ایپ یا اکاؤنٹ کی ضرورت نہیں: اسے کیمرے والے فون، ٹیبلیٹ یا کمپیوٹر کے ویب براؤزر میں کھولیں۔`,
  subjectLink: (date, time) => `آپ کی ویڈیو اپائنٹمنٹ کا لنک: ${date}، ${time} بجے`,
  subjectRecord: (date) => `${date} کی آپ کی ویڈیو مشاورت: ریکارڈنگ، چیٹ اور دستاویزات`,
  recordIntro:
    'کلینک نے آپ کو آپ کی ویڈیو مشاورت کا لنک بھیجا ہے: آپ اس کی ریکارڈنگ دوبارہ دیکھ سکتے ہیں اور اس میں شیئر کی گئی چیٹ اور دستاویزات پڑھ سکتے ہیں۔',
  recordUntil: (time, date) =>
    `یہ لنک ${date} کو ${time} بجے تک کام کرے گا۔ براہ کرم اسے اپنے پاس رکھیں: جس کے پاس بھی یہ لنک ہو وہ ریکارڈنگ دیکھ سکتا ہے۔ میعاد ختم ہونے پر کلینک سے نیا لنک مانگیں۔`,
  reminderOf: (kind) => `یہ آپ کی ${kind} کی یاد دہانی ہے۔`,
  subjectReminder: (kind, date, time) => `یاد دہانی: آپ کی ${kind} ${date} کو ${time} بجے`,
  reminderJoinHelp:
    'اپائنٹمنٹ سے تھوڑا پہلے لنک کیمرے والے فون، ٹیبلیٹ یا کمپیوٹر پر کھولیں۔ یہ ایک بار، ایک ڈیوائس پر کام کرتا ہے۔ کسی ایپ یا اکاؤنٹ کی ضرورت نہیں۔ پہلے بھیجا گیا کوئی بھی لنک اب بھی کام کرتا ہے۔',
  testNow:
    'ابھی اسی ڈیوائس پر اپنا کیمرہ اور مائیکروفون ٹیسٹ کریں جو آپ استعمال کریں گے، تاکہ اس دن سب کچھ ٹھیک کام کرے:',
  linkLater: 'ہم اپائنٹمنٹ سے تھوڑا پہلے آپ کو شامل ہونے کا لنک بھیجیں گے۔',
  willCall: 'کلینک اس وقت آپ کو فون کرے گا۔',
  cancelHere: 'اگر آپ اب نہیں آ سکتے تو براہ کرم یہاں منسوخ کریں یا کوئی اور وقت چنیں:',
  reminderReference: (reference, manage) =>
    `${manage ? 'یا' : 'اگر آپ اب نہیں آ سکتے تو براہ کرم'} کلینک کی ویب سائٹ پر اپنا بکنگ ریفرنس ${reference} استعمال کریں${manage ? '' : ' اور منسوخ کریں'}، یا کلینک کو فون کریں، تاکہ کوئی اور یہ وقت لے سکے۔`,
  smsReminder: (kind, practitioner, when) => `یاد دہانی: ${practitioner} کے ساتھ ${kind}، ${when}۔`,
  smsJoin: (url) => ` شامل ہوں: ${url}`,
  smsTest: (url) => ` ابھی کیمرہ اور مائیکروفون ٹیسٹ کریں: ${url}`,
  smsWillCall: ' کلینک آپ کو فون کرے گا۔',
  smsReference: (reference) => ` ریفرنس ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${who} کے ساتھ ${{ Video: 'ویڈیو مشاورت', Telephone: 'فون اپائنٹمنٹ', 'In-person': 'اپائنٹمنٹ' }[channel]}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `${who} کے ساتھ ویڈیو مشاورت (${service})۔ اپنی ای میل میں دیے گئے لنک سے شامل ہوں۔ بکنگ نمبر ${reference}۔`
        : `${who} کے ساتھ ${channel === 'Telephone' ? 'فون اپائنٹمنٹ' : 'اپائنٹمنٹ'} (${service})۔ بکنگ نمبر ${reference}۔`,
    videoLocation: 'ویڈیو کال (لنک آپ کی ای میل میں ہے)',
  },
};

const bn: MailWords = {
  dear: (name) => (name ? `প্রিয় ${name},` : 'প্রিয় রোগী,'),
  labels: {
    with: 'কার সঙ্গে',
    when: 'কখন',
    how: 'কীভাবে',
    reference: 'রেফারেন্স',
    join: 'যোগ দিন',
    newTime: 'নতুন সময়',
    was: 'আগের সময়',
  },
  ukTime: 'যুক্তরাজ্যের সময়',
  range: (date, from, to, zone) => `${date}, ${from} থেকে ${to} (${zone})`,
  channels: {
    Video: 'ভিডিও পরামর্শ',
    Telephone: 'ফোন কল (ক্লিনিক আপনাকে ফোন করবে)',
    'In-person': 'ক্লিনিকে সরাসরি',
  },
  kinds: { Video: 'ভিডিও অ্যাপয়েন্টমেন্ট', Telephone: 'ফোন অ্যাপয়েন্টমেন্ট', 'In-person': 'ক্লিনিকে অ্যাপয়েন্টমেন্ট' },
  shortAt: (day, time) => `${day}, ${time}`,
  confirmed: 'আপনার অ্যাপয়েন্টমেন্ট নিশ্চিত হয়েছে।',
  subjectConfirmed: (date, time) => `অ্যাপয়েন্টমেন্ট নিশ্চিত: ${date}, ${time}`,
  joinLater: 'ক্লিনিক আপনার ভিডিও লিংক আলাদাভাবে পাঠাবে',
  manageIntro: 'বাতিল করতে বা সময় বদলাতে, আপনার বুকিং খুলুন:',
  referenceHelp: (reference) =>
    `অথবা ক্লিনিকের ওয়েবসাইটে আপনার বুকিং রেফারেন্স ${reference} ও জন্ম তারিখ ব্যবহার করুন, বা ক্লিনিকে ফোন করুন। অ্যাপয়েন্টমেন্টের আর দরকার না হলে বাতিল করুন, যাতে অন্য কেউ এটি পেতে পারেন।`,
  declined: 'ক্লিনিক আপনার অ্যাপয়েন্টমেন্টের অনুরোধ গ্রহণ করতে পারেনি।',
  cancelled: 'ক্লিনিককে আপনার অ্যাপয়েন্টমেন্ট বাতিল করতে হয়েছে।',
  subjectDeclined: (date, time) => `অ্যাপয়েন্টমেন্টের অনুরোধ গৃহীত হয়নি: ${date}, ${time}`,
  subjectCancelled: (date, time) => `অ্যাপয়েন্টমেন্ট বাতিল: ${date}, ${time}`,
  theirMessage: 'ক্লিনিকের বার্তা:',
  videoLinkGone: 'আপনাকে পাঠানো ভিডিও লিংক আর কাজ করে না।',
  bookAgain: 'ক্লিনিকের ওয়েবসাইটে অন্য সময় বুক করুন, বা ক্লিনিকে ফোন করুন।',
  movedByPatient: 'আপনার অ্যাপয়েন্টমেন্ট আপনার বেছে নেওয়া নতুন সময়ে সরানো হয়েছে।',
  movedByPractice: 'ক্লিনিক আপনার অ্যাপয়েন্টমেন্ট নতুন সময়ে সরিয়েছে।',
  subjectMoved: (date, time) => `অ্যাপয়েন্টমেন্ট সরানো হয়েছে: এখন ${date}, ${time}`,
  joinLaterNew: 'ক্লিনিক আপনার নতুন ভিডিও লিংক আলাদাভাবে পাঠাবে',
  oldLinkGone: 'আগে পাঠানো ভিডিও লিংক আর কাজ করে না: এটি ব্যবহার করুন।',
  notSuitManage: 'নতুন সময় আপনার সুবিধামতো না হলে, এখানে অন্য সময় বেছে নিন বা বাতিল করুন:',
  notSuitCall: 'নতুন সময় আপনার সুবিধামতো না হলে, ক্লিনিকে ফোন করুন।',
  newLink: 'এটি আপনার ভিডিও অ্যাপয়েন্টমেন্টের নতুন লিংক। আগের কোনো লিংক আর কাজ করে না।',
  linkOpens: (time, date) =>
    `লিংকটি ${date} তারিখে ${time}-এ খুলবে এবং একবার কাজ করবে। কোনো অ্যাপ বা অ্যাকাউন্ট লাগবে না: ক্যামেরাসহ ফোন, ট্যাবলেট বা কম্পিউটারের ওয়েব ব্রাউজারে খুলুন।`,
  subjectLink: (date, time) => `আপনার ভিডিও অ্যাপয়েন্টমেন্টের লিংক: ${date}, ${time}`,
  subjectRecord: (date) => `${date} তারিখের আপনার ভিডিও পরামর্শ: রেকর্ডিং, চ্যাট ও নথি`,
  recordIntro:
    'ক্লিনিক আপনাকে আপনার ভিডিও পরামর্শের একটি লিংক পাঠিয়েছে: আপনি এর রেকর্ডিং আবার দেখতে পারেন এবং এতে শেয়ার করা চ্যাট ও নথি পড়তে পারেন।',
  recordUntil: (time, date) =>
    `লিংকটি ${date} তারিখ ${time} পর্যন্ত কাজ করবে। দয়া করে এটি নিজের কাছে রাখুন: যার কাছে এটি থাকবে সে-ই রেকর্ডিং দেখতে পারবে। মেয়াদ শেষ হলে ক্লিনিকের কাছে নতুন লিংক চান।`,
  reminderOf: (kind) => `এটি আপনার ${kind}-এর রিমাইন্ডার।`,
  subjectReminder: (kind, date, time) => `রিমাইন্ডার: আপনার ${kind} ${date}, ${time}`,
  reminderJoinHelp:
    'অ্যাপয়েন্টমেন্টের একটু আগে ক্যামেরাসহ ফোন, ট্যাবলেট বা কম্পিউটারে লিংকটি খুলুন। এটি একবার, একটি ডিভাইসে কাজ করে। কোনো অ্যাপ বা অ্যাকাউন্ট লাগবে না। আগে পাঠানো যেকোনো লিংক এখনও কাজ করে।',
  testNow: 'যে ডিভাইস ব্যবহার করবেন তাতে এখনই ক্যামেরা ও মাইক্রোফোন পরীক্ষা করুন, যাতে সেদিন সব ঠিকমতো কাজ করে:',
  linkLater: 'অ্যাপয়েন্টমেন্টের একটু আগে আমরা আপনাকে যোগ দেওয়ার লিংক পাঠাব।',
  willCall: 'ক্লিনিক এই সময়ে আপনাকে ফোন করবে।',
  cancelHere: 'আপনি আর আসতে না পারলে, এখানে বাতিল করুন বা অন্য সময় বেছে নিন:',
  reminderReference: (reference, manage) =>
    `${manage ? 'অথবা' : 'আপনি আর আসতে না পারলে,'} ক্লিনিকের ওয়েবসাইটে আপনার বুকিং রেফারেন্স ${reference} ব্যবহার করে${manage ? '' : ' বাতিল করুন'}, বা ক্লিনিকে ফোন করুন, যাতে অন্য কেউ সময়টি পেতে পারেন।`,
  smsReminder: (kind, practitioner, when) => `রিমাইন্ডার: ${practitioner}-এর সঙ্গে ${kind}, ${when}।`,
  smsJoin: (url) => ` যোগ দিন: ${url}`,
  smsTest: (url) => ` এখনই ক্যামেরা ও মাইক্রোফোন পরীক্ষা করুন: ${url}`,
  smsWillCall: ' ক্লিনিক আপনাকে ফোন করবে।',
  smsReference: (reference) => ` রেফ ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${who}-এর সঙ্গে ${{ Video: 'ভিডিও পরামর্শ', Telephone: 'ফোন অ্যাপয়েন্টমেন্ট', 'In-person': 'অ্যাপয়েন্টমেন্ট' }[channel]}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `${who}-এর সঙ্গে ভিডিও পরামর্শ (${service})। আপনার ইমেলের লিঙ্ক দিয়ে যোগ দিন। বুকিং নম্বর ${reference}।`
        : `${who}-এর সঙ্গে ${channel === 'Telephone' ? 'ফোন অ্যাপয়েন্টমেন্ট' : 'অ্যাপয়েন্টমেন্ট'} (${service})। বুকিং নম্বর ${reference}।`,
    videoLocation: 'ভিডিও কল (লিঙ্ক আপনার ইমেলে)',
  },
};

const pa: MailWords = {
  dear: (name) => (name ? `ਪਿਆਰੇ ${name},` : 'ਪਿਆਰੇ ਮਰੀਜ਼,'),
  labels: {
    with: 'ਕਿਸ ਨਾਲ',
    when: 'ਕਦੋਂ',
    how: 'ਕਿਵੇਂ',
    reference: 'ਹਵਾਲਾ ਨੰਬਰ',
    join: 'ਸ਼ਾਮਲ ਹੋਵੋ',
    newTime: 'ਨਵਾਂ ਸਮਾਂ',
    was: 'ਪਹਿਲਾਂ ਵਾਲਾ ਸਮਾਂ',
  },
  ukTime: 'ਯੂਕੇ ਦਾ ਸਮਾਂ',
  range: (date, from, to, zone) => `${date}, ${from} ਤੋਂ ${to} ਤੱਕ (${zone})`,
  channels: {
    Video: 'ਵੀਡੀਓ ਸਲਾਹ-ਮਸ਼ਵਰਾ',
    Telephone: 'ਫ਼ੋਨ ਕਾਲ (ਕਲੀਨਿਕ ਤੁਹਾਨੂੰ ਫ਼ੋਨ ਕਰੇਗਾ)',
    'In-person': 'ਕਲੀਨਿਕ ਵਿੱਚ ਆਹਮੋ-ਸਾਹਮਣੇ',
  },
  kinds: { Video: 'ਵੀਡੀਓ ਅਪਾਇੰਟਮੈਂਟ', Telephone: 'ਫ਼ੋਨ ਅਪਾਇੰਟਮੈਂਟ', 'In-person': 'ਕਲੀਨਿਕ ਵਿੱਚ ਅਪਾਇੰਟਮੈਂਟ' },
  shortAt: (day, time) => `${day}, ${time} ਵਜੇ`,
  confirmed: 'ਤੁਹਾਡੀ ਅਪਾਇੰਟਮੈਂਟ ਦੀ ਪੁਸ਼ਟੀ ਹੋ ਗਈ ਹੈ।',
  subjectConfirmed: (date, time) => `ਅਪਾਇੰਟਮੈਂਟ ਦੀ ਪੁਸ਼ਟੀ: ${date}, ${time} ਵਜੇ`,
  joinLater: 'ਕਲੀਨਿਕ ਤੁਹਾਡਾ ਵੀਡੀਓ ਲਿੰਕ ਵੱਖਰਾ ਭੇਜੇਗਾ',
  manageIntro: 'ਰੱਦ ਕਰਨ ਜਾਂ ਸਮਾਂ ਬਦਲਣ ਲਈ, ਆਪਣੀ ਬੁਕਿੰਗ ਖੋਲ੍ਹੋ:',
  referenceHelp: (reference) =>
    `ਜਾਂ ਕਲੀਨਿਕ ਦੀ ਵੈੱਬਸਾਈਟ ਤੇ ਆਪਣਾ ਬੁਕਿੰਗ ਹਵਾਲਾ ਨੰਬਰ ${reference} ਅਤੇ ਜਨਮ ਮਿਤੀ ਵਰਤੋ, ਜਾਂ ਕਲੀਨਿਕ ਨੂੰ ਫ਼ੋਨ ਕਰੋ। ਜੇ ਤੁਹਾਨੂੰ ਹੁਣ ਅਪਾਇੰਟਮੈਂਟ ਦੀ ਲੋੜ ਨਹੀਂ ਤਾਂ ਕਿਰਪਾ ਕਰਕੇ ਰੱਦ ਕਰੋ, ਤਾਂ ਜੋ ਕੋਈ ਹੋਰ ਇਸਨੂੰ ਲੈ ਸਕੇ।`,
  declined: 'ਕਲੀਨਿਕ ਤੁਹਾਡੀ ਅਪਾਇੰਟਮੈਂਟ ਦੀ ਬੇਨਤੀ ਸਵੀਕਾਰ ਨਹੀਂ ਕਰ ਸਕਿਆ।',
  cancelled: 'ਕਲੀਨਿਕ ਨੂੰ ਤੁਹਾਡੀ ਅਪਾਇੰਟਮੈਂਟ ਰੱਦ ਕਰਨੀ ਪਈ ਹੈ।',
  subjectDeclined: (date, time) => `ਅਪਾਇੰਟਮੈਂਟ ਦੀ ਬੇਨਤੀ ਸਵੀਕਾਰ ਨਹੀਂ ਹੋਈ: ${date}, ${time} ਵਜੇ`,
  subjectCancelled: (date, time) => `ਅਪਾਇੰਟਮੈਂਟ ਰੱਦ: ${date}, ${time} ਵਜੇ`,
  theirMessage: 'ਕਲੀਨਿਕ ਦਾ ਸੁਨੇਹਾ:',
  videoLinkGone: 'ਤੁਹਾਨੂੰ ਭੇਜਿਆ ਵੀਡੀਓ ਲਿੰਕ ਹੁਣ ਕੰਮ ਨਹੀਂ ਕਰਦਾ।',
  bookAgain: 'ਕਿਰਪਾ ਕਰਕੇ ਕਲੀਨਿਕ ਦੀ ਵੈੱਬਸਾਈਟ ਤੇ ਕੋਈ ਹੋਰ ਸਮਾਂ ਬੁੱਕ ਕਰੋ, ਜਾਂ ਕਲੀਨਿਕ ਨੂੰ ਫ਼ੋਨ ਕਰੋ।',
  movedByPatient: 'ਤੁਹਾਡੀ ਅਪਾਇੰਟਮੈਂਟ ਤੁਹਾਡੇ ਚੁਣੇ ਨਵੇਂ ਸਮੇਂ ਤੇ ਬਦਲ ਗਈ ਹੈ।',
  movedByPractice: 'ਕਲੀਨਿਕ ਨੇ ਤੁਹਾਡੀ ਅਪਾਇੰਟਮੈਂਟ ਨਵੇਂ ਸਮੇਂ ਤੇ ਬਦਲ ਦਿੱਤੀ ਹੈ।',
  subjectMoved: (date, time) => `ਅਪਾਇੰਟਮੈਂਟ ਬਦਲੀ: ਹੁਣ ${date}, ${time} ਵਜੇ`,
  joinLaterNew: 'ਕਲੀਨਿਕ ਤੁਹਾਡਾ ਨਵਾਂ ਵੀਡੀਓ ਲਿੰਕ ਵੱਖਰਾ ਭੇਜੇਗਾ',
  oldLinkGone: 'ਪਹਿਲਾਂ ਭੇਜਿਆ ਵੀਡੀਓ ਲਿੰਕ ਹੁਣ ਕੰਮ ਨਹੀਂ ਕਰਦਾ: ਕਿਰਪਾ ਕਰਕੇ ਇਹ ਵਰਤੋ।',
  notSuitManage: 'ਜੇ ਨਵਾਂ ਸਮਾਂ ਤੁਹਾਡੇ ਲਈ ਠੀਕ ਨਹੀਂ, ਤਾਂ ਇੱਥੇ ਕੋਈ ਹੋਰ ਚੁਣੋ ਜਾਂ ਰੱਦ ਕਰੋ:',
  notSuitCall: 'ਜੇ ਨਵਾਂ ਸਮਾਂ ਤੁਹਾਡੇ ਲਈ ਠੀਕ ਨਹੀਂ, ਤਾਂ ਕਿਰਪਾ ਕਰਕੇ ਕਲੀਨਿਕ ਨੂੰ ਫ਼ੋਨ ਕਰੋ।',
  newLink: 'ਇਹ ਤੁਹਾਡੀ ਵੀਡੀਓ ਅਪਾਇੰਟਮੈਂਟ ਦਾ ਨਵਾਂ ਲਿੰਕ ਹੈ। ਪਹਿਲਾਂ ਵਾਲਾ ਕੋਈ ਵੀ ਲਿੰਕ ਹੁਣ ਕੰਮ ਨਹੀਂ ਕਰਦਾ।',
  linkOpens: (time, date) =>
    `ਲਿੰਕ ${date} ਨੂੰ ${time} ਵਜੇ ਖੁੱਲ੍ਹੇਗਾ ਅਤੇ ਇੱਕ ਵਾਰ ਕੰਮ ਕਰੇਗਾ। ਕਿਸੇ ਐਪ ਜਾਂ ਖਾਤੇ ਦੀ ਲੋੜ ਨਹੀਂ: ਇਸਨੂੰ ਕੈਮਰੇ ਵਾਲੇ ਫ਼ੋਨ, ਟੈਬਲੇਟ ਜਾਂ ਕੰਪਿਊਟਰ ਦੇ ਵੈੱਬ ਬ੍ਰਾਊਜ਼ਰ ਵਿੱਚ ਖੋਲ੍ਹੋ।`,
  subjectLink: (date, time) => `ਤੁਹਾਡੀ ਵੀਡੀਓ ਅਪਾਇੰਟਮੈਂਟ ਦਾ ਲਿੰਕ: ${date}, ${time} ਵਜੇ`,
  subjectRecord: (date) => `${date} ਦੀ ਤੁਹਾਡੀ ਵੀਡੀਓ ਸਲਾਹ: ਰਿਕਾਰਡਿੰਗ, ਚੈਟ ਅਤੇ ਦਸਤਾਵੇਜ਼`,
  recordIntro:
    'ਕਲੀਨਿਕ ਨੇ ਤੁਹਾਨੂੰ ਤੁਹਾਡੀ ਵੀਡੀਓ ਸਲਾਹ ਦਾ ਲਿੰਕ ਭੇਜਿਆ ਹੈ: ਤੁਸੀਂ ਇਸ ਦੀ ਰਿਕਾਰਡਿੰਗ ਦੁਬਾਰਾ ਦੇਖ ਸਕਦੇ ਹੋ ਅਤੇ ਇਸ ਵਿੱਚ ਸਾਂਝੀ ਕੀਤੀ ਚੈਟ ਅਤੇ ਦਸਤਾਵੇਜ਼ ਪੜ੍ਹ ਸਕਦੇ ਹੋ।',
  recordUntil: (time, date) =>
    `ਇਹ ਲਿੰਕ ${date} ਨੂੰ ${time} ਵਜੇ ਤੱਕ ਕੰਮ ਕਰੇਗਾ। ਕਿਰਪਾ ਕਰਕੇ ਇਸ ਨੂੰ ਆਪਣੇ ਕੋਲ ਰੱਖੋ: ਜਿਸ ਕੋਲ ਵੀ ਇਹ ਹੋਵੇ ਉਹ ਰਿਕਾਰਡਿੰਗ ਦੇਖ ਸਕਦਾ ਹੈ। ਮਿਆਦ ਖ਼ਤਮ ਹੋਣ 'ਤੇ ਕਲੀਨਿਕ ਤੋਂ ਨਵਾਂ ਲਿੰਕ ਮੰਗੋ।`,
  reminderOf: (kind) => `ਇਹ ਤੁਹਾਡੀ ${kind} ਦੀ ਯਾਦ-ਦਹਾਨੀ ਹੈ।`,
  subjectReminder: (kind, date, time) => `ਯਾਦ-ਦਹਾਨੀ: ਤੁਹਾਡੀ ${kind} ${date}, ${time} ਵਜੇ`,
  reminderJoinHelp:
    'ਅਪਾਇੰਟਮੈਂਟ ਤੋਂ ਥੋੜ੍ਹਾ ਪਹਿਲਾਂ ਕੈਮਰੇ ਵਾਲੇ ਫ਼ੋਨ, ਟੈਬਲੇਟ ਜਾਂ ਕੰਪਿਊਟਰ ਤੇ ਲਿੰਕ ਖੋਲ੍ਹੋ। ਇਹ ਇੱਕ ਵਾਰ, ਇੱਕ ਡਿਵਾਈਸ ਤੇ ਕੰਮ ਕਰਦਾ ਹੈ। ਕਿਸੇ ਐਪ ਜਾਂ ਖਾਤੇ ਦੀ ਲੋੜ ਨਹੀਂ। ਪਹਿਲਾਂ ਭੇਜਿਆ ਕੋਈ ਵੀ ਲਿੰਕ ਅਜੇ ਵੀ ਕੰਮ ਕਰਦਾ ਹੈ।',
  testNow: 'ਹੁਣੇ ਉਸੇ ਡਿਵਾਈਸ ਤੇ ਆਪਣਾ ਕੈਮਰਾ ਅਤੇ ਮਾਈਕ੍ਰੋਫ਼ੋਨ ਜਾਂਚੋ ਜੋ ਤੁਸੀਂ ਵਰਤੋਗੇ, ਤਾਂ ਜੋ ਉਸ ਦਿਨ ਸਭ ਕੁਝ ਠੀਕ ਕੰਮ ਕਰੇ:',
  linkLater: 'ਅਸੀਂ ਅਪਾਇੰਟਮੈਂਟ ਤੋਂ ਥੋੜ੍ਹਾ ਪਹਿਲਾਂ ਤੁਹਾਨੂੰ ਸ਼ਾਮਲ ਹੋਣ ਦਾ ਲਿੰਕ ਭੇਜਾਂਗੇ।',
  willCall: 'ਕਲੀਨਿਕ ਇਸ ਸਮੇਂ ਤੁਹਾਨੂੰ ਫ਼ੋਨ ਕਰੇਗਾ।',
  cancelHere: 'ਜੇ ਤੁਸੀਂ ਹੁਣ ਨਹੀਂ ਆ ਸਕਦੇ, ਤਾਂ ਕਿਰਪਾ ਕਰਕੇ ਇੱਥੇ ਰੱਦ ਕਰੋ ਜਾਂ ਕੋਈ ਹੋਰ ਸਮਾਂ ਚੁਣੋ:',
  reminderReference: (reference, manage) =>
    `${manage ? 'ਜਾਂ' : 'ਜੇ ਤੁਸੀਂ ਹੁਣ ਨਹੀਂ ਆ ਸਕਦੇ, ਤਾਂ'} ਕਲੀਨਿਕ ਦੀ ਵੈੱਬਸਾਈਟ ਤੇ ਆਪਣਾ ਬੁਕਿੰਗ ਹਵਾਲਾ ਨੰਬਰ ${reference} ਵਰਤ ਕੇ${manage ? '' : ' ਰੱਦ ਕਰੋ'}, ਜਾਂ ਕਲੀਨਿਕ ਨੂੰ ਫ਼ੋਨ ਕਰੋ, ਤਾਂ ਜੋ ਕੋਈ ਹੋਰ ਇਹ ਸਮਾਂ ਲੈ ਸਕੇ।`,
  smsReminder: (kind, practitioner, when) => `ਯਾਦ-ਦਹਾਨੀ: ${practitioner} ਨਾਲ ${kind}, ${when}।`,
  smsJoin: (url) => ` ਸ਼ਾਮਲ ਹੋਵੋ: ${url}`,
  smsTest: (url) => ` ਹੁਣੇ ਕੈਮਰਾ ਅਤੇ ਮਾਈਕ੍ਰੋਫ਼ੋਨ ਜਾਂਚੋ: ${url}`,
  smsWillCall: ' ਕਲੀਨਿਕ ਤੁਹਾਨੂੰ ਫ਼ੋਨ ਕਰੇਗਾ।',
  smsReference: (reference) => ` ਹਵਾਲਾ ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${who} ਨਾਲ ${{ Video: 'ਵੀਡੀਓ ਸਲਾਹ-ਮਸ਼ਵਰਾ', Telephone: 'ਫ਼ੋਨ ਅਪੌਇੰਟਮੈਂਟ', 'In-person': 'ਅਪੌਇੰਟਮੈਂਟ' }[channel]}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `${who} ਨਾਲ ਵੀਡੀਓ ਸਲਾਹ-ਮਸ਼ਵਰਾ (${service})। ਆਪਣੀ ਈਮੇਲ ਵਿਚਲੇ ਲਿੰਕ ਨਾਲ ਜੁੜੋ। ਬੁਕਿੰਗ ਨੰਬਰ ${reference}।`
        : `${who} ਨਾਲ ${channel === 'Telephone' ? 'ਫ਼ੋਨ ਅਪੌਇੰਟਮੈਂਟ' : 'ਅਪੌਇੰਟਮੈਂਟ'} (${service})। ਬੁਕਿੰਗ ਨੰਬਰ ${reference}।`,
    videoLocation: 'ਵੀਡੀਓ ਕਾਲ (ਲਿੰਕ ਤੁਹਾਡੀ ਈਮੇਲ ਵਿੱਚ)',
  },
};

const bg: MailWords = {
  dear: (name) => (name ? `Здравейте, ${name},` : 'Здравейте,'),
  labels: {
    with: 'При',
    when: 'Кога',
    how: 'Начин',
    reference: 'Номер',
    join: 'Включване',
    newTime: 'Нов час',
    was: 'Предишен час',
  },
  ukTime: 'британско време',
  range: (date, from, to, zone) => `${date}, ${from}–${to} (${zone})`,
  channels: {
    Video: 'Видеоконсултация',
    Telephone: 'Телефонен разговор (практиката ще ви се обади)',
    'In-person': 'На място в практиката',
  },
  kinds: { Video: 'видео час', Telephone: 'час по телефона', 'In-person': 'час в практиката' },
  shortAt: (day, time) => `${day} в ${time}`,
  confirmed: 'Часът ви е потвърден.',
  subjectConfirmed: (date, time) => `Потвърден час: ${date} в ${time}`,
  joinLater: 'практиката ще изпрати видео линка отделно',
  manageIntro: 'За да отмените или смените часа, отворете записването си:',
  referenceHelp: (reference) =>
    `Или използвайте номера на записването ${reference} с датата си на раждане на сайта на практиката, или се обадете на практиката. Моля, отменете, ако часът вече не ви трябва, за да може някой друг да го ползва.`,
  declined: 'Практиката не можа да приеме заявката ви за час.',
  cancelled: 'Практиката трябваше да отмени часа ви.',
  subjectDeclined: (date, time) => `Заявката за час не е приета: ${date} в ${time}`,
  subjectCancelled: (date, time) => `Отменен час: ${date} в ${time}`,
  theirMessage: 'Съобщение от практиката:',
  videoLinkGone: 'Видео линкът, който получихте, вече не работи.',
  bookAgain: 'Моля, запазете друг час на сайта на практиката или се обадете на практиката.',
  movedByPatient: 'Часът ви е преместен в новото време, което избрахте.',
  movedByPractice: 'Практиката премести часа ви в ново време.',
  subjectMoved: (date, time) => `Преместен час: сега ${date} в ${time}`,
  joinLaterNew: 'практиката ще изпрати новия видео линк отделно',
  oldLinkGone: 'Видео линкът, който получихте преди, вече не работи: моля, използвайте този.',
  notSuitManage: 'Ако новият час не ви е удобен, изберете друг или отменете тук:',
  notSuitCall: 'Ако новият час не ви е удобен, моля, обадете се на практиката.',
  newLink: 'Ето нов линк за вашия видео час. Предишните линкове вече не работят.',
  linkOpens: (time, date) =>
    `Линкът се отваря в ${time} на ${date} и работи веднъж. Не е нужно приложение или профил: отворете го в браузъра на телефон, таблет или компютър с камера.`,
  subjectLink: (date, time) => `Линк за видео час: ${date} в ${time}`,
  subjectRecord: (date) => `Вашата видеоконсултация от ${date}: запис, чат и документи`,
  recordIntro:
    'Практиката ви изпраща линк към вашата видеоконсултация: можете да гледате записа ѝ отново и да прочетете чата и споделените в нея документи.',
  recordUntil: (time, date) =>
    `Линкът работи до ${time} на ${date}. Моля, не го споделяйте: всеки, който го има, може да гледа записа. Поискайте нов линк от практиката, когато изтече.`,
  reminderOf: (kind) => `Напомняме ви за вашия ${kind}.`,
  subjectReminder: (kind, date, time) => `Напомняне: вашият ${kind} на ${date} в ${time}`,
  reminderJoinHelp:
    'Отворете линка малко преди часа си, на телефон, таблет или компютър с камера. Работи веднъж, на едно устройство. Не е нужно приложение или профил. Всеки линк, получен преди, все още работи.',
  testNow:
    'Проверете камерата и микрофона си сега, на устройството, което ще използвате, за да работи всичко в деня на часа:',
  linkLater: 'Ще ви изпратим линка за включване малко преди часа.',
  willCall: 'Практиката ще ви се обади в този час.',
  cancelHere: 'Ако вече не можете да дойдете, моля, отменете или изберете друг час тук:',
  reminderReference: (reference, manage) =>
    `${manage ? 'Или използвайте' : 'Ако вече не можете да дойдете, моля, отменете с'} номера на записването ${reference} на сайта на практиката, или се обадете на практиката, за да може някой друг да ползва часа.`,
  smsReminder: (kind, practitioner, when) => `Напомняне: ${kind} при ${practitioner} на ${when}.`,
  smsJoin: (url) => ` Включване: ${url}`,
  smsTest: (url) => ` Проверете камерата и микрофона сега: ${url}`,
  smsWillCall: ' Практиката ще ви се обади.',
  smsReference: (reference) => ` Номер ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${{ Video: 'Видеоконсултация', Telephone: 'Час по телефона', 'In-person': 'Час' }[channel]} с ${who}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `Видеоконсултация с ${who} (${service}). Влезте чрез връзката в имейла си. Номер на резервацията ${reference}.`
        : `${channel === 'Telephone' ? 'Час по телефона' : 'Час'} с ${who} (${service}). Номер на резервацията ${reference}.`,
    videoLocation: 'Видеообаждане (връзката е в имейла ви)',
  },
};

const it: MailWords = {
  dear: (name) => (name ? `Gentile ${name},` : 'Gentile paziente,'),
  labels: {
    with: 'Con',
    when: 'Quando',
    how: 'Modalità',
    reference: 'Codice',
    join: 'Collegati',
    newTime: 'Nuovo orario',
    was: 'Prima',
  },
  ukTime: 'ora del Regno Unito',
  range: (date, from, to, zone) => `${date}, dalle ${from} alle ${to} (${zone})`,
  channels: {
    Video: 'Videoconsulto',
    Telephone: 'Telefonata (ti chiamerà l’ambulatorio)',
    'In-person': 'Di persona in ambulatorio',
  },
  kinds: {
    Video: 'appuntamento video',
    Telephone: 'appuntamento telefonico',
    'In-person': 'appuntamento in ambulatorio',
  },
  shortAt: (day, time) => `${day} alle ${time}`,
  confirmed: 'Il tuo appuntamento è confermato.',
  subjectConfirmed: (date, time) => `Appuntamento confermato: ${date} alle ${time}`,
  joinLater: 'l’ambulatorio ti invierà il link video a parte',
  manageIntro: 'Per annullare o cambiare l’orario, apri la tua prenotazione:',
  referenceHelp: (reference) =>
    `Oppure usa il codice di prenotazione ${reference} con la tua data di nascita sul sito dell’ambulatorio, o telefona all’ambulatorio. Se l’appuntamento non ti serve più, annullalo, così potrà averlo qualcun altro.`,
  declined: 'L’ambulatorio non ha potuto accettare la tua richiesta di appuntamento.',
  cancelled: 'L’ambulatorio ha dovuto annullare il tuo appuntamento.',
  subjectDeclined: (date, time) => `Richiesta di appuntamento non accettata: ${date} alle ${time}`,
  subjectCancelled: (date, time) => `Appuntamento annullato: ${date} alle ${time}`,
  theirMessage: 'Il messaggio dell’ambulatorio:',
  videoLinkGone: 'Il link video che ti è stato inviato non funziona più.',
  bookAgain: 'Prenota un altro orario sul sito dell’ambulatorio, oppure telefona all’ambulatorio.',
  movedByPatient: 'Il tuo appuntamento è stato spostato al nuovo orario che hai scelto.',
  movedByPractice: 'L’ambulatorio ha spostato il tuo appuntamento a un nuovo orario.',
  subjectMoved: (date, time) => `Appuntamento spostato: ora ${date} alle ${time}`,
  joinLaterNew: 'l’ambulatorio ti invierà il nuovo link video a parte',
  oldLinkGone: 'Il link video che ti è stato inviato prima non funziona più: usa questo.',
  notSuitManage: 'Se il nuovo orario non ti va bene, scegline un altro o annulla qui:',
  notSuitCall: 'Se il nuovo orario non ti va bene, telefona all’ambulatorio.',
  newLink: 'Ecco un nuovo link per il tuo appuntamento video. I link precedenti non funzionano più.',
  linkOpens: (time, date) =>
    `Il link si apre alle ${time} del ${date} e funziona una sola volta. Non servono app né account: aprilo nel browser di un telefono, tablet o computer con videocamera.`,
  subjectLink: (date, time) => `Link del tuo appuntamento video: ${date} alle ${time}`,
  subjectRecord: (date) => `La tua consulenza video del ${date}: registrazione, chat e documenti`,
  recordIntro:
    'L’ambulatorio ti ha inviato un link alla tua consulenza video: puoi rivederne la registrazione e leggere la chat e i documenti condivisi.',
  recordUntil: (time, date) =>
    `Il link funziona fino alle ${time} del ${date}. Non condividerlo: chiunque lo abbia può guardare la registrazione. Quando scade, chiedi un nuovo link all’ambulatorio.`,
  reminderOf: (kind) => `Ti ricordiamo il tuo ${kind}.`,
  subjectReminder: (kind, date, time) => `Promemoria: il tuo ${kind} ${date} alle ${time}`,
  reminderJoinHelp:
    'Apri il link poco prima dell’appuntamento, su un telefono, tablet o computer con videocamera. Funziona una sola volta, su un solo dispositivo. Non servono app né account. I link che ti sono stati inviati prima funzionano ancora.',
  testNow:
    'Prova ora videocamera e microfono, sul dispositivo che userai, così il giorno dell’appuntamento funzionerà tutto:',
  linkLater: 'Ti invieremo il link per collegarti poco prima dell’appuntamento.',
  willCall: 'L’ambulatorio ti chiamerà a quest’ora.',
  cancelHere: 'Se non puoi più venire, annulla o scegli un altro orario qui:',
  reminderReference: (reference, manage) =>
    `${manage ? 'Oppure usa' : 'Se non puoi più venire, annulla con'} il codice di prenotazione ${reference} sul sito dell’ambulatorio, o telefona all’ambulatorio, così l’orario potrà averlo qualcun altro.`,
  smsReminder: (kind, practitioner, when) => `Promemoria: ${kind} con ${practitioner} ${when}.`,
  smsJoin: (url) => ` Collegati: ${url}`,
  smsTest: (url) => ` Prova ora videocamera e microfono: ${url}`,
  smsWillCall: ' Ti chiamerà l’ambulatorio.',
  smsReference: (reference) => ` Cod. ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${{ Video: 'Videoconsulto', Telephone: 'Appuntamento telefonico', 'In-person': 'Appuntamento' }[channel]} con ${who}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `Videoconsulto con ${who} (${service}). Partecipa con il link nella tua e-mail. Codice di prenotazione ${reference}.`
        : `${channel === 'Telephone' ? 'Appuntamento telefonico' : 'Appuntamento'} con ${who} (${service}). Codice di prenotazione ${reference}.`,
    videoLocation: 'Videochiamata (link nella tua e-mail)',
  },
};

const ro: MailWords = {
  dear: (name) => (name ? `Stimate/Stimată ${name},` : 'Stimate pacient,'),
  labels: {
    with: 'Cu',
    when: 'Când',
    how: 'Cum',
    reference: 'Număr',
    join: 'Intrați',
    newTime: 'Ora nouă',
    was: 'Înainte',
  },
  ukTime: 'ora Regatului Unit',
  range: (date, from, to, zone) => `${date}, ${from}–${to} (${zone})`,
  channels: {
    Video: 'Consultație video',
    Telephone: 'Apel telefonic (cabinetul vă va suna)',
    'In-person': 'În persoană la cabinet',
  },
  kinds: { Video: 'programarea video', Telephone: 'programarea telefonică', 'In-person': 'programarea la cabinet' },
  shortAt: (day, time) => `${day}, ora ${time}`,
  confirmed: 'Programarea dvs. este confirmată.',
  subjectConfirmed: (date, time) => `Programare confirmată: ${date}, ora ${time}`,
  joinLater: 'cabinetul vă va trimite separat linkul video',
  manageIntro: 'Pentru a anula sau schimba ora, deschideți rezervarea:',
  referenceHelp: (reference) =>
    `Sau folosiți numărul rezervării ${reference} și data nașterii pe site-ul cabinetului, ori sunați la cabinet. Vă rugăm să anulați dacă nu mai aveți nevoie de programare, ca altcineva să o poată folosi.`,
  declined: 'Cabinetul nu a putut accepta cererea dvs. de programare.',
  cancelled: 'Cabinetul a trebuit să vă anuleze programarea.',
  subjectDeclined: (date, time) => `Cerere de programare neacceptată: ${date}, ora ${time}`,
  subjectCancelled: (date, time) => `Programare anulată: ${date}, ora ${time}`,
  theirMessage: 'Mesajul cabinetului:',
  videoLinkGone: 'Linkul video primit nu mai funcționează.',
  bookAgain: 'Vă rugăm să rezervați altă oră pe site-ul cabinetului sau să sunați la cabinet.',
  movedByPatient: 'Programarea dvs. a fost mutată la ora nouă pe care ați ales-o.',
  movedByPractice: 'Cabinetul v-a mutat programarea la o oră nouă.',
  subjectMoved: (date, time) => `Programare mutată: acum ${date}, ora ${time}`,
  joinLaterNew: 'cabinetul vă va trimite separat noul link video',
  oldLinkGone: 'Linkul video primit înainte nu mai funcționează: folosiți-l pe acesta.',
  notSuitManage: 'Dacă ora nouă nu vă convine, alegeți alta sau anulați aici:',
  notSuitCall: 'Dacă ora nouă nu vă convine, vă rugăm să sunați la cabinet.',
  newLink: 'Iată un link nou pentru programarea dvs. video. Linkurile anterioare nu mai funcționează.',
  linkOpens: (time, date) =>
    `Linkul se deschide la ora ${time}, pe ${date}, și funcționează o singură dată. Nu aveți nevoie de aplicație sau cont: deschideți-l în browserul unui telefon, tabletă sau calculator cu cameră.`,
  subjectLink: (date, time) => `Linkul programării video: ${date}, ora ${time}`,
  subjectRecord: (date) => `Consultația ta video din ${date}: înregistrare, chat și documente`,
  recordIntro:
    'Cabinetul ți-a trimis un link către consultația ta video: poți revedea înregistrarea și citi chatul și documentele partajate în ea.',
  recordUntil: (time, date) =>
    `Linkul funcționează până la ora ${time}, pe ${date}. Te rugăm să nu-l dai altcuiva: oricine îl are poate vedea înregistrarea. Cere cabinetului un link nou după ce expiră.`,
  reminderOf: (kind) => `Vă reamintim de ${kind}.`,
  subjectReminder: (kind, date, time) => `Memento: ${kind}, ${date}, ora ${time}`,
  reminderJoinHelp:
    'Deschideți linkul cu puțin înainte de programare, pe un telefon, o tabletă sau un calculator cu cameră. Funcționează o singură dată, pe un singur dispozitiv. Nu aveți nevoie de aplicație sau cont. Orice link primit înainte funcționează în continuare.',
  testNow:
    'Testați acum camera și microfonul, pe dispozitivul pe care îl veți folosi, ca totul să funcționeze în ziua programării:',
  linkLater: 'Vă vom trimite linkul de intrare cu puțin înainte de programare.',
  willCall: 'Cabinetul vă va suna la această oră.',
  cancelHere: 'Dacă nu mai puteți veni, vă rugăm să anulați sau să alegeți altă oră aici:',
  reminderReference: (reference, manage) =>
    `${manage ? 'Sau folosiți' : 'Dacă nu mai puteți veni, vă rugăm să anulați cu'} numărul rezervării ${reference} pe site-ul cabinetului, ori sunați la cabinet, ca altcineva să poată folosi ora.`,
  smsReminder: (kind, practitioner, when) => `Memento: ${kind} cu ${practitioner}, ${when}.`,
  smsJoin: (url) => ` Intrați: ${url}`,
  smsTest: (url) => ` Testați acum camera și microfonul: ${url}`,
  smsWillCall: ' Cabinetul vă va suna.',
  smsReference: (reference) => ` Nr. ${reference}`,
  calendar: {
    summary: (channel, who) =>
      `${{ Video: 'Consultație video', Telephone: 'Programare telefonică', 'In-person': 'Programare' }[channel]} cu ${who}`,
    details: (channel, who, service, reference) =>
      channel === 'Video'
        ? `Consultație video cu ${who} (${service}). Intrați prin linkul din e-mail. Numărul programării ${reference}.`
        : `${channel === 'Telephone' ? 'Programare telefonică' : 'Programare'} cu ${who} (${service}). Numărul programării ${reference}.`,
    videoLocation: 'Apel video (linkul este în e-mail)',
  },
};

const WORDS: Record<ServerLocale, MailWords> = { 'en-GB': en, cy, ar, bn, bg, it, pl, pa, ro, ur };

/** The e-mail words of a supported locale. */
export function mailWords(locale: ServerLocale): MailWords {
  return WORDS[locale];
}
