import fc from 'fast-check';
import { sortStrings } from './sort-strings';

describe('sortStrings', () => {
  it('orders as Array.prototype.sort does, short lists and long', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 40 }), (list) => {
        expect(sortStrings([...list])).toEqual([...list].sort());
      }),
    );
    expect(sortStrings(['b', 'A', 'a', 'B', 'Ä', 'RUS', 'UKR', 'EU'])).toEqual(['A', 'B', 'EU', 'RUS', 'UKR', 'a', 'b', 'Ä']);
  });
});
