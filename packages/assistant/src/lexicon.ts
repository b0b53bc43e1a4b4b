import { MEDICATION_TERMS } from '@carethread/core';
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
    String.raw`\b(?:darle|den|dar|give|dele|denle) (?:el|mi|my|the|su) (?:lugar|espacio|spot|slot|turno) (?:a|to) (?:alguien|otra|otro|someone|somebody)\b`,
    String.raw`\bno se cuando\b`, String.raw`\bdont know when\b`, String.raw`\bill call (?:when|later|back)\b`, String.raw`\b(?:despues|luego|mas adelante) (?:les )?(?:llamo|aviso|hablo|agendo)\b`, String.raw`\bquit\w* (?:mi|el|su) nombre\b`, String.raw`\btake (?:my|his|her) name off\b`, String.raw`\bremove (?:my|his|her) name\b`, String.raw`\bno (?:necesito|ocupo|necesitamos|ocupamos|voy a necesitar|vamos a necesitar) (?:la|el|mi|su|esa|esta) (?:cita|consulta|turno|visita|appointment)\b`,
    String.raw`\b(?:ya )?no (?:va a ser|sera|es|seria) necesari[oa]\b`, String.raw`\b(?:no|ya no) (?:hace|hara|hacia) falta\b`, String.raw`\bno need (?:for|to)\b`, String.raw`\b(?:wont|will not|isnt|not) (?:be )?necessary\b`, String.raw`\b(?:no|ya no) (?:necesito|ocupo|quiero|vamos a ocupar|voy a ocupar|vamos a necesitar|voy a necesitar) (?:la|el|lo) (?:del?|de las?)\b`, String.raw`\bdej\w* libre\b`, String.raw`\bliber(?:ar|en|e|o)\b`, String.raw`\bfree (?:up|it up)\b`, String.raw`\bgive (?:it|the spot|my spot|my slot) to\b`, String.raw`\bno cuenten conmigo\b`, String.raw`\bdont count on\b`, String.raw`\bno asistir\w*`,
    String.raw`\bcan[cs]\w*l\w*`, String.raw`\bcancle\b`, String.raw`\bcxl\b`, String.raw`\bcanx\b`, String.raw`\b(?:dont|doesnt|wont|no longer) need\w* (?:the|my|his|her|that|this|our)? ?(?:appointment|appt|visit|follow ?up|check ?up|physical|consult)\w*`, String.raw`\bya no (?:necesit|quier|ocup)\w*`, String.raw`\bolvid(?:en|ense|e|a) (?:de )?(?:mi|la) (?:cita|consulta)\b`, String.raw`\bforget (?:about )?(?:my|the) (?:appointment|appt|visit)\b`, String.raw`\bkans\w*`, String.raw`\banul\w*`,
    String.raw`\bborr(?:ar|en|e|a)\b`, String.raw`\bdar de baja\b`, String.raw`\bcall off\b`, String.raw`\bcall it off\b`,
    String.raw`\bno longer (?:need|want|coming|come|going|go)\b`, String.raw`\b(?:dont|do not|wont|will not) (?:be )?(?:need|want)\w* (?:the|my|that|this|our)? ?(?:appointment|appt|visit)\w*`, String.raw`\bsuspend\w*`,
    String.raw`\bdrop (?:my|the)\b`, String.raw`\bremove (?:my|the)\b`, String.raw`\btake me off\b`, String.raw`\bcount me out\b`,
    String.raw`\bdelete\b`, String.raw`\bya no (?:necesito|quiero|voy|vamos|va|van)\b`, String.raw`\bno (?:voy a|podre|iremos|ire)\b`,
    String.raw`\bquit(?:en|ar|e)(?:me)? (?:la|mi) (?:cita|consulta)\b`, String.raw`\bwont be (?:coming|able)\b`, String.raw`\bnot (?:be )?coming\b`,
    String.raw`\bya no hace falta\b`, String.raw`\bvoid\b`, String.raw`\bscratch\b`, String.raw`\boff (?:the|my|your) (?:schedule|calendar|list|books)\b`,
    String.raw`\bsa(?:que|quen|car|cu)\w* de (?:la|mi) agenda\b`, String.raw`\bde baja\b`,
  ],
  reschedule: [
    String.raw`\b(?:me )?(?:lo|la) (?:pasan|pasas|pasamos|pase|pasen|puede pasar|pueden pasar|podemos pasar)\b`,
    String.raw`\bres\w*dul\w*`, String.raw`\breprogram\w*`, String.raw`\breagend\w*`, String.raw`\bmov(?:e|ed|ing)\b`, String.raw`\bmov(?:er|emos| amos|ame|erla|erlo|erme)\b`,
    String.raw`\bmuev\w*`, String.raw`\bchang\w*`, String.raw`\bcambi\w*`, String.raw`\bswitch\w*`, String.raw`\bswap\w*`, String.raw`\bpush\w*`,
    String.raw`\bbump\w*`, String.raw`\bpostpon\w*`, String.raw`\bpospon\w*`, String.raw`\baplaz\w*`, String.raw`\badelant\w*`, String.raw`\brecorr\w*`,
    String.raw`\brearrang\w*`, String.raw`\b(?:different|another|new|other) (?:day|date|time|slot)\b`, String.raw`\botr[ao] (?:fecha|hora|dia|horario)\b`,
    String.raw`\bnueva (?:fecha|hora)\b`, String.raw`\bearlier\b`, String.raw`\btoo (?:early|late|soon)\b`, String.raw`\bmuy (?:temprano|tarde)\b`, String.raw`\b(?:than|que) (?:the one|la que|el que) (?:i have|tengo)\b`, String.raw`\blater\b`, String.raw`\bmas (?:temprano|tarde)\b`, String.raw`\binstead\b`,
    String.raw`\ben (?:lugar|vez) del?\b`, String.raw`\brebook\w*`, String.raw`\btrade\b`, String.raw`\bcan we do\b`, String.raw`\bpodemos hacerla\b`, String.raw`\bpasar (?:mi|la|el) (?:cita|consulta|chequeo|turno|visita)\b`, String.raw`\bshift\w*`, String.raw`\bfollowing (?:day|week|month)\b`,
    String.raw`\b(?:semanas?|dias?) (?:despues|mas tarde|antes)\b`, String.raw`\b(?:la semana|el mes|el dia) siguiente\b`, String.raw`\bcant make it\b`, String.raw`\bno puedo (?:ir|asistir|a las)\b`,
    String.raw`\bno me (?:sirve|funciona|conviene|acomoda)\b`, String.raw`\b(?:escoger|elegir) otr[ao]\b`, String.raw`\bpick (?:another|a different|a new)\b`, String.raw`\bdoesnt work\b`, String.raw`\bcant (?:come|do|make)\b`, String.raw`\bwont make it\b`,
    String.raw`\bno (?:puedo|llego) (?:el|a las|ese)\b`, String.raw`\bse puede a las\b`, String.raw`\bis \d+ possible\b`,
  ],
  confirm: [
    String.raw`\b(?:tiene|tenemos|tienen) cita\b`, String.raw`\b(?:algo|nada) (?:programado|agendado|scheduled|booked)\b`, String.raw`\bsi quedo\b`, String.raw`\bquedo (?:la|mi) (?:cita|consulta)\b`,
    String.raw`\b(?:alli|ahi|alla) (?:estare|estaremos|estamos|nos vemos|voy|vamos)\b`, String.raw`\bsi (?:voy|vamos|ire|iremos|llego|asisto|asistire)\b`, String.raw`\b(?:we|ill|well|i will|we will|she will|hell|shell) be there\b`, String.raw`\bpara cuando es\b`, String.raw`\bcuando es (?:mi|la)\b`, String.raw`\bam i (?:scheduled|booked|down|on)\b`, String.raw`\b(?:is|was) (?:my|the) (?:appointment|appt|visit) (?:scheduled|booked|with)\b`,
    String.raw`\brecordatorio\w*`, String.raw`\bquedo (?:agendad|programad|confirmad|apuntad|anotad|registrad|hech)\w*`, String.raw`\b(?:ya )?(?:esta|estoy|estamos) (?:agendad|apuntad|anotad|programad|registrad)\w*`, String.raw`\bsupposed to (?:be|come|go|arrive|show)\b`, String.raw`\bse supone que\b`, String.raw`\bme dijeron que (?:fuera|viniera|llegara|estuviera)\b`, String.raw`\bwho (?:is|am) (?:my|i) (?:appointment|appt|seeing)\b`, String.raw`\bcon quien me toca\b`, String.raw`\bcon quien (?:es|tengo) (?:mi|la)\b`,
    String.raw`\bconfirm\w*`, String.raw`\bstill (?:on|scheduled|booked|happening|at|coming)\b`, String.raw`\bsigue\w* (?:en pie|programad\w*|agendad\w*|a las)\b`,
    String.raw`\b(?:what|which) (?:time|day|date) (?:is|should)\b`, String.raw`\ba que hora (?:es|tengo)\b`, String.raw`\bque dia es\b`,
    String.raw`\bwhen (?:is|am) (?:my|i)\b`, String.raw`\bcuando (?:es|tengo) (?:mi|que)\b`, String.raw`\b(?:ill|i will) be (?:there|at)\b`,
    String.raw`\bahi estare\b`, String.raw`\bdo i have an? (?:appointment|appt|visit)\b`, String.raw`\btengo cita\b`, String.raw`\bmake sure\b`,
    String.raw`\basegurar\w*`, String.raw`\bverif\w*`, String.raw`\bremind\w*`, String.raw`\brecuerd\w*`, String.raw`\bgo through\b`, String.raw`\bse hizo\b`,
    String.raw`\bsee you\b`, String.raw`\bnos vemos\b`, String.raw`\bwhat time (?:do|should|am|will) i\b`,
    String.raw`\bwhen (?:do|should|will) i (?:need to )?(?:be|come|get|arrive|go)\b`, String.raw`\ba que hora (?:debo|me|tengo|llego|voy)\b`, String.raw`\bmaking sure\b`, String.raw`\bme aseguro\b`, String.raw`\bwhat date did\b`, String.raw`\bpara que (?:fecha|dia|hora) me\b`, String.raw`\bme toca\b`,
    String.raw`\battend\w*`, String.raw`\bbooked\b`, String.raw`\bapuntad[oa]\b`, String.raw`\bme apuntaron\b`, String.raw`\bas planned\b`, String.raw`\bconforme\b`, String.raw`\bdid (?:you|they|u) (?:get|put|book|schedule|have|sign) me\b`, String.raw`\bme (?:agendaron|anotaron|apuntaron|programaron|pusieron|dieron)\b`, String.raw`\bseguimos (?:bien|en pie)\b`, String.raw`\bstill good\b`, String.raw`\basistire\b`,
  ],
  schedule: [
    String.raw`\b(?:me|le|la|lo) (?:pongan|ponga|pone|ponen|pueden poner) (?:la|una|el|mi|su) (?:vacuna|inyeccion|shot)\b`, String.raw`\bwhen can (?:i|we|he|she) (?:come|bring|get|be)\b`,
    String.raw`\blo mas pronto\b`, String.raw`\bir (?:al|a la|con el|con la) (?:doctor|doctora|medico|medica|dentista|\w+log[oa]|pediatra|clinica)\b`, String.raw`\b(?:me|la|lo|le|nos) (?:podrian|podria|pueden|puede) acomodar\b`, String.raw`\bacomodarme\b`,
    String.raw`\b(?:me|la|lo|le|nos) (?:pueden|puede|podrian|podria) meter\b`, String.raw`\bmeter(?:me|la|lo|le|nos)\b`,
    String.raw`\b(?:me|la|lo|le|los|las|nos) (?:puede|pueden|podria|podrian|podes|puedes|podra|podran) (?:ver|atender|revisar|checar|chequear|examinar|recibir)\b`, String.raw`\b(?:la|lo|le|los|las|nos) (?:vea|vean|revise|revisen|cheque|chequen|examine|examinen|atienda|atiendan)\b`, String.raw`\bhuecos?\b`, String.raw`\b(?:dar|den|da|das|de|deme|denme|darme|darle|dame) (?:me |le )?(?:un |una )?(?:horario|hora|fecha|dia|turno|hueco|espacio|lugar)\b`, String.raw`\ba que (?:me|le|la|lo) (?:tomen|hagan|pongan|revisen|chequen|vean|examinen|midan|saquen)\b`, String.raw`\b(?:need|looking for|find|want) (?:a|an) (?:new )?(?:pcp|doctor|primary|pediatrician|family doctor)\b`, String.raw`\b(?:necesito|busco|ocupo) (?:un|una) (?:doctor|doctora|medico|medica|pediatra|ginecolog\w*)\b`, String.raw`\bsee (?:a|the|my|your)? ?(?:\w+ )?(?:doctor|dr|provider|pediatrician|dermatologist|nurse practitioner|np|pa|specialist|physician|midwife|gyn\w*|obgyn|ob)\b`, String.raw`\b(?:someone|somebody|a doctor|the doctor|a nurse) (?:to )?(?:check|look at|see|examine)\b`,
    String.raw`\bme (?:revise|revisen|cheque|chequen|vea|vean|bean|atienda|atiendan|examine|examinen)\b`, String.raw`\b(?:apart|separ)(?:en|e|ar|eme|enme)\w* (?:un|una|el|la)? ?(?:lugar|espacio|cita|hora|turno)\b`, String.raw`\bget (?:my|his|her|him|me|it|this|them|the) (?:\w+ ){0,2}(?:checked|looked at|seen|examined|tested)\b`,
    String.raw`\bbook\w*`, String.raw`\bschedul\w*`, String.raw`\bschedual\w*`, String.raw`\bagend\w*`, String.raw`\bmake an? (?:appointment|appt)\b`,
    String.raw`\bset (?:me )?up\b`, String.raw`\bprogramar\b`, String.raw`\bsacar (?:una )?(?:cita|turno|hora)\b`, String.raw`\bpedir (?:una )?(?:cita|hora|turno)\b`,
    String.raw`\breserv\w*`, String.raw`\bopenings?\b`, String.raw`\bavailab\w*`, String.raw`\bdisponib\w*`, String.raw`\bnew patient\b`, String.raw`\bpaciente nuev[oa]\b`,
    String.raw`\bfirst available\b`, String.raw`\bfit me in\b`, String.raw`\bsee (?:a|the|my)? ?(?:doctor|dr|provider|someone|pediatrician|dermatologist)\b`,
    String.raw`\bver (?:al|a la|a un|a una)? ?(?:doctor|doctora|medico|medica|pediatra|oculista|dentista|especialista|\w+log[oa])\b`, String.raw`\bque (?:fechas|dias|horarios|horas) (?:hay|tienen|tiene|tendran)\b`, String.raw`\bget in\b`, String.raw`\bcome in\b`,
    String.raw`\bwant an? (?:appointment|appt|visit)\b`, String.raw`\bneed an? (?:appointment|appt|visit)\b`, String.raw`\b(?:quiero|necesito|quisiera) (?:una |un )?(?:cita|turno|consulta)\b`,
    String.raw`\bhay (?:citas|espacio|lugar)\b`, String.raw`\bwhat times\b`, String.raw`\bque horarios\b`,
    String.raw`\b(?:anything|something) (?:open|available|on|this|next)\b`, String.raw`\b(?:algo|espacio|lugar) (?:libre|disponible)\b`, String.raw`\bsee me\b`, String.raw`\bbe seen\b`,
    String.raw`\bme (?:puede|pueden|podria|podrian) (?:ver|atender)\b`, String.raw`\b(?:earliest|soonest|next available)\b`, String.raw`\bslots?\b`,
    String.raw`\b(?:put|pencil|sign|squeeze|get) (?:me|him|her|them|us|my \w+) (?:down|in|up)\b`, String.raw`\b(?:look at|check out|take a look at|examine) (?:my|his|her|a)\b`,
    String.raw`\bprimer (?:espacio|hueco|lugar|turno|horario)\b`, String.raw`\blo (?:antes|mas pronto) posible\b`, String.raw`\bcualquier (?:doctor|doctora|medico|medica|proveedor)\b`, String.raw`\bany (?:provider|doctor|physician)\b`,
    String.raw`\bque me (?:revise|revisen|examine|examinen|chequee|chequeen)\b`, String.raw`\b(?:llevar|traer) a (?:mi|vacunar)\w*`, String.raw`\b(?:a|para) vacunar(?:lo|la|los|las|me|se)?\b`, String.raw`\b(?:me|la|lo|le) (?:anota|anote|anoten|apunta|apunte|apunten)\b`, String.raw`\bque me (?:vea|vean|atienda|atiendan)\b`, String.raw`\bsame day\b`, String.raw`\b(?:eye|vision|sports|school|annual|yearly|dot|camp) (?:exam|physical)\b`, String.raw`\bexamen (?:de la vista|fisico|de los ojos)\b`, String.raw`\b(?:lo|la|los|las|nos) vean\b`, String.raw`\b(?:doctor|medico|doctora|medica) (?:familiar|de cabecera|primario)\b`, String.raw`\b(?:family|primary care) (?:doctor|physician|provider)\b`, String.raw`\bestablish care\b`, String.raw`\b(?:un|el) (?:proximo )?espacio\b`, String.raw`\bproximo espacio\b`, String.raw`\bvieran?\b`, String.raw`\b(?:quiero|necesito|quisiera) ir (?:con|al|a ver)\b`, String.raw`\b(?:want|need|like) to (?:see|go see|get in with) (?:a|the|my|someone|somebody)\b`, String.raw`\bponer(?:me|le|les|nos)? (?:la|una|el) (?:vacuna|inyeccion)\b`, String.raw`\bget (?:my|a|the|our) (?:\w+ )?(?:shot|vaccine)s?\b`, String.raw`\bmismo dia\b`,
  ],
  appointment: [
    String.raw`\bwell (?:child|baby|woman|visit)\b`, String.raw`\bwellness\b`,
    String.raw`\bfisico\b`,
    String.raw`\bcontrol\b`, String.raw`\brevision\b`, String.raw`\btelemedicin\w*`, String.raw`\bvideo ?(?:llamada|consulta|visit|call)\b`,
    String.raw`\bap+o\w*nt\w*`, String.raw`\bappt\w*`, String.raw`\bvisit\w*`, String.raw`\bcheck ?up\b`, String.raw`\bphysical\b`, String.raw`\b[cs]ita\w*`,
    String.raw`\bconsulta\b`, String.raw`\bturno\w*`, String.raw`\bchequeo\b`, String.raw`\btelehealth\b`, String.raw`\bfollow ?up\b`, String.raw`\bseguimiento\b`,
  ],
  refill: [
    String.raw`\b\d+ days? (?:supply|worth)\b`, String.raw`\b(?:90|30|60) (?:day|days|dias)\b`,
    String.raw`\bpomada\b`, String.raw`\bunguento\b`, String.raw`\bointment\b`,
    String.raw`\b(?:casi )?no me queda\w*`, String.raw`\bme queda\w* (?:pocas|poquitas|pocos|dos|tres|\d+)\b`, String.raw`\bout of (?:my|his|her|their|our)\b`,
    String.raw`\b(?:mand|envi|send|manda)\w* (?:me )?(?:some )?(?:mas|more)\b`, String.raw`\bgotas\b`, String.raw`\bparches?\b`, String.raw`\bcrema\b`, String.raw`\bcream\b`, String.raw`\bdrops\b`, String.raw`\bpatch(?:es)?\b`, String.raw`\bscript\b`, String.raw`\binsulin\w*`,
    String.raw`\bref+il+\w*`, String.raw`\brenew\w*`, String.raw`\brenov\w*`, String.raw`\brenuev\w*`, String.raw`\bresurt\w*`, String.raw`\bsurt\w*`, String.raw`\b[rs]e[cs]eta\w*`,
    String.raw`\bpres?cri\w*`, String.raw`\bperscri\w*`, String.raw`\brx\b`, String.raw`\bran out\b`, String.raw`\brun(?:ning)? (?:out|low)\b`, String.raw`\bse me (?:acab|termin)\w*`,
    String.raw`\bme quede sin\b`, String.raw`\bquedan (?:pocas|dos|solo)\b`, String.raw`\bpharmac\w*`, String.raw`\bfarmacia\w*`, String.raw`\bmeds?\b`,
    String.raw`\bmedic(?:ation|ine|amento|ina)\w*`, String.raw`\bpills?\b`, String.raw`\bpastillas?\b`, String.raw`\binhal\w*`, String.raw`\bsupply\b`,
    String.raw`\balmost (?:out|finished|gone)\b`, String.raw`\bout of my\b`, String.raw`\btablets?\b`, String.raw`\bno (?:tengo|me queda) (?:mas )?(?:insulina|pastillas|medicina|medicamento)\w*`, String.raw`\bya no tengo (?:pastillas|medicina|medicamento)\w*`, String.raw`\bse acaba\w*`, String.raw`\bmore of my\b`, String.raw`\b(?:need|want|get) (?:some )?more\b`, String.raw`\b(?:necesito|quiero|ocupo) mas\b`,
  ],
  results: [
    String.raw`\bnumbers\b`, String.raw`\bnumeros\b`,
    String.raw`\bblood (?:drawn|draw|test)\b`, String.raw`\b(?:had|got) (?:my )?blood (?:drawn|taken)\b`, String.raw`\bsacaron sangre\b`,
    String.raw`\bsangre\b`, String.raw`\borina\b`, String.raw`\bcultivo\w*`, String.raw`\bmuestras?\b`, String.raw`\burine\b`, String.raw`\bcultures?\b`, String.raw`\bsamples?\b`, String.raw`\bstrep\b`, String.raw`\b(?:what did|que dijo|que dice) (?:the|el|la) (?:doctor|doctora|dr|medico|medica)\b`, String.raw`\bya (?:saben|tienen|hay) algo\b`, String.raw`\bany (?:news|word|update)\b`, String.raw`\bnoticias?\b`,
    String.raw`\bres\w*l?ts?\b`, String.raw`\bresultad\w*`, String.raw`\blabs?\b`, String.raw`\blaboratorios?\b`, String.raw`\bblood ?work\b`, String.raw`\btests?\b`,
    String.raw`\banalisis\b`, String.raw`\bexamen\w*`, String.raw`\bpruebas?\b`, String.raw`\bestudios?\b`, String.raw`\breports?\b`, String.raw`\breporte\b`,
    String.raw`\bbiops\w*`, String.raw`\bscan\b`, String.raw`\bx ?ray\b`, String.raw`\bradiograf\w*`, String.raw`\bmri\b`, String.raw`\bresonancia\b`, String.raw`\bultra\w*`,
    String.raw`\bcome back\b`, String.raw`\bcame back\b`, String.raw`\bsalio\b`, String.raw`\bsalieron\b`, String.raw`\bpatholog\w*`, String.raw`\bpatolog\w*`,
    String.raw`\bmammogram\b`, String.raw`\bmamografia\b`, String.raw`\btomografia\b`, String.raw`\bcholesterol\b`, String.raw`\bcolesterol\b`, String.raw`\ba1c\b`, String.raw`\blevels?\b`, String.raw`\bniveles?\b`, String.raw`\bsali[oa] (?:normal|bien|mal|alto|alta|bajo|baja|positiv[oa]|negativ[oa])\b`,
  ],
  billing: [
    String.raw`\b(?:receive|received|got|get|cash|cashed|mailed|sent) (?:my|the|a) check\b`,
    String.raw`\bcuanto (?:sale|cuesta|cobran|seria|me sale|me cobran|vale)\b`, String.raw`\bhow much (?:is|does|do|will|would|for)\b`, String.raw`\bcobranzas?\b`, String.raw`\bventanilla\b`, String.raw`\b(?:tarjeta de credito|credit card|debit card|tarjeta de debito)\b`, String.raw`\bdolares\b`, String.raw`\bdollars\b`,
    String.raw`\bbil+\b`, String.raw`\bbills\b`, String.raw`\bbill(?:ing|ed)\b`, String.raw`\bfactur\w*`, String.raw`\bcharg\w*`, String.raw`\bcobr\w*`, String.raw`\bcargos?\b`,
    String.raw`\bpay\w*`, String.raw`\bpag(?:o|os|ar|ue|ado)\b`, String.raw`\bowe\b`, String.raw`\bdebo\b(?! (?:tomar|dejar|seguir|preocupar|hacer|ir|llevar|llegar|comer))`, String.raw`\bbalance\b`, String.raw`\bsaldo\b`, String.raw`\brefund\w*`,
    String.raw`\breembols\w*`, String.raw`\binvoice\w*`, String.raw`\bstatement\b`, String.raw`\bestado de cuenta\b`, String.raw`\bcollections?\b`, String.raw`\bcobranza\b`,
    String.raw`\bcost\w*`, String.raw`\bfees?\b`, String.raw`\breceipts?\b`, String.raw`\brecibos?\b`, String.raw`\bcuesta\b`, String.raw`\bexpensive\b`, String.raw`\bprices?\b`, String.raw`\bprecios?\b`, String.raw`\bafford\b`, String.raw`\bdisput\w*`,
    String.raw`\bitemized\b`, String.raw`\bdetallada\b`, String.raw`\bfinancial\b`, String.raw`\bfinanciera\b`, String.raw`\bdiscount\w*`, String.raw`\bdescuento\w*`,
    String.raw`\bself pay\b`, String.raw`\b(?:send|mail) (?:a |the |my )?check\b`, String.raw`\bcheques?\b`, String.raw`\bmoney\b`, String.raw`\bdinero\b`, String.raw`\bmonto\b`, String.raw`\bamount\b`, String.raw`\bcuenta\b`,
  ],
  insurance: [
    String.raw`\b(?:molina|ambetter|oscar|anthem|wellcare|caresource|tricare|bcbs|uhc|amerigroup|fidelis|healthfirst|metroplus|emblem|oxford|optum|medi ?cal|obamacare|chip|marketplace|tenncare|masshealth|soonercare|medigap|superior)\b`, String.raw`\b(?:trabajan|work) (?:con|with)\b`, String.raw`\b(?:in|out of|dentro de|fuera de) (?:the |la |mi |su |my |your )?(?:network|red)\b`, String.raw`\bdo (?:you|u) (?:guys )?take\b`, String.raw`\b(?:reciben|toman)\b`,
    String.raw`\bins\w*r\w*nc\w*`, String.raw`\binsur\w*`, String.raw`(?<!\b(?:es|sera|seria|estoy|estas|esta|estar|muy|no) )\bseguros?\b(?! social| que| de que)`, String.raw`\baseguradora\b`, String.raw`\baseguranza\b`, String.raw`\bcoverage\b`,
    String.raw`\bcobertura\b`, String.raw`\bcover\w*`, String.raw`\bcubr(?!ebocas)\w*`, String.raw`\bcubiert\w*`, String.raw`\bnetwork\b`, String.raw`\ben (?:la|su) red\b`,
    String.raw`\bde la red\b`, String.raw`\bmedicaid\b`, String.raw`\bmedicare\b`, String.raw`\baetna\b`, String.raw`\bcigna\b`, String.raw`\bblue (?:cross|shield)\b`,
    String.raw`\bkaiser\b`, String.raw`\bunited\b`, String.raw`\bhumana\b`, String.raw`\bdeductible\b`, String.raw`\bdeducible\b`, String.raw`\bclaims?\b`, String.raw`\breclam\w*`,
    String.raw`\b(?:pre ?)?authoriz\w*`, String.raw`\b(?:pre ?)?autoriz\w*`, String.raw`\bpre ?auth\b`, String.raw`\bprior auth\b`, String.raw`\breferral\b`, String.raw`\breferido\b`, String.raw`\bpolicy\b`, String.raw`\bpoliza\b`,
    String.raw`\bmember id\b`, String.raw`\bafiliad\w*`, String.raw`\bbenefits\b`, String.raw`\bbeneficios\b`, String.raw`\bcopa(?:y|go)\b`, String.raw`\bplan\b`,
    String.raw`\baccept\w*`, String.raw`\bacept\w*`, String.raw`\btake (?:my|medicaid|medicare)\b`,
  ],
  records: [
    String.raw`\bdocumentos? medicos?\b`, String.raw`\bmedical documents?\b`, String.raw`\bdocumentation\b`,
    String.raw`\bcertificate\b`, String.raw`\bcertificado\b`,
    String.raw`\binformacion medica\b`, String.raw`\b(?:medical|health) information\b`,
    String.raw`\barchivos?\b`, String.raw`\bpapeles\b`, String.raw`\bpapeleo\b`, String.raw`\bpaperwork\b`, String.raw`\bforms?\b`, String.raw`\bformularios?\b`, String.raw`\bcarta\b`, String.raw`\bdoctors note\b`, String.raw`\bnota (?:del|medica|de)\b`, String.raw`\bimprim\w*`, String.raw`\bprint\w*`, String.raw`\b(?:estudios|resultados|analisis|expediente|notas|examenes|radiografias) (?:anteriores|previos|pasados|viejos)\b`, String.raw`\b(?:old|previous|prior|past) (?:records|results|tests|labs|notes|imaging|scans|xrays)\b`,
    String.raw`\brec\w*ds?\b`, String.raw`\bexpediente\w*`, String.raw`\bhistorial\w*`, String.raw`\bhistoria clinica\b`, String.raw`\bregistros?\b`, String.raw`\bchart\b`,
    String.raw`\bimmuniz\w*`, String.raw`\b(?:vaccin\w*|shots?) (?:record|card|history|proof|certificate|form)s?\b`, String.raw`\b(?:registro|historial|comprobante|constancia|certificado|carnet|tarjeta) de (?:vacun|inmuniz)\w*`, String.raw`\bcartilla\b`, String.raw`\bfax\w*`, String.raw`\bcopy\b`,
    String.raw`\bcopia\b`, String.raw`\bsummary\b`, String.raw`\bresumen\b`, String.raw`\bnotes\b`, String.raw`\bnotas\b`, String.raw`\binforme\b`, String.raw`\brelease of information\b`,
    String.raw`\bentrega de informacion\b`, String.raw`\btransfer\w*`, String.raw`\btransferir\b`, String.raw`\bdownload\b`, String.raw`\bdescargar\b`, String.raw`\bproof\b`,
    String.raw`\bcomprobante\b`, String.raw`\bconstancia\b`, String.raw`\bletter\b`, String.raw`\bcd\b`, String.raw`\bdis[ck]o?\b`, String.raw`\bimages\b`, String.raw`\bimagen(?:es)?\b`, String.raw`\bprintout\b`,
    String.raw`\b(?:on|in) (?:a )?(?:cd|dvd|dis[ck]|usb|thumb drive|flash drive)\b`, String.raw`\ben (?:un )?(?:cd|dvd|disco|usb|memoria)\b`, String.raw`\bcopies\b`, String.raw`\bcopias\b`,
    String.raw`\bmedical history\b`, String.raw`\barchivo medico\b`, String.raw`\bmedical file\b`, String.raw`\bmy file\b`, String.raw`\boperative report\b`, String.raw`\bsend (?:my|a copy)\b`, String.raw`\bmand\w* (?:mi|una copia)\b`,
  ],
  person: [
    String.raw`\bmarc(?:ar|arme|enme|ame|en|ale)\b`, String.raw`\bme (?:pueden|puede|podrian|podria) (?:marcar|llamar|hablar|contactar)\b`, String.raw`\bme (?:pasa|pasan|comunica|comunican|transfiere|transfieren|conecta|conectan) con\b`,
    String.raw`\bllam(?:enme|eme|arme)\b`, String.raw`\bme (?:llamen|hablen|marquen)\b`, String.raw`\b(?:devolver|regresar|devuelvan|regresen) (?:la|mi) llamada\b`, String.raw`\bcall (?:me )?back\b`, String.raw`\bcomuni[cq]\w* con\b`,
    String.raw`\bperson\b`, String.raw`\bpersona\b`, String.raw`\bhuman\w*`, String.raw`\bagent\w*`, String.raw`\brepresentative\b`, String.raw`\brepresentante\b`, String.raw`\brep\b`,
    String.raw`\boperador\w*`, String.raw`\boperator\b`, String.raw`\bsomeone\b`, String.raw`\bsomebody\b`, String.raw`\banyone\b`, String.raw`\balguien\b`, String.raw`\blive\b`,
    String.raw`\brobot\b`, String.raw`\bbot\b`, String.raw`\bmaquina\b`, String.raw`\btransfer me\b`, String.raw`\btransfier\w*`, String.raw`\bcall me\b`, String.raw`\bme llame\b`,
    String.raw`\breception\b`, String.raw`\brecepcion\b`, String.raw`\bfront desk\b`, String.raw`\bstaff\b`, String.raw`\bpersonal\b`, String.raw`\bmanager\b`, String.raw`\bgerente\b`,
    String.raw`\bnurse\b`, String.raw`\benfermer\w*`, String.raw`\bcustomer service\b`, String.raw`\bservicio al cliente\b`, String.raw`\b(?:speak|talk|chat)\w* (?:to|with)\b`,
    String.raw`\bhablar con\b`, String.raw`\bchatear con\b`, String.raw`\bpa[sc]\w*me con\b`, String.raw`\bcomuniq\w* con\b`, String.raw`\bconnect me\b`, String.raw`\bput me through\b`,
  ],
  /** Why the patient cannot keep a visit (an obstacle): with a visit named, a reschedule or a cancellation. */
  obstacle: [
    String.raw`\bno me cuadra\b`,
    String.raw`\bme toca trabajar\b`, String.raw`\btengo que trabajar\b`, String.raw`\bhave to work\b`, String.raw`\bno me (?:queda|sirve|funciona|conviene|acomoda)\b`, String.raw`\bchoca con\b`, String.raw`\bnot going to work\b`, String.raw`\bisnt going to work\b`,
    String.raw`\bno (?:voy a poder|puedo|podre|alcanzo|llego|me da tiempo|tengo quien|tengo como|tengo raite|tengo ride|tengo transporte)\b`, String.raw`\bse me (?:complica|hace dificil|cruzo|junto|atraviesa|descompuso)\b`,
    String.raw`\b(?:surgio|salio|me salio|se presento) (?:algo|un|una)\b`, String.raw`\b(?:voy a estar|estare|estoy) (?:fuera|de viaje|trabajando)\b`, String.raw`\bfuera de la ciudad\b`, String.raw`\bse (?:me )?descompuso\b`,
    String.raw`\b(?:something|anything) came up\b`, String.raw`\bcant (?:make|do|come|go)\b`, String.raw`\bwont be able\b`, String.raw`\bout of town\b`, String.raw`\bfell through\b`, String.raw`\bconflict\w*`, String.raw`\bdoesnt work\b`,
    String.raw`\bno longer works\b`, String.raw`\b(?:car|ride) (?:broke|wont|isnt)\b`, String.raw`\b(?:have|got|called) (?:to|into) work\b`, String.raw`\bim working\b`, String.raw`\bme llamaron del trabajo\b`,
  ],
  /** Another day or time asked for: "hay otro", "la otra semana", "any other day", "instead". */
  alternative: [
    String.raw`\bwhat else\b`, String.raw`\bque mas (?:tienen|hay)\b`,
    String.raw`\b(?:hay|tienen|tendran|tiene|habra|dan|den|deme|denme) (?:algun |alguna )?otr[oa]s?\b`, String.raw`\balgo (?:antes|despues|mas)\b`, String.raw`\b(?:something|anything) (?:sooner|earlier|before|later)\b`, String.raw`\bla siguiente\b`, String.raw`\bno hay algo\b`,
    String.raw`\bhay otr[ao]s?\b`, String.raw`\botr[ao] (?:dia|fecha|hora|horario|semana|vez|espacio)\b`, String.raw`\bla otra semana\b`, String.raw`\bsemana que (?:entra|viene)\b`, String.raw`\bcuando (?:regrese|vuelva|regresemos)\b`,
    String.raw`\ben (?:vez|lugar) de\b`, String.raw`\bmejor (?:el|la|en|a las)\b`, String.raw`\bany other\b`, String.raw`\banother (?:day|time|date|slot)\b`, String.raw`\binstead\b`, String.raw`\bwhat about\b`, String.raw`\bcuando mas\b`,
    String.raw`\bmas (?:temprano|tarde)\b`, String.raw`\b(?:earlier|later)\b`,
  ],
  /** Coming to the clinic (go, come in, bring the child): with nothing else asked, usually a visit to book. */
  go: [
    String.raw`\b(?:la|lo|los|las|te|le) (?:llevo|traigo|llevamos|traemos)\b`, String.raw`\bcuando (?:la |lo |los |las )?(?:llevo|traigo|paso|voy|vengo)\b`,
    String.raw`\b(?:ir|pasar|venir|llegar|traer(?:lo|la|los|las)?|llevar(?:lo|la|los|las)?|darme una vuelta|caerles)\b`, String.raw`\b(?:come|coming) (?:in|by|over)\b`, String.raw`\b(?:stop|drop|swing|pop) (?:by|in)\b`, String.raw`\bbring (?:him|her|them|my \w+) in\b`,
  ],
  /** A polite or indirect ask ("habrá chance", "se puede", "is there any way"). */
  ask: [
    String.raw`\b(?:habra|hay|habria|habrá) (?:chance|forma|manera|modo|posibilidad|oportunidad)\b`, String.raw`\bse (?:puede|podra|podria)\b`, String.raw`\bchance\b`, String.raw`\bany (?:chance|way)\b`, String.raw`\bis (?:there|it) (?:any way|possible)\b`, String.raw`\bpossible\b`, String.raw`\bposible\b`,
  ],
  /** Paying without insurance: a price question, not an insurance one. */
  selfpay: [
    String.raw`\bsin (?:seguro|aseguranza|aseguradora)\b`, String.raw`\bno tengo (?:seguro|aseguranza)\b`, String.raw`\bwithout (?:insurance|coverage)\b`, String.raw`\buninsured\b`, String.raw`\bdont have (?:insurance|coverage)\b`, String.raw`\bno insurance\b`,
  ],
  /** Sending something to another doctor or clinic: records, even when results are named. */
  send_to: [
    String.raw`\b(?:mand|envi|pas|fax|transfer|forward|send)\w* (?:\w+ ){0,4}(?:a|al|a la|to) (?:mi |my |the |el |la |otr[oa] |another |a )?(?:nuev[oa] |new |other )?(?:doctor|doctora|dr|especialista|specialist|clinica|clinic|hospital|cirujano|surgeon|dentista|dentist|pcp|provider|medic[oa]|\w+log[oa]|\w+ologist|\w+ista)\b`,
    String.raw`\b(?:el|la|mi) (?:nuevo|nueva) (?:doctor|doctora|medico|medica|especialista|clinica)\b`, String.raw`\bmy new (?:doctor|provider|clinic|specialist|pcp)\b`, String.raw`\b(?:especialista|specialist) (?:me )?(?:pidio|pide|wants|asked|needs)\b`,
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
    String.raw`\bpresencial\b`, String.raw`\bin person\b`, String.raw`\b(?:come|go) with me\b`, String.raw`\bacompa\w*`, String.raw`\bropa\b`, String.raw`\bwear\b`,
    String.raw`\b(?:perros?|mascotas?|animales?) de servicio\b`, String.raw`\bservice (?:dogs?|animals?)\b`, String.raw`\bpets?\b`, String.raw`\bhorarios? de (?:atencion|visitas?|la|el)\b`,
    String.raw`\bseguro social\b`, String.raw`\bsocial security\b`, String.raw`\bhiring\b`, String.raw`\bjobs?\b`, String.raw`\bcontrat\w*`, String.raw`\b(?:empleo|vacantes?|careers?)\b`, String.raw`\b(?:tengo que|debo|hay que|need to|should i) (?:llevar|traer|bring)\b`, String.raw`\bsin papeles\b`, String.raw`\bundocumented\b`, String.raw`\b(?:atienden|ven|aceptan) a (?:personas|gente|ninos|adultos)\b`, String.raw`\bdo you (?:see|treat|take) (?:kids|children|adults|people|patients)\b`,
    String.raw`\bestacion\w*`, String.raw`\bwalk ?ins?\b`, String.raw`\bayun\w*`, String.raw`\bfast(?:ing)? (?:before|for)\b`, String.raw`\bwhat (?:should|do) i (?:bring|wear)\b`, String.raw`\bque (?:tengo que|debo|hay que) (?:llevar|traer|hacer antes)\b`, String.raw`\bdocumentos\b`, String.raw`\bsin receta\b`, String.raw`\bover the counter\b`, String.raw`\botc\b`, String.raw`\bmensajes?\b`, String.raw`\btext messages\b`, String.raw`\b(?:espanol|ingles|english|spanish)\b`, String.raw`\binterpret\w*`, String.raw`\b(?:can i|puedo|se puede) (?:bring|llevar|traer)\b`, String.raw`\bperfil\b`, String.raw`\bprofile\b`,
    String.raw`\baddress\b`, String.raw`\bdireccion\b`, String.raw`\bemail\b`, String.raw`\bcorreo\b`, String.raw`\bpassword\b`, String.raw`\bcontrasena\b`,
    String.raw`\busername\b`, String.raw`\busuario\b`, String.raw`\bpark\w*`, String.raw`\bestacionamiento\b`, String.raw`\bdirections\b`, String.raw`\bcomo llego\b`,
    String.raw`\bhours\b`, String.raw`\bhorario de (?:atencion|visitas?)\b`, String.raw`\bopen\b`, String.raw`\babre\w*`, String.raw`\bclose\b`, String.raw`\bcierra\w*`,
    String.raw`\bwifi\b`, String.raw`\bentrance\b`, String.raw`\bentrada\b`, String.raw`\bwhere is\b`, String.raw`\bdonde (?:esta|queda)\b`, String.raw`\bfloor\b`,
    String.raw`\bpiso\b`, String.raw`\bportal\b`, String.raw`\bphone number\b`, String.raw`\bnumero de telefono\b`, String.raw`\bcafeteria\b`, String.raw`\bvisit(?:ing|or)\b`,
    String.raw`\bvisitas?\b`, String.raw`\bholiday\b`, String.raw`\bsign up\b`, String.raw`\bregistrarme\b`, String.raw`\bme registro\b`, String.raw`\bthanksgiving\b`, String.raw`\baccion de gracias\b`, String.raw`\bferiado\b`, String.raw`\bbus\b`, String.raw`\bautobus\b`, String.raw`\bcompliment\b`, String.raw`\bfeedback\b`,
    String.raw`\bcomplaint\b`, String.raw`\bqueja\b`, String.raw`\bcomentario\b`, String.raw`\bnormal\b`, String.raw`\bside effects?\b`, String.raw`\befectos? secundarios?\b`,
    String.raw`\bcan i take\b`, String.raw`\bpuedo tomar\b`, String.raw`\bshould i\b`, String.raw`\b(?:me )?debo preocupar\b`, String.raw`\bworr(?:y|ied)\b`, String.raw`\bwithout an? (?:appointment|appt)\b`, String.raw`\bsin cita\b`,
    String.raw`\bwalk in\b`, String.raw`\bon site\b`, String.raw`\ben el edificio\b`, String.raw`\bsell\b`, String.raw`\bvenden\b`, String.raw`\bfax\b`,
    // Account and contact settings: "change my preferred language" is not a rescheduling.
    String.raw`\blanguage\b`, String.raw`\bidioma\b`, String.raw`\bpreferen\w*`, String.raw`\bnotification\w*`, String.raw`\bnotificacion\w*`,
    String.raw`\bcontact (?:info|information|details|preference)\w*`, String.raw`\bdatos de contacto\b`, String.raw`\blast name\b`, String.raw`\bapellido\b`,
    // Praise and complaints about people are feedback, not a request for them.
    String.raw`\bcompliment\w*`, String.raw`\bfelicit\w*`, String.raw`\bpraise\b`, String.raw`\belogi\w*`, String.raw`\bshout ?out\b`, String.raw`\bwho (?:helped|took care of|saw|treated) me\b`, String.raw`\bque me (?:atendio|ayudo|trato)\b`,
    String.raw`\bwonderful\b`, String.raw`\bexcellent\b`, String.raw`\bamazing\b`, String.raw`\bexcelente\b`, String.raw`\bmaravillos[oa]\b`, String.raw`\brude\b`, String.raw`\bgroser[oa]\b`,
    // What the organisation offers (services), not a booking.
    String.raw`\bdo you (?:offer|provide|give|sell|do|carry)\b`, String.raw`\bofrec\w*`, String.raw`\bbrind\w*`, String.raw`\bhacen (?:pruebas|examenes|vacunas)\b`,
  ],
  /** Someone refusing to pay or cover: with an insurer named, a claim question rather than a bill. */
  refused: [
    String.raw`\bdeni\w*`, String.raw`\brechaz\w*`, String.raw`\bneg(?:o|aron|ado|ada)\b`, String.raw`\b(?:won|wont|didnt|did not|doesnt|refus\w*|declin\w*) (?:to )?(?:pay|cover)\b`,
    String.raw`\bno (?:quiere|quiso|quieren|quisieron|va a|van a|me quiere|me quiso) (?:pagar|cubrir)\b`,
  ],
  /** A clinical question (doses, side effects, what is normal): never answered; goes to a person as `other`. */
  clinical: [
    String.raw`\bpara que sirve\b`, String.raw`\bwhat is \w+ for\b`,
    String.raw`\bwhat (?:happens|should i do|do i do) if\b`, String.raw`\bque (?:pasa|hago|debo hacer) si\b`, String.raw`\bmiss(?:ed)? (?:a |my |one |two )?(?:dose|pill|shot)\w*`,
    String.raw`\bforg(?:o|e)t (?:to take|a dose|my (?:pill|dose))\w*`, String.raw`\bse me olvid\w*`, String.raw`\bolvide (?:tomar|la|mi)\b`, String.raw`\bdouble (?:up|dose)\b`,
    String.raw`\bis (?:it|this|that) (?:ok|okay|safe|normal|bad|dangerous)\b`, String.raw`\bes (?:normal|seguro|peligroso|malo)\b`, String.raw`\bnormal\b`,
    String.raw`\bcan i (?:take|drink|eat|mix|exercise|stop|skip|crush|split|cut)\b`, String.raw`\bpuedo (?:tomar|beber|comer|mezclar|hacer ejercicio|dejar|partir)\b`, String.raw`\bshould i\b`,
    String.raw`\b(?:debo|tengo que) (?:tomar|dejar|seguir)\b`, String.raw`\bside effects?\b`, String.raw`\befectos?(?: secundarios?)?\b`, String.raw`\bbetween doses\b`, String.raw`\bcada cuant[oa]s? horas\b`,
    String.raw`\bwith (?:food|alcohol|milk|coffee)\b`, String.raw`\bcon (?:comida|alcohol|leche|cafe)\b`, String.raw`\binteract\w*`, String.raw`\binteracci\w*`, String.raw`\btogether\b`, String.raw`\bjuntos?\b`,
  ],
  /** Vaccines named: a shot to book, a record to send, or a question: the rest of the message decides. */
  vaccine: [String.raw`\bvaccin\w*`, String.raw`\bvacun\w*`, String.raw`\bshots?\b`, String.raw`\bimmuniz\w*`, String.raw`\binmuniz\w*`, String.raw`\bbooster\b`, String.raw`\brefuerzo\b`],
  /** A question about the assistant itself ("are you a robot?") is not a request for a person. */
  about_assistant: [
    String.raw`\bare (?:you|u) (?:a |an )?(?:real |actual )?(?:robot|bot|human|person|machine|computer|ai|chatbot|program|real|alive)\b`,
    String.raw`\bis (?:this|that) (?:a |an )?(?:robot|bot|machine|computer|ai|chatbot|recording|automated)\b`, String.raw`\bwho (?:am i|are you)\b`, String.raw`\bam i (?:talking|speaking|chatting|texting) (?:to|with) (?:a |an )?(?:robot|bot|machine|computer|ai|program|human|person)\b`, String.raw`\bwhat are you\b`,
    String.raw`\beres (?:un |una )?(?:robot|bot|humano|humana|persona|maquina|computadora|programa|real|inteligencia artificial)\b`,
    String.raw`\bes (?:un |una )?(?:robot|bot|maquina|computadora|grabacion|contestadora)\b`, String.raw`\bquien eres\b`, String.raw`\bestoy (?:hablando|chateando|escribiendo) con (?:un |una )?(?:robot|bot|maquina|computadora|programa|humano|persona)\b`, String.raw`\bque eres\b`,
  ],
  greeting: [
    String.raw`\bh+i+\b`, String.raw`\bhel+o+\b`, String.raw`\bhey\b`, String.raw`\bh?ola+\b`, String.raw`\bholi\b`, String.raw`\bbuen[oa]s?\b`, String.raw`\bgood (?:morning|afternoon|evening|day)\b`,
    String.raw`\bmorning\b`, String.raw`\bhowdy\b`, String.raw`\bhiya\b`, String.raw`\bsaludos\b`, String.raw`\bgreetings\b`, String.raw`\bque (?:tal|onda)\b`,
  ],
  thanks: [
    String.raw`\bthank\w*`, String.raw`\bthx\b`, String.raw`\bty\b`, String.raw`(?<!accion de )\bgra[cs]i\w*`, String.raw`\bgrax\b`, String.raw`\bagradec\w*`, String.raw`\bagradezco\b`,
    String.raw`\bappreciat\w*`, String.raw`\bcheers\b`, String.raw`\bamable\b`,
  ],
};

