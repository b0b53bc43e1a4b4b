import { fold } from './text.ts';

/**
 * Cue words and phrases for each routine intent, in English and Spanish, written from how
 * patients phrase requests. They are features for the trained model (a cue makes its intent
 * likelier, it never decides alone), which lets a few hundred utterances generalise to
 * synonyms the corpus does not contain. Patterns run on folded text (no accents, lower case,
 * apostrophes dropped); `\b` anchors words, a trailing `\w*` accepts any ending.
 */
const CUES: Record<string, readonly string[]> = {
  cancel: [
    String.raw`\bcan[cs]\w*l\w*`, String.raw`\bcancle\b`, String.raw`\bkans\w*`, String.raw`\banul\w*`,
    String.raw`\bborr(?:ar|en|e|a)\b`, String.raw`\bdar de baja\b`, String.raw`\bcall off\b`, String.raw`\bcall it off\b`,
    String.raw`\bno longer (?:need|want|coming|come)\b`, String.raw`\b(?:dont|do not) (?:need|want) (?:the|my|that|this)? ?(?:appointment|appt|visit)\w*`,
    String.raw`\bdrop (?:my|the)\b`, String.raw`\bremove (?:my|the)\b`, String.raw`\btake me off\b`, String.raw`\bcount me out\b`,
    String.raw`\bdelete\b`, String.raw`\bya no (?:necesito|quiero|voy)\b`, String.raw`\bno (?:voy a|podre|iremos|ire)\b`,
    String.raw`\bquit(?:en|ar|e)(?:me)? (?:la|mi) (?:cita|consulta)\b`, String.raw`\bwont be (?:coming|able)\b`, String.raw`\bnot (?:be )?coming\b`,
    String.raw`\bya no hace falta\b`, String.raw`\bvoid\b`, String.raw`\bscratch\b`, String.raw`\boff (?:the|my|your) (?:schedule|calendar|list|books)\b`,
    String.raw`\bsa(?:que|quen|car|cu)\w* de (?:la|mi) agenda\b`, String.raw`\bde baja\b`,
  ],
  reschedule: [
    String.raw`\bres\w*dul\w*`, String.raw`\breprogram\w*`, String.raw`\breagend\w*`, String.raw`\bmov(?:e|ed|ing)\b`, String.raw`\bmov(?:er|emos| amos|ame|erla|erlo|erme)\b`,
    String.raw`\bmuev\w*`, String.raw`\bchang\w*`, String.raw`\bcambi\w*`, String.raw`\bswitch\w*`, String.raw`\bswap\w*`, String.raw`\bpush\w*`,
    String.raw`\bbump\w*`, String.raw`\bpostpon\w*`, String.raw`\bpospon\w*`, String.raw`\baplaz\w*`, String.raw`\badelant\w*`, String.raw`\brecorr\w*`,
    String.raw`\brearrang\w*`, String.raw`\b(?:different|another|new|other) (?:day|date|time|slot)\b`, String.raw`\botr[ao] (?:fecha|hora|dia|horario)\b`,
    String.raw`\bnueva (?:fecha|hora)\b`, String.raw`\bearlier\b`, String.raw`\blater\b`, String.raw`\bmas (?:temprano|tarde)\b`, String.raw`\binstead\b`,
    String.raw`\ben (?:lugar|vez) del?\b`, String.raw`\brebook\w*`, String.raw`\btrade\b`, String.raw`\bcan we do\b`, String.raw`\bpodemos hacerla\b`, String.raw`\bpasar (?:mi|la) (?:cita|consulta)\b`, String.raw`\bcant make it\b`, String.raw`\bno puedo (?:ir|asistir|a las)\b`,
    String.raw`\bno me sirve\b`, String.raw`\bdoesnt work\b`, String.raw`\bcant (?:come|do|make)\b`, String.raw`\bwont make it\b`,
    String.raw`\bno (?:puedo|llego) (?:el|a las|ese)\b`, String.raw`\bse puede a las\b`, String.raw`\bis \d+ possible\b`,
  ],
  confirm: [
    String.raw`\bconfirm\w*`, String.raw`\bstill (?:on|scheduled|booked|happening|at|coming)\b`, String.raw`\bsigue\w* (?:en pie|programad\w*|agendad\w*|a las)\b`,
    String.raw`\b(?:what|which) (?:time|day|date) (?:is|should)\b`, String.raw`\ba que hora (?:es|tengo)\b`, String.raw`\bque dia es\b`,
    String.raw`\bwhen (?:is|am) (?:my|i)\b`, String.raw`\bcuando (?:es|tengo) (?:mi|que)\b`, String.raw`\b(?:ill|i will) be (?:there|at)\b`,
    String.raw`\bahi estare\b`, String.raw`\bdo i have an? (?:appointment|appt|visit)\b`, String.raw`\btengo cita\b`, String.raw`\bmake sure\b`,
    String.raw`\basegurar\w*`, String.raw`\bverif\w*`, String.raw`\bremind\w*`, String.raw`\brecuerd\w*`, String.raw`\bgo through\b`, String.raw`\bse hizo\b`,
    String.raw`\bsee you\b`, String.raw`\bnos vemos\b`, String.raw`\bwhat time (?:do|should|am|will) i\b`,
    String.raw`\bwhen (?:do|should|will) i (?:need to )?(?:be|come|get|arrive|go)\b`, String.raw`\ba que hora (?:debo|me|tengo|llego|voy)\b`, String.raw`\bmaking sure\b`, String.raw`\bme aseguro\b`, String.raw`\bwhat date did\b`, String.raw`\bpara que (?:fecha|dia|hora) me\b`, String.raw`\bme toca\b`,
    String.raw`\battend\w*`, String.raw`\bbooked\b`, String.raw`\bapuntad[oa]\b`, String.raw`\bme apuntaron\b`, String.raw`\bas planned\b`, String.raw`\bconforme\b`, String.raw`\basistire\b`,
  ],
  schedule: [
    String.raw`\bbook\w*`, String.raw`\bschedul\w*`, String.raw`\bschedual\w*`, String.raw`\bagend\w*`, String.raw`\bmake an? (?:appointment|appt)\b`,
    String.raw`\bset (?:me )?up\b`, String.raw`\bprogramar\b`, String.raw`\bsacar (?:una )?(?:cita|turno|hora)\b`, String.raw`\bpedir (?:una )?(?:cita|hora|turno)\b`,
    String.raw`\breserv\w*`, String.raw`\bopenings?\b`, String.raw`\bavailab\w*`, String.raw`\bdisponib\w*`, String.raw`\bnew patient\b`, String.raw`\bpaciente nuev[oa]\b`,
    String.raw`\bfirst available\b`, String.raw`\bfit me in\b`, String.raw`\bsee (?:a|the|my)? ?(?:doctor|dr|provider|someone|pediatrician|dermatologist)\b`,
    String.raw`\bver (?:al|a la|a un|a una)? ?(?:doctor|doctora|medico|medica|pediatra|oculista)\b`, String.raw`\bget in\b`, String.raw`\bcome in\b`,
    String.raw`\bwant an? (?:appointment|appt|visit)\b`, String.raw`\bneed an? (?:appointment|appt|visit)\b`, String.raw`\b(?:quiero|necesito|quisiera) (?:una |un )?(?:cita|turno|consulta)\b`,
    String.raw`\bhay (?:citas|espacio|lugar)\b`, String.raw`\bwhat times\b`, String.raw`\bque horarios\b`,
    String.raw`\b(?:anything|something) (?:open|available|on|this|next)\b`, String.raw`\b(?:algo|espacio|lugar) (?:libre|disponible)\b`, String.raw`\bsee me\b`, String.raw`\bbe seen\b`,
    String.raw`\bme (?:puede|pueden|podria|podrian) (?:ver|atender)\b`, String.raw`\bque me (?:vea|vean|atienda|atiendan)\b`, String.raw`\bsame day\b`, String.raw`\bmismo dia\b`,
  ],
  appointment: [
    String.raw`\bap+o\w*nt\w*`, String.raw`\bappt\w*`, String.raw`\bvisit\w*`, String.raw`\bcheck ?up\b`, String.raw`\bphysical\b`, String.raw`\b[cs]ita\w*`,
    String.raw`\bconsulta\b`, String.raw`\bturno\w*`, String.raw`\bchequeo\b`, String.raw`\btelehealth\b`, String.raw`\bfollow ?up\b`, String.raw`\bseguimiento\b`,
  ],
  refill: [
    String.raw`\bref+il+\w*`, String.raw`\brenew\w*`, String.raw`\brenov\w*`, String.raw`\brenuev\w*`, String.raw`\bresurt\w*`, String.raw`\bsurt\w*`, String.raw`\b[rs]e[cs]eta\w*`,
    String.raw`\bpres?cri\w*`, String.raw`\bperscri\w*`, String.raw`\brx\b`, String.raw`\bran out\b`, String.raw`\brun(?:ning)? (?:out|low)\b`, String.raw`\bse me (?:acab|termin)\w*`,
    String.raw`\bme quede sin\b`, String.raw`\bquedan (?:pocas|dos|solo)\b`, String.raw`\bpharmac\w*`, String.raw`\bfarmacia\w*`, String.raw`\bmeds?\b`,
    String.raw`\bmedic(?:ation|ine|amento|ina)\w*`, String.raw`\bpills?\b`, String.raw`\bpastillas?\b`, String.raw`\binhal\w*`, String.raw`\bsupply\b`,
    String.raw`\balmost (?:out|finished|gone)\b`, String.raw`\bout of my\b`, String.raw`\btablets?\b`, String.raw`\bno (?:tengo|me queda) (?:mas )?(?:insulina|pastillas|medicina|medicamento)\w*`, String.raw`\bya no tengo (?:pastillas|medicina|medicamento)\w*`, String.raw`\bse acaba\w*`,
  ],
  results: [
    String.raw`\bres\w*l?ts?\b`, String.raw`\bresultad\w*`, String.raw`\blabs?\b`, String.raw`\blaboratorio\b`, String.raw`\bblood ?work\b`, String.raw`\btests?\b`,
    String.raw`\banalisis\b`, String.raw`\bexamen\w*`, String.raw`\bpruebas?\b`, String.raw`\bestudios?\b`, String.raw`\breports?\b`, String.raw`\breporte\b`,
    String.raw`\bbiops\w*`, String.raw`\bscan\b`, String.raw`\bx ?ray\b`, String.raw`\bradiograf\w*`, String.raw`\bmri\b`, String.raw`\bresonancia\b`, String.raw`\bultra\w*`,
    String.raw`\bcome back\b`, String.raw`\bcame back\b`, String.raw`\bsalio\b`, String.raw`\bsalieron\b`, String.raw`\bpatholog\w*`, String.raw`\bpatolog\w*`,
    String.raw`\bmammogram\b`, String.raw`\bmamografia\b`, String.raw`\btomografia\b`, String.raw`\bcholesterol\b`, String.raw`\bcolesterol\b`, String.raw`\ba1c\b`,
  ],
  billing: [
    String.raw`\bbil+\b`, String.raw`\bbills\b`, String.raw`\bbill(?:ing|ed)\b`, String.raw`\bfactur\w*`, String.raw`\bcharg\w*`, String.raw`\bcobr\w*`, String.raw`\bcargos?\b`,
    String.raw`\bpay\w*`, String.raw`\bpag(?:o|os|ar|ue|ado)\b`, String.raw`\bowe\b`, String.raw`\bdebo\b`, String.raw`\bbalance\b`, String.raw`\bsaldo\b`, String.raw`\brefund\w*`,
    String.raw`\breembols\w*`, String.raw`\binvoice\w*`, String.raw`\bstatement\b`, String.raw`\bestado de cuenta\b`, String.raw`\bcollections?\b`, String.raw`\bcobranza\b`,
    String.raw`\bcost\w*`, String.raw`\bcuesta\b`, String.raw`\bexpensive\b`, String.raw`\bprice\b`, String.raw`\bprecio\b`, String.raw`\bafford\b`, String.raw`\bdisput\w*`,
    String.raw`\bitemized\b`, String.raw`\bdetallada\b`, String.raw`\bfinancial\b`, String.raw`\bfinanciera\b`, String.raw`\bdiscount\w*`, String.raw`\bdescuento\w*`,
    String.raw`\bself pay\b`, String.raw`\bmoney\b`, String.raw`\bdinero\b`, String.raw`\bmonto\b`, String.raw`\bamount\b`, String.raw`\bcuenta\b`,
  ],
  insurance: [
    String.raw`\bins\w*r\w*nc\w*`, String.raw`\binsur\w*`, String.raw`\bseguros?\b`, String.raw`\baseguradora\b`, String.raw`\baseguranza\b`, String.raw`\bcoverage\b`,
    String.raw`\bcobertura\b`, String.raw`\bcover\w*`, String.raw`\bcubr\w*`, String.raw`\bcubiert\w*`, String.raw`\bcubre\w*`, String.raw`\bnetwork\b`, String.raw`\ben (?:la|su) red\b`,
    String.raw`\bde la red\b`, String.raw`\bmedicaid\b`, String.raw`\bmedicare\b`, String.raw`\baetna\b`, String.raw`\bcigna\b`, String.raw`\bblue (?:cross|shield)\b`,
    String.raw`\bkaiser\b`, String.raw`\bunited\b`, String.raw`\bhumana\b`, String.raw`\bdeductible\b`, String.raw`\bdeducible\b`, String.raw`\bclaims?\b`, String.raw`\breclam\w*`,
    String.raw`\bauthoriz\w*`, String.raw`\bautoriz\w*`, String.raw`\breferral\b`, String.raw`\breferido\b`, String.raw`\bpolicy\b`, String.raw`\bpoliza\b`,
    String.raw`\bmember id\b`, String.raw`\bafiliad\w*`, String.raw`\bbenefits\b`, String.raw`\bbeneficios\b`, String.raw`\bcopa(?:y|go)\b`, String.raw`\bplan\b`,
    String.raw`\baccept\w*`, String.raw`\bacept\w*`, String.raw`\btake (?:my|medicaid|medicare)\b`,
  ],
  records: [
    String.raw`\brec\w*ds?\b`, String.raw`\bexpediente\w*`, String.raw`\bhistorial\w*`, String.raw`\bhistoria clinica\b`, String.raw`\bregistros?\b`, String.raw`\bchart\b`,
    String.raw`\bimmuniz\w*`, String.raw`\bvaccin\w*`, String.raw`\bvacun\w*`, String.raw`\bshots\b`, String.raw`\bcartilla\b`, String.raw`\bfax\w*`, String.raw`\bcopy\b`,
    String.raw`\bcopia\b`, String.raw`\bsummary\b`, String.raw`\bresumen\b`, String.raw`\bnotes\b`, String.raw`\bnotas\b`, String.raw`\binforme\b`, String.raw`\brelease of information\b`,
    String.raw`\bentrega de informacion\b`, String.raw`\btransfer\w*`, String.raw`\btransferir\b`, String.raw`\bdownload\b`, String.raw`\bdescargar\b`, String.raw`\bproof\b`,
    String.raw`\bcomprobante\b`, String.raw`\bconstancia\b`, String.raw`\bletter\b`, String.raw`\bcd\b`, String.raw`\bdisco\b`, String.raw`\bimages\b`, String.raw`\bprintout\b`,
    String.raw`\bmedical history\b`, String.raw`\barchivo medico\b`, String.raw`\bmedical file\b`, String.raw`\bmy file\b`, String.raw`\boperative report\b`, String.raw`\bsend (?:my|a copy)\b`, String.raw`\bmand\w* (?:mi|una copia)\b`,
  ],
  person: [
    String.raw`\bperson\b`, String.raw`\bpersona\b`, String.raw`\bhuman\w*`, String.raw`\bagent\w*`, String.raw`\brepresentative\b`, String.raw`\brepresentante\b`, String.raw`\brep\b`,
    String.raw`\boperador\w*`, String.raw`\boperator\b`, String.raw`\bsomeone\b`, String.raw`\bsomebody\b`, String.raw`\banyone\b`, String.raw`\balguien\b`, String.raw`\blive\b`,
    String.raw`\brobot\b`, String.raw`\bbot\b`, String.raw`\bmaquina\b`, String.raw`\btransfer me\b`, String.raw`\btransfier\w*`, String.raw`\bcall me\b`, String.raw`\bme llame\b`,
    String.raw`\breception\b`, String.raw`\brecepcion\b`, String.raw`\bfront desk\b`, String.raw`\bstaff\b`, String.raw`\bpersonal\b`, String.raw`\bmanager\b`, String.raw`\bgerente\b`,
    String.raw`\bnurse\b`, String.raw`\benfermer\w*`, String.raw`\bcustomer service\b`, String.raw`\bservicio al cliente\b`, String.raw`\b(?:speak|talk|chat)\w* (?:to|with)\b`,
    String.raw`\bhablar con\b`, String.raw`\bchatear con\b`, String.raw`\bpa[sc]\w*me con\b`, String.raw`\bcomuniq\w* con\b`, String.raw`\bconnect me\b`, String.raw`\bput me through\b`,
  ],
  /** When: days, dates, parts of the day, clock times. */
  when: [
    String.raw`\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b`,
    String.raw`\b(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b`, String.raw`\b(?:today|tomorrow|tonight|hoy|manana|pasado manana)\b`,
    String.raw`\b(?:morning|afternoon|evening|tarde|noche)\b`, String.raw`\b(?:next|this|la proxima|la otra|esta) (?:week|month|semana|mes)\b`,
    String.raw`\b\d{1,2}(?::\d\d)?\s?(?:am|pm|a m|p m)\b`, String.raw`\ba las \d`, String.raw`\bat \d`, String.raw`\b(?:the|el|del) \d{1,2}(?:st|nd|rd|th)?\b`,
    String.raw`\b(?:day|date|time|dia|fecha|hora|horario)\b`, String.raw`\b(?:january|february|march|april|june|july|august|september|october|november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b`,
  ],
  /** Asking to speak, call or be connected. */
  contact: [
    String.raw`\b(?:speak|talk|chat|hablar|chatear|platicar)\w*`, String.raw`\b(?:call|llam)\w*`, String.raw`\b(?:connect|transfer|put me|comuniq|pase|pasen|pasame|paseme|conect|transfier)\w*`,
  ],
  admin: [
    String.raw`\baddress\b`, String.raw`\bdireccion\b`, String.raw`\bemail\b`, String.raw`\bcorreo\b`, String.raw`\bpassword\b`, String.raw`\bcontrasena\b`,
    String.raw`\busername\b`, String.raw`\busuario\b`, String.raw`\bpark\w*`, String.raw`\bestacionamiento\b`, String.raw`\bdirections\b`, String.raw`\bcomo llego\b`,
    String.raw`\bhours\b`, String.raw`\bhorario de (?:atencion|visitas?)\b`, String.raw`\bopen\b`, String.raw`\babre\w*`, String.raw`\bclose\b`, String.raw`\bcierra\w*`,
    String.raw`\bwifi\b`, String.raw`\bentrance\b`, String.raw`\bentrada\b`, String.raw`\bwhere is\b`, String.raw`\bdonde (?:esta|queda)\b`, String.raw`\bfloor\b`,
    String.raw`\bpiso\b`, String.raw`\bportal\b`, String.raw`\bphone number\b`, String.raw`\bnumero de telefono\b`, String.raw`\bcafeteria\b`, String.raw`\bvisit(?:ing|or)\b`,
    String.raw`\bvisitas?\b`, String.raw`\bholiday\b`, String.raw`\bferiado\b`, String.raw`\bbus\b`, String.raw`\bautobus\b`, String.raw`\bcompliment\b`, String.raw`\bfeedback\b`,
    String.raw`\bcomplaint\b`, String.raw`\bqueja\b`, String.raw`\bcomentario\b`, String.raw`\bnormal\b`, String.raw`\bside effects?\b`, String.raw`\befectos? secundarios?\b`,
    String.raw`\bcan i take\b`, String.raw`\bpuedo tomar\b`, String.raw`\bshould i\b`, String.raw`\bwithout an? (?:appointment|appt)\b`, String.raw`\bsin cita\b`,
    String.raw`\bwalk in\b`, String.raw`\bon site\b`, String.raw`\ben el edificio\b`, String.raw`\bsell\b`, String.raw`\bvenden\b`, String.raw`\bfax\b`,
  ],
  greeting: [
    String.raw`\bh+i+\b`, String.raw`\bhel+o+\b`, String.raw`\bhey\b`, String.raw`\bh?ola+\b`, String.raw`\bholi\b`, String.raw`\bbuen[oa]s?\b`, String.raw`\bgood (?:morning|afternoon|evening|day)\b`,
    String.raw`\bmorning\b`, String.raw`\bhowdy\b`, String.raw`\bhiya\b`, String.raw`\bsaludos\b`, String.raw`\bgreetings\b`, String.raw`\bque (?:tal|onda)\b`,
  ],
  thanks: [
    String.raw`\bthank\w*`, String.raw`\bthx\b`, String.raw`\bty\b`, String.raw`\bgra[cs]i\w*`, String.raw`\bgrax\b`, String.raw`\bagradec\w*`, String.raw`\bagradezco\b`,
    String.raw`\bappreciat\w*`, String.raw`\bcheers\b`, String.raw`\bamable\b`,
  ],
};

