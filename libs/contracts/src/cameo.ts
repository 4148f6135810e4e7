import { Codes } from './envelope';

/** The four CAMEO quad classes that dyads count by (DOMAIN.md §4). */
export const CAMEO_QUADS = {
  1: 'verbal cooperation',
  2: 'material cooperation',
  3: 'verbal conflict',
  4: 'material conflict',
} as const;
export type CameoQuad = keyof typeof CAMEO_QUADS;

/** One CAMEO event code: what it names, its Goldstein weight (−10 … +10) and its quad class. */
export interface CameoEntry {
  label: string;
  goldstein: number;
  quad: CameoQuad;
}

/**
 * The codes this ledger knows: every root 01–20, every code of the families a statement ledger
 * codes into (statements, appeals, intents, consults, diplomatic cooperation, yielding, demands,
 * disapproval, rejection, threats, reduced relations) and the few four-digit codes the catalog
 * uses. Goldstein values are those of the CAMEO/GDELT Goldstein table, not ours to tune. Families of
 * material force (15, 17–20 and most of 06, 07, 09, 14) are kept at their root: a publisher who
 * needs one of their leaves is describing something this ledger does not record.
 */
const TABLE: ReadonlyArray<readonly [code: string, label: string, goldstein: number]> = [
  ['01', 'Make public statement', 0],
  ['02', 'Appeal', 3.0],
  ['03', 'Express intent to cooperate', 4.0],
  ['04', 'Consult', 1.0],
  ['05', 'Engage in diplomatic cooperation', 3.5],
  ['06', 'Engage in material cooperation', 6.0],
  ['07', 'Provide aid', 7.0],
  ['08', 'Yield', 5.0],
  ['09', 'Investigate', -2.0],
  ['10', 'Demand', -5.0],
  ['11', 'Disapprove', -2.0],
  ['12', 'Reject', -4.0],
  ['13', 'Threaten', -6.0],
  ['14', 'Protest', -6.5],
  ['15', 'Exhibit force posture', -7.2],
  ['16', 'Reduce relations', -4.0],
  ['17', 'Coerce', -7.0],
  ['18', 'Assault', -9.0],
  ['19', 'Fight', -10.0],
  ['20', 'Use unconventional mass violence', -10.0],

  ['010', 'Make statement, not specified', 0],
  ['011', 'Decline comment', -0.1],
  ['012', 'Make pessimistic comment', -0.4],
  ['013', 'Make optimistic comment', 0.4],
  ['014', 'Consider policy option', 0],
  ['015', 'Acknowledge or claim responsibility', 0],
  ['016', 'Deny responsibility', -2.0],
  ['017', 'Engage in symbolic act', 0],
  ['018', 'Make empathetic comment', 3.4],
  ['019', 'Express accord', 3.4],

  ['020', 'Appeal, not specified', 3.0],
  ['021', 'Appeal for material cooperation', 3.4],
  ['022', 'Appeal for diplomatic cooperation', 3.2],
  ['023', 'Appeal for aid', 3.4],
  ['024', 'Appeal for political reform', -0.3],
  ['025', 'Appeal to yield', -0.3],
  ['0254', 'Appeal for easing of economic sanctions', -0.3],
  ['0256', 'Appeal for de-escalation of military engagement', -0.3],
  ['026', 'Appeal to others to meet or negotiate', 4.0],
  ['027', 'Appeal to others to settle dispute', 4.0],
  ['028', 'Appeal to others to accept mediation', 4.0],

  ['030', 'Express intent to cooperate, not specified', 4.0],
  ['031', 'Express intent to cooperate materially', 5.2],
  ['032', 'Express intent to provide diplomatic cooperation', 4.5],
  ['033', 'Express intent to provide material aid', 5.2],
  ['034', 'Express intent to institute political reform', 7.0],
  ['035', 'Express intent to yield', 7.0],
  ['0354', 'Express intent to ease economic sanctions', 7.0],
  ['0356', 'Express intent to de-escalate military engagement', 7.0],
  ['036', 'Express intent to meet or negotiate', 4.0],
  ['037', 'Express intent to settle dispute', 5.0],
  ['038', 'Express intent to accept mediation', 7.0],
  ['039', 'Express intent to mediate', 5.0],

  ['040', 'Consult, not specified', 1.0],
  ['041', 'Discuss by telephone', 1.0],
  ['042', 'Make a visit', 1.9],
  ['043', 'Host a visit', 2.8],
  ['044', 'Meet at a third location', 2.5],
  ['045', 'Mediate', 5.0],
  ['046', 'Engage in negotiation', 7.0],

  ['050', 'Engage in diplomatic cooperation, not specified', 3.5],
  ['051', 'Praise or endorse', 3.4],
  ['052', 'Defend verbally', 3.5],
  ['053', 'Rally support on behalf of', 3.8],
  ['054', 'Grant diplomatic recognition', 6.0],
  ['055', 'Apologize', 7.0],
  ['056', 'Forgive', 7.0],
  ['057', 'Sign formal agreement', 8.0],

  ['080', 'Yield, not specified', 5.0],
  ['081', 'Ease administrative sanctions', 5.0],
  ['082', 'Ease political dissent', 5.0],
  ['083', 'Accede to demands for political reform', 5.0],
  ['084', 'Return, release', 7.0],
  ['085', 'Ease economic sanctions, boycott, embargo', 7.0],
  ['086', 'Allow international involvement', 9.0],
  ['087', 'De-escalate military engagement', 9.0],
  ['0871', 'Declare truce, ceasefire', 9.0],

  ['100', 'Demand, not specified', -5.0],
  ['101', 'Demand information, investigation', -5.0],
  ['102', 'Demand policy support', -5.0],
  ['103', 'Demand aid, protection or peacekeeping', -5.0],
  ['104', 'Demand political reform', -5.0],
  ['1042', 'Demand policy change', -5.0],
  ['105', 'Demand mediation', -5.0],
  ['1054', 'Demand easing of economic sanctions', -5.0],
  ['1056', 'Demand de-escalation of military engagement', -5.0],
  ['106', 'Demand withdrawal', -5.0],
  ['107', 'Demand ceasefire', -5.0],
  ['108', 'Demand meeting, negotiation', -5.0],

  ['110', 'Disapprove, not specified', -2.0],
  ['111', 'Criticize or denounce', -2.0],
  ['112', 'Accuse, not specified', -2.0],
  ['1123', 'Accuse of aggression', -2.0],
  ['1124', 'Accuse of war crimes', -2.0],
  ['113', 'Rally opposition against', -2.0],
  ['114', 'Complain officially', -2.0],
  ['115', 'Bring lawsuit against', -2.0],
  ['116', 'Find guilty or liable', -2.0],

  ['120', 'Reject, not specified', -4.0],
  ['121', 'Reject material cooperation', -4.0],
  ['122', 'Reject request for material aid', -4.0],
  ['123', 'Reject request for political reform', -4.0],
  ['124', 'Refuse to yield', -4.0],
  ['1244', 'Refuse to ease economic sanctions', -4.0],
  ['1246', 'Refuse to de-escalate military engagement', -4.0],
  ['125', 'Reject proposal to meet, discuss or negotiate', -5.0],
  ['126', 'Reject mediation', -5.0],
  ['127', 'Reject plan, agreement to settle dispute', -5.0],
  ['128', 'Defy norms, law', -5.0],
  ['129', 'Veto', -5.0],

  ['130', 'Threaten, not specified', -4.4],
  ['131', 'Threaten non-force', -5.8],
  ['1311', 'Threaten to reduce or stop aid', -5.8],
  ['1312', 'Threaten to boycott, embargo or sanction', -5.8],
  ['1313', 'Threaten to reduce or break relations', -5.8],
  ['132', 'Threaten with administrative sanctions', -5.8],
  ['133', 'Threaten political dissent', -5.8],
  ['134', 'Threaten to halt negotiations', -5.8],
  ['135', 'Threaten to halt mediation', -5.8],
  ['136', 'Threaten to halt international involvement', -7.0],
  ['137', 'Threaten with violent repression', -7.0],
  ['138', 'Threaten to use military force', -7.0],
  ['139', 'Give ultimatum', -7.0],

  ['160', 'Reduce relations, not specified', -4.0],
  ['161', 'Reduce or break diplomatic relations', -4.0],
  ['162', 'Reduce or stop aid', -5.6],
  ['163', 'Impose embargo, boycott or sanctions', -8.0],
  ['164', 'Halt negotiations', -7.0],
  ['165', 'Halt mediation', -6.5],
  ['166', 'Expel or withdraw', -7.0],

  ['196', 'Violate ceasefire', -9.5],
];

