/**
 * The HTML part of an e-mail, made from its plain text (the text is what the message says; the
 * HTML only lays it out): paragraphs, the `  Label:   value` lines as a table, links clickable.
 * Everything is escaped; no remote images, no scripts.
 */
import { directionOf, type ServerLocale } from '../i18n/locales.js';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Escapes `line` and makes its http(s) URLs links. */
function inline(line: string): string {
  const parts = line.split(/(https?:\/\/[^\s<>"]+)/g);
  return parts
    .map((part, i) => (i % 2 === 1 ? `<a href="${escape(part)}">${escape(part)}</a>` : escape(part)))
    .join('');
}

const FIELD = /^\s{2}([^:]{1,30}):\s+(.*)$/;

/** The HTML of an e-mail; `locale` gives its `lang` and `dir` (Arabic and Urdu right to left). */
export function textToHtml(subject: string, text: string, locale: ServerLocale = 'en-GB'): string {
  const blocks = text
    .trim()
    .split(/\n\s*\n/)
    .map((block) => block.split('\n'));
  const body = blocks
    .map((lines) => {
      if (lines.every((line) => FIELD.test(line))) {
        const rows = lines.map((line) => {
          const [, label, value] = FIELD.exec(line)!;
          return `<tr><th scope="row" style="text-align:start;padding-block:4px;padding-inline:0 16px;vertical-align:top">${escape(label!)}</th><td style="padding:4px 0">${inline(value!)}</td></tr>`;
        });
        return `<table role="presentation" style="border-collapse:collapse;margin:16px 0">${rows.join('')}</table>`;
      }
      return `<p style="margin:16px 0">${lines.map((line) => inline(line.trim())).join('<br>')}</p>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${locale}" dir="${directionOf(locale)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;max-width:600px;margin:0 auto;padding:16px">
${body}
</body>
</html>
`;
}
