import { expect } from '@open-wc/testing';
import { stripBidi, validateDetails, validateVideoNow } from './patient.js';

const good = {
  given: 'Ada',
  family: 'Lovelace',
  birthDate: '1985-12-10',
  email: 'ada@example.org',
  phone: '07700 900123',
  deliveryChannel: 'Video',
};

describe('booking: validateDetails', () => {
  it('passes good details', () => {
    expect(validateDetails(good, ['Video', 'Telephone'], '2026-11-24')).to.deep.equal({});
  });

  it('requires every field, blank counting as empty', () => {
    expect(validateDetails({ given: '  ' })).to.deep.equal({
      given: 'required',
      family: 'required',
      birthDate: 'required',
      email: 'required',
      phone: 'required',
      deliveryChannel: 'required',
    });
  });

  it('checks dates of birth: real, from 1900, not in the future', () => {
    const check = (birthDate: string) => validateDetails({ ...good, birthDate }, undefined, '2026-11-24').birthDate;
    expect(check('2026-02-30')).to.equal('invalid');
    expect(check('2026-13-01')).to.equal('invalid');
    expect(check('24/11/1980')).to.equal('invalid');
    expect(check('1899-12-31')).to.equal('invalid');
    expect(check('2026-11-25')).to.equal('future');
    expect(check('2026-11-24')).to.equal(undefined);
  });

  it('checks email addresses and phone numbers', () => {
    expect(validateDetails({ ...good, email: 'ada@example' }).email).to.equal('invalid');
    expect(validateDetails({ ...good, email: 'ada example.org' }).email).to.equal('invalid');
    for (const phone of ['07700 900123', '+44 7700 900123', '(020) 7946 0000', '020-7946-0000']) {
      expect(validateDetails({ ...good, phone }).phone, phone).to.equal(undefined);
    }
    for (const phone of ['12345', 'call me', '0770090012312345678']) {
      expect(validateDetails({ ...good, phone }).phone, phone).to.equal('invalid');
    }
  });

  it('refuses a channel the slot does not offer', () => {
    expect(validateDetails({ ...good, deliveryChannel: 'Video' }, ['In-person']).deliveryChannel).to.equal(
      'unavailable',
    );
  });

  it('refuses names and e-mail addresses with bidirectional controls, which make text show other than it is', () => {
    const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];
    for (const c of controls) {
      const code = c.codePointAt(0)!.toString(16);
      expect(validateDetails({ ...good, given: `${c}kcalb\u202C` }).given, `given ${code}`).to.equal('invalid');
      expect(validateDetails({ ...good, family: `Love${c}lace` }).family, `family ${code}`).to.equal('invalid');
      expect(validateDetails({ ...good, email: `ada${c}@example.org` }).email, `email ${code}`).to.equal('invalid');
    }
    // Marks are invisible and harmless in a name (they are removed when stored and shown), not in an address.
    expect(validateDetails({ ...good, family: 'ليلى\u200F' }, undefined, '2026-11-24')).to.deep.equal({});
    expect(validateDetails({ ...good, email: 'ada\u200E@example.org' }).email).to.equal('invalid');
    // Right-to-left names themselves are welcome.
    expect(validateDetails({ ...good, given: 'سارا', family: 'כהן' }, undefined, '2026-11-24')).to.deep.equal({});
  });

  it('stripBidi removes controls and marks from text stored before they were refused', () => {
    expect(stripBidi('\u202Ekcalb\u202C Smith\u200F\u061C\u2066x\u2069')).to.equal('kcalb Smithx');
    expect(stripBidi('Zoë O’Brien-سارا')).to.equal('Zoë O’Brien-سارا');
  });
});

describe('booking: validateVideoNow', () => {
  const now = {
    schedule: 'Schedule/1',
    minutes: 15,
    given: 'Ada',
    family: 'Lovelace',
    birthDate: '1985-12-10',
    email: 'ada@example.org',
    phone: '',
    contactPreference: 'email',
  };

  it('passes a patient without a mobile when the link goes by e-mail', () => {
    expect(validateVideoNow(now, '2026-01-01')).to.deep.equal({});
  });

  it('needs a mobile for a text message, and refuses one that is not a number', () => {
    expect(validateVideoNow({ ...now, contactPreference: 'both' }, '2026-01-01')).to.deep.equal({ phone: 'required' });
    expect(validateVideoNow({ ...now, phone: '12' }, '2026-01-01')).to.deep.equal({ phone: 'invalid' });
  });

  it('uses the booking rules for the patient, and the server’s for the length, in form order', () => {
    expect(
      validateVideoNow(
        { ...now, schedule: '', minutes: 200, email: 'ada', birthDate: '2027-01-01', contactPreference: 'fax' },
        '2026-01-01',
      ),
    ).to.deep.equal({
      schedule: 'required',
      minutes: 'invalid',
      birthDate: 'future',
      email: 'invalid',
      contactPreference: 'invalid',
    });
    expect(Object.keys(validateVideoNow({ ...now, email: '', given: '' }, '2026-01-01'))).to.deep.equal([
      'given',
      'email',
    ]);
  });
});