const COMPILED: Array<[string, RegExp]> = Object.entries(CUES).map(([name, patterns]) => [name, new RegExp(patterns.join('|'))]);

/** Names of the cue groups present in a message ("cancel", "appointment", …). */
export function cueGroups(text: string): string[] {
  const folded = ` ${fold(text.length > 1000 ? text.slice(0, 1000) : text).replace(/'/g, '').replace(/[^\p{L}\p{N}:]+/gu, ' ')} `;
  const out: string[] = [];
  for (const [name, re] of COMPILED) if (re.test(folded)) out.push(name);
  // A medicine by name ("more of my insulin", "Lipitor"), from core's medication list.
  if (folded.split(' ').some((w) => w.length > 2 && MEDICATION_TERMS.has(w))) out.push('medication');
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
    if (!has(verb)) continue;
    out.push(`${verb}&${object ? 'object' : 'alone'}`);
    // "change my address / preferred language": the verb acts on a setting, not a visit.
    if (!object && has('admin')) out.push(`${verb}&admin`);
  }
  if (has('person')) out.push(`person&${has('contact') ? 'contact' : 'alone'}`);
  if (has('person') && has('about_assistant')) out.push('person&about');
  if (has('person') && has('admin')) out.push('person&admin');
  if (has('vaccine')) {
    const with_ = has('records') ? 'records' : has('schedule') || has('appointment') ? 'visit' : has('insurance') ? 'insurance' : has('clinical') || has('admin') ? 'question' : 'alone';
    out.push(`vaccine&${with_}`);
  }
  if (has('clinical') && (has('refill') || has('medication'))) out.push('clinical&medicine');
  if (has('refused')) out.push(`refused&${has('insurance') ? 'insurance' : 'alone'}`);
  const request = ['cancel', 'reschedule', 'confirm', 'schedule', 'refill', 'results', 'billing', 'insurance', 'records', 'person'];
  const asks = request.some(has);
  // Coming in, or a polite ask, with nothing else asked: usually a visit to book; with an
  // obstacle and a visit named, a change or a cancellation (the model weighs which).
  if (has('go')) out.push(`go&${asks ? 'request' : 'bare'}`);
  if (has('ask') && !asks) out.push('ask&bare');
  if (has('obstacle')) out.push(`obstacle&${object ? 'object' : 'alone'}`, ...(has('alternative') ? ['obstacle&alternative'] : []));
  if (has('alternative') && object) out.push('alternative&object');
  // A request topic next to an admin cue ("pay for parking", "accept service dogs") is often a question about the place.
  for (const g of ['billing', 'insurance', 'refill', 'results', 'records', 'schedule', 'appointment']) if (has(g) && has('admin')) out.push(`${g}&admin`);
  if (has('selfpay')) out.push(`selfpay&${has('billing') ? 'billing' : 'alone'}`);
  if (has('send_to')) out.push(`send_to&${has('results') || has('records') ? 'documents' : 'alone'}`);
  const neutral = new Set(['when', 'contact', 'admin', 'clinical', 'vaccine', 'about_assistant', 'refused', 'obstacle', 'alternative', 'go', 'ask', 'selfpay', 'send_to']);
  if (!groups.some((g) => !neutral.has(g))) out.push('no-request-cue');
  return out;
}
