import { fold } from '../text.ts';

/**
 * The kind of visit a patient asks for when they name no doctor and no department of the
 * organisation: "my family doctor", "mi médico de cabecera", "my regular doctor", "a GP".
 * Named doctors and departments are entities (lookup.ts); these are the words for the
 * patient's own doctor and for primary care, which no directory lists by those names.
 */

/** A primary-care visit: family medicine, general practice, "médico de cabecera". */
const PRIMARY_CARE =
  /\b(?:family (?:doctor|doc|physician|practitioner|medicine|practice)|primary (?:care|doctor|physician)|pcp|gp|general (?:practitioner|practice|doctor|physician)|(?:medic[oa]|doctor[a]?) (?:de cabecera|de familia|familiar|general|de atencion primaria)|medicina (?:familiar|general|de familia)|atencion primaria)\b/;

/** The patient's own doctor, whoever that is: "my doctor", "mi doctora de siempre", "the same doctor as last time". */
const USUAL_PROVIDER =
  /\b(?:my|mi) (?:(?:usual|regular|own|normal|primary|family|current) )?(?:doctor|doc|physician|provider|medic[oa]|doctora)\b|\b(?:usual|regular) (?:doctor|physician|provider)\b|\b(?:medic[oa]|doctor[a]?) (?:de siempre|habitual)\b|\bsame (?:doctor|physician|provider)\b|\b(?:mism[oa]) (?:medic[oa]|doctor[a]?)\b/;

/**
 * Words for a specialty ("neurologist", "oftalmólogo", "eye doctor", "dentista"). One the
 * organisation's departments did not match is a specialty it may not have: the patient is asked,
 * never sent to primary care instead.
 */
const SPECIALTY =
  /\b(?:cardiolog|cardiac doctor|heart doctor|dermatolog|skin doctor|pediatr|paediatr|orto?ped|orthop|neurolog|oncolog|psiquiatr|psychiatr|psicolog|psycholog|ginecolog|gynecolog|gynaecolog|obstetr|oftalmolog|ophthalmolog|optometr|eye doctor|urolog|endocrin|gastroenterolog|neumolog|pulmonolog|otorrino|otolaryngolog|ent doctor|reumatolog|rheumatolog|nefrolog|nephrolog|alergolog|allergist|dentist|odontolog|fisioterap|physical therap|physiotherap|podiatr|podolog|radiolog|hematolog|haematolog|infectolog|geriatr|nutricion|dietitian|nutritionist)\w*/;

/** Department names that are primary care, in an organisation's own words. */
const PRIMARY_CARE_DEPARTMENT =
  /\b(?:primary|family|general (?:practice|medicine)|internal medicine|medicina (?:familiar|general|de familia|interna)|atencion primaria|gp)\b/;

export interface VisitCues {
  usual: boolean;
  primaryCare: boolean;
  /** A specialty is named (it may or may not be one of the organisation's departments). */
  specialty?: boolean;
}

export function visitCuesFrom(text: string): VisitCues | null {
  if (typeof text !== 'string' || !text) return null;
  const t = fold(text.slice(0, 1000));
  const primaryCare = PRIMARY_CARE.test(t);
  const usual = USUAL_PROVIDER.test(t);
  const specialty = SPECIALTY.test(t);
  return primaryCare || usual || specialty ? { usual, primaryCare, ...(specialty ? { specialty } : {}) } : null;
}

/** True for a department an organisation calls primary care, family medicine, general practice… */
export function isPrimaryCareDepartment(name: string): boolean {
  return typeof name === 'string' && PRIMARY_CARE_DEPARTMENT.test(fold(name));
}
