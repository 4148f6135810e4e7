import { RoleVoice } from '../facts/fact';
import { storedVoices, voicesOfStored } from './voices-column';

describe('events_v1.voices as stored', () => {
  const voices: RoleVoice[] = [
    { actorId: 'peskov', person: 'peskov', principal: 'RUS', authority: 2, counted: true, role: 'actor', idx: 0 },
    { actorId: 'someone', person: 'someone', principal: null, authority: null, counted: false, role: 'actor', idx: 1 },
    { actorId: 'UKR', person: null, principal: 'UKR', authority: 1, counted: true, role: 'recipient', idx: 0 },
  ];

  it('stores each voice as an array in a fixed order, and reads it back as it was', () => {
    const stored = storedVoices(voices);
    expect(stored).toEqual([
      ['actor', 0, 'peskov', 'peskov', 'RUS', 2, true],
      ['actor', 1, 'someone', 'someone', null, null, false],
      ['recipient', 0, 'UKR', null, 'UKR', 1, true],
    ]);
    // Through JSON, as the column and the pg client carry it.
    expect(voicesOfStored(JSON.parse(JSON.stringify(stored)))).toEqual(voices);
  });

  it('keeps an event that does not count (null) apart from one with no voices', () => {
    expect(storedVoices(null)).toBeNull();
    expect(voicesOfStored(null)).toBeNull();
    expect(storedVoices([])).toEqual([]);
    expect(voicesOfStored([])).toEqual([]);
  });

  it('writes an unknown person, principal or authority as null, never leaving it out', () => {
    const partial = { actorId: 'x', counted: false, role: 'by', idx: 0 } as unknown as RoleVoice;
    expect(JSON.stringify(storedVoices([partial]))).toBe('[["by",0,"x",null,null,null,false]]');
  });
});