/** The CAMEO table by code (`'0356'`), frozen. */
export const CAMEO: Readonly<Record<string, Readonly<CameoEntry>>> = Object.freeze(
  Object.fromEntries(TABLE.map(([code, label, goldstein]) => [code, Object.freeze({ label, goldstein, quad: quadOfRoot(code) })])),
);

/** Whether `code` is in the table; publisher-given codes must be. */
export function isKnownCameo(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(CAMEO, code);
}

/** The quad class of a code, from its two-digit root; null when the code is not known. */
export function cameoQuad(code: string): CameoQuad | null {
  return isKnownCameo(code) ? CAMEO[code].quad : null;
}

/** Codes with the table's Goldstein value, for catalog defaults. Throws on an unknown code: a bug. */
export function cameoCodes(code: string): Codes {
  if (!isKnownCameo(code)) throw new Error(`unknown CAMEO code ${code}`);
  return { cameo: code, goldstein: CAMEO[code].goldstein };
}

// DOMAIN.md §4 counts 09 (investigate) as verbal conflict, where GDELT files it under material cooperation.
function quadOfRoot(code: string): CameoQuad {
  const root = Number(code.slice(0, 2));
  if (root <= 5) return 1;
  if (root <= 8) return 2;
  if (root <= 14) return 3;
  return 4;
}