const COMPILED: Array<[string, RegExp]> = Object.entries(CUES).map(([name, patterns]) => [name, new RegExp(patterns.join('|'))]);

/** Names of the cue groups present in a message ("cancel", "appointment", …). */
export function cueGroups(text: string): string[] {
  const folded = ` ${fold(text.length > 1000 ? text.slice(0, 1000) : text).replace(/'/g, '').replace(/[^\p{L}\p{N}:]+/gu, ' ')} `;
  const out: string[] = [];
  for (const [name, re] of COMPILED) if (re.test(folded)) out.push(name);
  return out;
}

/**
 * Cue pairs a bag of words cannot express: "change" means reschedule only with something
 * to change (an appointment, a day, a time): "change my address" does not; a nurse or an
 * agent named with "talk to" is a request for a person, "thank the nurse" is not.
 */
export function cueConjunctions(groups: readonly string[]): string[] {
  const has = (g: string) => groups.includes(g);
  const object = has('appointment') || has('when');
  const out: string[] = [];
  for (const verb of ['cancel', 'reschedule', 'confirm', 'schedule']) {
    if (has(verb)) out.push(`${verb}&${object ? 'object' : 'alone'}`);
  }
  if (has('person')) out.push(`person&${has('contact') ? 'contact' : 'alone'}`);
  if (!groups.some((g) => g !== 'when' && g !== 'contact' && g !== 'admin')) out.push('no-request-cue');
  return out;
}
