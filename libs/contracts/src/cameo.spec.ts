import { CAMEO, cameoCodes, cameoQuad, isKnownCameo } from './cameo';
import { CATALOG } from './catalog';
import { validateEnvelope } from './validate';

describe('the CAMEO table', () => {
  it.each([
    // Every code DOMAIN.md §3 names, with the Goldstein value it gives.
    ['010', 0],
    ['013', 0.4],
    ['012', -0.4],
    ['019', 3.4],
    ['016', -2.0],
    ['0256', -0.3],
    ['020', 3.0],
    ['027', 4.0],
    ['0356', 7.0],
    ['032', 4.5],
    ['100', -5.0],
    ['1042', -5.0],
    ['1056', -5.0],
    ['1246', -4.0],
    ['127', -5.0],
    ['120', -4.0],
    ['014', 0],
    ['025', -0.3],
    ['026', 4.0],
    ['111', -2.0],
    ['112', -2.0],
    ['1312', -5.8],
    ['139', -7.0],
    ['163', -8.0],
    ['085', 7.0],
    ['036', 4.0],
    ['040', 1.0],
    ['041', 1.0],
    ['042', 1.9],
    ['043', 2.8],
    ['044', 2.5],
    ['046', 7.0],
    ['0871', 9.0],
    ['1123', -2.0],
    ['057', 8.0],
  ])('knows %s at %d', (code, goldstein) => {
    expect(CAMEO[code].goldstein).toBe(goldstein);
  });

  it.each([
    ['01', 0],
    ['02', 3.0],
    ['03', 4.0],
    ['04', 1.0],
    ['05', 3.5],
    ['06', 6.0],
    ['07', 7.0],
    ['08', 5.0],
    ['09', -2.0],
    ['10', -5.0],
    ['11', -2.0],
    ['12', -4.0],
    ['13', -6.0],
    ['14', -6.5],
    ['15', -7.2],
    ['16', -4.0],
    ['17', -7.0],
    ['18', -9.0],
    ['19', -10.0],
    ['20', -10.0],
  ])('has the root %s at %d', (code, goldstein) => {
    expect(CAMEO[code].goldstein).toBe(goldstein);
  });

  it('keeps every Goldstein value within −10..10 and every code under a known root', () => {
    for (const [code, entry] of Object.entries(CAMEO)) {
      expect(Math.abs(entry.goldstein)).toBeLessThanOrEqual(10);
      expect(CAMEO[code.slice(0, 2)]).toBeDefined();
    }
  });

  it.each([
    ['013', 1],
    ['05', 1],
    ['057', 1],
    ['06', 2],
    ['0871', 2],
    ['085', 2],
    ['09', 3],
    ['1312', 3],
    ['14', 3],
    ['15', 4],
    ['163', 4],
    ['196', 4],
    ['20', 4],
  ])('puts %s in quad %d', (code, quad) => {
    expect(cameoQuad(code)).toBe(quad);
  });

  it('knows only its own codes', () => {
    expect(isKnownCameo('0356')).toBe(true);
    expect(isKnownCameo('0357')).toBe(false);
    expect(isKnownCameo('356')).toBe(false);
    expect(isKnownCameo('toString')).toBe(false);
    expect(cameoQuad('999')).toBeNull();
    expect(() => cameoCodes('999')).toThrow(/unknown CAMEO code/);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(CAMEO)).toBe(true);
    expect(Object.isFrozen(CAMEO['0356'])).toBe(true);
  });
});

describe('publisher-given codes', () => {
  const statement = { ...CATALOG.StatementMade.example, source: { publisher: 'test' } };

  it('accept a known code more specific than the default', () => {
    expect(validateEnvelope({ ...statement, codes: { cameo: '018', goldstein: 3.4 } }).ok).toBe(true);
  });

  it.each(['0357', '999', '2043'])('refuse the unknown code %s at codes.cameo', (cameo) => {
    const result = validateEnvelope({ ...statement, codes: { cameo, goldstein: 1 } });
    expect(result).toMatchObject({ ok: false, reason: 'envelope.invalid', problems: [{ field: 'codes.cameo' }] });
  });

  it('refuse a code that is not 2 to 4 digits at codes.cameo', () => {
    const result = validateEnvelope({ ...statement, codes: { cameo: 'abc', goldstein: 1 } });
    expect(result).toMatchObject({ ok: false, reason: 'envelope.invalid', problems: [{ field: 'codes.cameo' }] });
  });

  it.each([10.5, -11, Number.NaN])('refuse the goldstein value %d at codes.goldstein', (goldstein) => {
    const result = validateEnvelope({ ...statement, codes: { cameo: '013', goldstein } });
    expect(result).toMatchObject({ ok: false, reason: 'envelope.invalid', problems: [{ field: 'codes.goldstein' }] });
  });
});
