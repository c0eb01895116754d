import { expect } from '@open-wc/testing';
import { validateDetails } from './patient.js';

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
});
