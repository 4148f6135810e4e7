import { RoleVoice, VoiceRole } from '../facts/fact';

/**
 * One voice as events_v1.voices stores it: a JSON array in this order, not an object, so the
 * column holds the values without repeating seven keys per voice (a third of the bytes; PostgreSQL
 * reads and writes it as `json`, checked but not taken apart). SQL reads it by position:
 * `v->>0` the role, `v->>2` the actor id, `v->>4` the principal, `(v->>6)::boolean` counted.
 */
export type StoredVoice = [role: VoiceRole, idx: number, actorId: string, person: string | null, principal: string | null, authority: number | null, counted: boolean];

/** An event's resolved voices as events_v1.voices stores them (null: the event does not count). */
export function storedVoices(voices: RoleVoice[] | null): StoredVoice[] | null {
  if (voices === null) return null;
  const out: StoredVoice[] = new Array(voices.length);
  for (let i = 0; i < voices.length; i++) {
    const v = voices[i];
    out[i] = [v.role, v.idx, v.actorId, v.person ?? null, v.principal ?? null, v.authority ?? null, v.counted];
  }
  return out;
}

/** events_v1.voices as read back (the pg client parses `json`) into the voices the folds take. */
export function voicesOfStored(stored: StoredVoice[] | null): RoleVoice[] | null {
  if (stored === null) return null;
  return stored.map(([role, idx, actorId, person, principal, authority, counted]) => ({ actorId, person, principal, authority, counted, role, idx }));
}
