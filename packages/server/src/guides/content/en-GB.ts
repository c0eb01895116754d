/**
 * The source: British English, in short plain sentences for a patient reading on a phone, with
 * the NHS's own terms (GP practice, NHS 111, 999). Drawn from the NHS national video service's
 * patient guide and patient FAQ, adapted to how ConsultKit works (a link by email, a device check,
 * a waiting room, the clinician lets you in).
 */
import type { GuideCatalogue } from '../types.js';

export const enGB: GuideCatalogue = {
  words: {
    guides: 'Patient guides',
    guidesIntro: 'Short guides to help you with your video appointment.',
    contents: 'Contents',
    language: 'Language',
    moreGuides: 'More guides',
    urgent: 'If you need help urgently, use NHS 111 online or call 111. In an emergency, call 999.',
  },
  guides: {
    'video-appointment': {
      title: 'Your video appointment: what you need and how to prepare',
      summary:
        'A video appointment is like a face-to-face appointment, but you see the clinician on a screen. This guide tells you what you need and what will happen.',
      sections: [
        {
          id: 'what-you-need',
          heading: 'What you need',
          blocks: [
            {
              ul: [
                'A smartphone, tablet or computer with a camera, a microphone and a speaker.',
                'An up-to-date web browser, such as Chrome, Safari, Edge or Firefox.',
                'A good internet connection. Wi-Fi is best, but mobile data also works.',
              ],
            },
            { p: 'You do not need to install an app or create an account.' },
          ],
        },
        {
          id: 'prepare',
          heading: 'How to prepare',
          blocks: [
            {
              ul: [
                'Find a quiet, private place where no one will disturb you.',
                'Charge your phone, tablet or computer, or plug it in.',
                'Write down your questions and the medicines you take.',
                'A family member or carer can sit with you if you want.',
              ],
            },
          ],
        },
        {
          id: 'what-happens',
          heading: 'What happens on the day',
          blocks: [
            {
              ol: [
                'We send you a link by email. Open it a few minutes before your appointment.',
                'Check your camera and microphone. If your browser asks to use them, choose Allow.',
                'Wait in the waiting room. The clinician can see that you are there.',
                'The clinician lets you in when they are ready. This may be a little after your appointment time.',
                'When the appointment is over, close the page.',
              ],
            },
          ],
        },
        {
          id: 'if-it-fails',
          heading: 'If the video does not work',
          blocks: [
            { p: 'Do not worry. The clinician will phone you on the number the practice has for you.' },
            { p: 'If you cannot join at all, call the practice.' },
          ],
        },
        {
          id: 'privacy',
          heading: 'Your privacy',
          blocks: [
            {
              ul: [
                'Your video appointment is private, like a face-to-face appointment.',
                'It is not recorded unless you agree.',
                'The clinician writes notes in your health record, as at any appointment.',
              ],
            },
          ],
        },
      ],
    },
    'choosing-how-to-consult': {
      title: 'Choosing how to consult',
      summary:
        'You can often choose how to talk to your clinician: by video, by phone or face to face. This guide helps you choose.',
      sections: [
        {
          id: 'video',
          heading: 'Video',
          blocks: [
            {
              ul: [
                'You see and hear each other, and you do not need to travel.',
                'It is good for talking about symptoms, test results and medicines, and for follow-up appointments.',
                'The clinician can see things such as a rash, a wound or how you move.',
              ],
            },
          ],
        },
        {
          id: 'phone',
          heading: 'Phone',
          blocks: [
            {
              ul: [
                'It is good if you do not have a camera or a good internet connection.',
                'It is good for short questions and test results.',
                'The clinician cannot see you.',
              ],
            },
          ],
        },
        {
          id: 'face-to-face',
          heading: 'Face to face',
          blocks: [
            {
              ul: [
                'It is best when the clinician needs to examine you, for example to listen to your chest.',
                'You need it for blood tests, injections and some checks.',
                'Choose it if you would feel more comfortable in the room.',
              ],
            },
          ],
        },
        {
          id: 'when-video-is-not-right',
          heading: 'When video is not right',
          blocks: [
            { p: 'In an emergency, call 999. For example: chest pain, difficulty breathing or heavy bleeding.' },
            { p: 'If you need help urgently but it is not an emergency, use NHS 111 online or call 111.' },
            { p: 'Video is also not right:' },
            {
              ul: [
                'when the clinician needs to examine you in person;',
                'when you cannot find a private place to talk;',
                'when you find video hard to use.',
              ],
            },
          ],
        },
        {
          id: 'change-your-mind',
          heading: 'You can change your mind',
          blocks: [
            { p: 'Tell the practice if you would like a different type of appointment.' },
            { p: 'If the clinician needs to see you in person, they will arrange it.' },
          ],
        },
      ],
    },
    questions: {
      title: 'Video appointments: questions and answers',
      summary: 'Short answers to questions patients often ask.',
      sections: [
        {
          id: 'app',
          heading: 'Do I need to download an app?',
          blocks: [{ p: 'No. The appointment opens in your web browser. You do not need to install anything.' }],
        },
        {
          id: 'cost',
          heading: 'Does it cost anything?',
          blocks: [
            { p: 'The appointment is free, like all NHS care. The call uses internet data, so use Wi-Fi if you can.' },
          ],
        },
        {
          id: 'private',
          heading: 'Is it safe and private?',
          blocks: [
            {
              p: 'Yes. The call is encrypted. Only you and the people the clinician lets in can join. It is not recorded unless you agree.',
            },
          ],
        },
        {
          id: 'someone-with-me',
          heading: 'Can someone be with me?',
          blocks: [
            { p: 'Yes. A family member, carer or friend can sit with you. Tell the clinician who is with you.' },
          ],
        },
        {
          id: 'interpreter',
          heading: 'Can I have an interpreter?',
          blocks: [{ p: 'Yes. Tell the practice when you book. They can arrange an interpreter to join the call.' }],
        },
        {
          id: 'link',
          heading: 'What if my link does not work?',
          blocks: [
            {
              p: 'Open the link in the most recent email from the practice. If it still does not work, call the practice.',
            },
          ],
        },
        {
          id: 'call-stops',
          heading: 'What if the video stops during the call?',
          blocks: [{ p: 'Open the link again. If you cannot get back in, the clinician will phone you.' }],
        },
        {
          id: 'phone',
          heading: 'Can I use my mobile phone?',
          blocks: [{ p: 'Yes. Most smartphones work. Rest the phone on something so that it stays still.' }],
        },
        {
          id: 'in-person',
          heading: 'What if I would rather be seen in person?',
          blocks: [{ p: 'Tell the practice. You can ask for a phone or face-to-face appointment instead.' }],
        },
      ],
    },
  },
};
