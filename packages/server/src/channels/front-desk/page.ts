import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '@carethread/core';
import { escapeHtml as e, queryParam, sendHtml } from '../portal/http.ts';
import { CHANNEL_LABELS, REQUEST_TYPE_LABELS, pickLanguage } from '../portal/i18n.ts';

const TEXT = {
  en: {
    title: 'Front desk check-in',
    skip: 'Skip to main content',
    language: 'Language',
    tokenTitle: 'Signing in',
    tokenHint: 'Sign in to the staff workspace (/app/) and this screen uses that session. Otherwise paste an API access token once: it stays only in this browser tab and is forgotten when the tab closes.',
    tokenLabel: 'API token',
    saveToken: 'Save token',
    forgetToken: 'Forget token',
    tokenSaved: 'Token saved for this tab.',
    tokenMissing: 'Not signed in: sign in to the staff workspace, or paste a token, to search.',
    tokenRejected: 'The token was not accepted. Paste a valid staff token.',
    sessionActive: 'Signed in to the workspace as {name}: this screen uses that session.',
    sessionEnded: 'Your workspace session has ended. Sign in again in the workspace, or paste a token.',
    searchTitle: 'Find the patient',
    qLabel: 'Name, phone number, email or MRN',
    qHint: 'For example “maria lopez”, “+1 212 555 0142” or “MRN1234567”.',
    dobLabel: 'Date of birth (optional)',
    dobHint: 'Year-month-day, for example 1961-03-14.',
    search: 'Search',
    searching: 'Searching…',
    results: (n: number) => (n === 1 ? '1 patient found.' : `${n} patients found.`),
    noResults: 'No patient found. Check the spelling, or search by phone number or MRN.',
    born: 'born',
    openRequests: (n: number) => (n === 1 ? '1 open request' : `${n} open requests`),
    select: 'Select',
    patientTitle: 'Patient',
    birthDate: 'Date of birth',
    identifiers: 'Identifiers',
    knownTitle: 'What we already know',
    knownCaption: 'Facts on record and from earlier contacts: no need to ask again.',
    fact: 'Fact',
    value: 'Value',
    source: 'Source',
    verified: 'verified',
    record: 'patient record',
    noFacts: 'Nothing recorded yet.',
    visitLegend: 'Which request is this visit about?',
    noneOfThese: 'None of these, or not sure (carethread links it for you)',
    opened: 'opened',
    channelsLabel: 'channels',
    newType: 'Type of request (optional)',
    anyType: 'Not specified',
    note: 'Note (optional)',
    noteHint: 'Visible to the care team on the request. Leave empty to log “Checked in at the front desk”.',
    checkIn: 'Check in',
    checkedIn: (type: string) => `Checked in. The visit is recorded on the request “${type}”.`,
    switched: (from: string) => `The request moved to the front desk from: ${from}.`,
    newCase: 'A new request was opened for this visit.',
    failed: 'Something went wrong; nothing was recorded. Try again.',
    invalid: 'Check the search: ',
  },
  es: {
    title: 'Registro en recepción',
    skip: 'Ir al contenido principal',
    language: 'Idioma',
    tokenTitle: 'Acceso',
    tokenHint: 'Inicie sesión en el espacio de trabajo del personal (/app/) y esta pantalla usará esa sesión. Si no, pegue una vez un token de acceso a la API: solo se guarda en esta pestaña del navegador y se olvida al cerrarla.',
    tokenLabel: 'Token de API',
    saveToken: 'Guardar token',
    forgetToken: 'Olvidar token',
    tokenSaved: 'Token guardado para esta pestaña.',
    tokenMissing: 'No ha iniciado sesión: entre en el espacio de trabajo del personal, o pegue un token, para buscar.',
    tokenRejected: 'El token no fue aceptado. Pegue un token válido del personal.',
    sessionActive: 'Sesión iniciada en el espacio de trabajo como {name}: esta pantalla usa esa sesión.',
    sessionEnded: 'Su sesión del espacio de trabajo terminó. Vuelva a entrar en el espacio de trabajo, o pegue un token.',
    searchTitle: 'Buscar al paciente',
    qLabel: 'Nombre, teléfono, correo electrónico o número de historia (MRN)',
    qHint: 'Por ejemplo «maria lopez», «+1 212 555 0142» o «MRN1234567».',
    dobLabel: 'Fecha de nacimiento (opcional)',
    dobHint: 'Año-mes-día, por ejemplo 1961-03-14.',
    search: 'Buscar',
    searching: 'Buscando…',
    results: (n: number) => (n === 1 ? 'Se encontró 1 paciente.' : `Se encontraron ${n} pacientes.`),
    noResults: 'No se encontró ningún paciente. Revise la ortografía o busque por teléfono o MRN.',
    born: 'nacido/a el',
    openRequests: (n: number) => (n === 1 ? '1 solicitud abierta' : `${n} solicitudes abiertas`),
    select: 'Seleccionar',
    patientTitle: 'Paciente',
    birthDate: 'Fecha de nacimiento',
    identifiers: 'Identificadores',
    knownTitle: 'Lo que ya sabemos',
    knownCaption: 'Datos del registro y de contactos anteriores: no hace falta volver a preguntarlos.',
    fact: 'Dato',
    value: 'Valor',
    source: 'Origen',
    verified: 'verificado',
    record: 'registro del paciente',
    noFacts: 'Todavía no hay nada registrado.',
    visitLegend: '¿Sobre qué solicitud es esta visita?',
    noneOfThese: 'Ninguna de estas, o no está claro (carethread la vincula)',
    opened: 'abierta el',
    channelsLabel: 'canales',
    newType: 'Tipo de solicitud (opcional)',
    anyType: 'Sin especificar',
    note: 'Nota (opcional)',
    noteHint: 'El equipo de atención la verá en la solicitud. Déjela vacía para registrar «Checked in at the front desk».',
    checkIn: 'Registrar llegada',
    checkedIn: (type: string) => `Llegada registrada. La visita consta en la solicitud «${type}».`,
    switched: (from: string) => `La solicitud pasó a recepción desde: ${from}.`,
    newCase: 'Se abrió una solicitud nueva para esta visita.',
    failed: 'Algo salió mal; no se registró nada. Inténtelo de nuevo.',
    invalid: 'Revise la búsqueda: ',
  },
};

const FACT_LABELS: Record<Language, Record<string, string>> = {
  en: {
    givenName: 'Given name', familyName: 'Family name', birthDate: 'Date of birth', phone: 'Phone', email: 'Email', reason: 'Reason',
    preferredTime: 'Preferred time', medication: 'Medication', pharmacy: 'Pharmacy', memberId: 'Member id', callbackNumber: 'Callback number', mrn: 'MRN',
  },
  es: {
    givenName: 'Nombre', familyName: 'Apellidos', birthDate: 'Fecha de nacimiento', phone: 'Teléfono', email: 'Correo', reason: 'Motivo',
    preferredTime: 'Horario preferido', medication: 'Medicamento', pharmacy: 'Farmacia', memberId: 'Número de afiliado', callbackNumber: 'Número para devolver la llamada', mrn: 'MRN',
  },
};

const CSS = `
*{box-sizing:border-box}
body{font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#fff;margin:0}
.skip{position:absolute;left:-999px;top:0;background:#0b5cad;color:#fff;padding:.5rem 1rem}
.skip:focus{left:0}
header{border-bottom:1px solid #d0d7de;background:#f6f8fa}
.bar{max-width:64rem;margin:0 auto;padding:.6rem 1rem;display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap}
.bar p{margin:0;font-weight:700}
nav ul{list-style:none;margin:0;padding:0;display:flex;gap:.75rem}
a{color:#0b5cad}
a[aria-current]{font-weight:700;color:#1b1f24;text-decoration:none}
main{max-width:64rem;margin:0 auto;padding:0 1rem 3rem}
h1{font-size:1.6rem;margin:1rem 0}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
section{border:1px solid #d0d7de;border-radius:6px;padding:0 1rem 1rem;margin:1rem 0}
label,legend{display:block;font-weight:600;margin:.75rem 0 .2rem}
.hint{color:#4b5563;margin:0 0 .3rem;font-size:.92rem}
input,select,textarea{font:inherit;color:#1b1f24;background:#fff;border:2px solid #4b5563;border-radius:4px;padding:.4rem .5rem;width:100%;max-width:28rem}
textarea{max-width:40rem;min-height:4rem}
fieldset{border:0;padding:0;margin:1.25rem 0 0}
.radio{display:flex;gap:.5rem;align-items:flex-start;margin:.35rem 0}
.radio input{width:auto;margin-top:.3rem}
.radio label{font-weight:400;margin:0}
button{font:inherit;font-weight:600;cursor:pointer;border-radius:4px;padding:.45rem 1rem;margin-top:.75rem;border:2px solid #0b5cad;background:#0b5cad;color:#fff}
button.secondary{background:#fff;color:#0b5cad}
:focus-visible{outline:3px solid #c2410c;outline-offset:2px}
.row{display:flex;gap:1.5rem;flex-wrap:wrap;align-items:flex-end}
#results{list-style:none;padding:0;margin:.5rem 0}
#results li{margin:.25rem 0}
#results button{margin:0;background:#fff;color:#1b1f24;border:2px solid #8c959f;text-align:left;width:100%;max-width:40rem;font-weight:400}
#results button[aria-pressed=true]{border-color:#0b5cad;background:#e8f0fe}
#results strong{font-weight:700}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dt{font-weight:600}
dd{margin:0}
table{border-collapse:collapse;width:100%;max-width:48rem}
caption{text-align:left;color:#4b5563;padding:.25rem 0}
th,td{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
.status{min-height:1.5rem;margin:.5rem 0}
.ok{border-left:6px solid #146c43;background:#eef8f1;padding:.5rem 1rem}
.err{border-left:6px solid #b42318;background:#fdf0ef;color:#8a1c12;padding:.5rem 1rem}
.err:empty,.ok:empty{display:none}
`;

// The screen talks to the API with the staff session cookie (when the page was served to a
// signed-in browser) or a pasted bearer token, which wins when both exist. All data is inserted
// with textContent, never as HTML.
const SCRIPT = `
(function(){
  var T=JSON.parse(document.getElementById('i18n').textContent);
  var KEY='carethread.staffToken';
  var $=function(id){return document.getElementById(id);};
  var current=null;
  var session=T.session||null;
  function token(){try{return sessionStorage.getItem(KEY)||'';}catch(e){return '';}}
  function showToken(){
    var has=!!token();
    $('token-state').textContent=has?T.tokenSaved:session?T.sessionActive.replace('{name}',session):T.tokenMissing;
    $('forget-token').hidden=!has;
  }
  function el(tag,attrs,text){var n=document.createElement(tag);if(attrs){for(var k in attrs){n.setAttribute(k,attrs[k]);}}if(text!=null){n.textContent=text;}return n;}
  function error(msg,focusId){var b=$('error');b.textContent=msg;if(focusId){$(focusId).focus();}}
  function api(method,path,body){
    var t=token();
    if(!t&&!session){error(T.tokenMissing,'token');return Promise.reject(new Error('no token'));}
    // With the cookie, every call carries the header the server requires of cookie-signed changes.
    var auth=t?{authorization:'Bearer '+t}:{'x-carethread-csrf':'1'};
    return fetch(path,{method:method,credentials:'same-origin',headers:Object.assign(auth,body?{'content-type':'application/json'}:{}),body:body?JSON.stringify(body):undefined})
      .then(function(r){return r.json().catch(function(){return {};}).then(function(data){
        if(r.status===401){if(t){error(T.tokenRejected,'token');}else{session=null;showToken();error(T.sessionEnded,'token');}throw new Error('unauthorized');}
        if(!r.ok){var e=new Error(data.message||T.failed);e.status=r.status;throw e;}
        return data;});});
  }
  function typeLabel(t){return T.types[t]||t;}
  function channelLabel(c){return T.channels[c]||c;}
  function name(p){return [p.givenName,p.familyName].filter(Boolean).join(' ')||'—';}
  $('token-form').addEventListener('submit',function(ev){
    ev.preventDefault();var v=$('token').value.trim();
    try{if(v){sessionStorage.setItem(KEY,v);}}catch(e){}
    $('token').value='';error('');showToken();$('q').focus();
  });
  $('forget-token').addEventListener('click',function(){try{sessionStorage.removeItem(KEY);}catch(e){}showToken();$('token').focus();});
  $('search-form').addEventListener('submit',function(ev){
    ev.preventDefault();error('');
    var q=$('q').value.trim(),dob=$('dob').value.trim();
    var params=new URLSearchParams({q:q});if(dob){params.set('birthDate',dob);}
    $('search-status').textContent=T.searching;
    api('GET','/api/v1/front-desk/patients?'+params.toString()).then(function(data){
      var list=$('results');list.textContent='';
      data.patients.forEach(function(p){
        var li=el('li');var b=el('button',{type:'button','aria-pressed':'false','data-id':p.id});
        b.appendChild(el('strong',null,name(p)));
        var bits=[];if(p.birthDate){bits.push(T.born+' '+p.birthDate);}if(p.mrn){bits.push(p.mrn);}bits.push(T.openRequests(p.openCases));
        b.appendChild(document.createTextNode(' · '+bits.join(' · ')));
        b.addEventListener('click',function(){select(p.id,b);});
        li.appendChild(b);list.appendChild(li);
      });
      $('search-status').textContent=data.patients.length?T.results(data.patients.length):T.noResults;
      var first=list.querySelector('button');if(first){first.focus();}
    }).catch(function(e){$('search-status').textContent='';if(e.status===400){error(T.invalid+e.message,'q');}else if(e.message!=='unauthorized'&&e.message!=='no token'){error(e.message);}});
  });
  function select(id,button){
    error('');
    document.querySelectorAll('#results button').forEach(function(x){x.setAttribute('aria-pressed',x===button?'true':'false');});
    api('GET','/api/v1/front-desk/patients/'+encodeURIComponent(id)).then(function(d){current=d;render(d);}).catch(function(e){if(e.message!=='unauthorized'){error(e.message);}});
  }
  function render(d){
    var p=d.patient;$('patient').hidden=false;
    var h=$('patient-title');h.textContent=name(p);
    var dl=$('summary');dl.textContent='';
    function row(k,v){dl.appendChild(el('dt',null,k));dl.appendChild(el('dd',null,v));}
    row(T.birthDate,p.birthDate||'—');
    p.identifiers.forEach(function(i){row(T.idKinds[i.kind]||i.kind,i.value+(i.verified?' ('+T.verified+')':''));});
    var body=$('facts-body');body.textContent='';
    d.facts.concat([].concat.apply([],d.openCases.map(function(c){return c.facts.map(function(f){return Object.assign({},f,{caseType:c.requestType});});}))).forEach(function(f){
      var tr=el('tr');tr.appendChild(el('th',{scope:'row'},(T.facts[f.name]||f.name)+(f.caseType?' ('+typeLabel(f.caseType)+')':'')));
      tr.appendChild(el('td',null,f.value));
      tr.appendChild(el('td',null,(f.source==='record'?T.record:channelLabel(f.sourceChannel||f.source))+(f.verified?' · '+T.verified:'')));
      body.appendChild(tr);
    });
    $('no-facts').hidden=body.children.length>0;$('facts').hidden=body.children.length===0;
    var box=$('cases');box.textContent='';
    d.openCases.forEach(function(c,i){
      var wrap=el('div',{'class':'radio'});var r=el('input',{type:'radio',name:'caseId',id:'case-'+i,value:c.id});
      if(i===0){r.checked=true;}
      var label=el('label',{'for':'case-'+i},typeLabel(c.requestType)+' · '+T.opened+' '+c.openedAt.slice(0,10)+' · '+T.channelsLabel+': '+c.channels.map(channelLabel).join(', '));
      wrap.appendChild(r);wrap.appendChild(label);box.appendChild(wrap);
    });
    var none=el('div',{'class':'radio'});var rn=el('input',{type:'radio',name:'caseId',id:'case-none',value:''});if(!d.openCases.length){rn.checked=true;}
    none.appendChild(rn);none.appendChild(el('label',{'for':'case-none'},T.noneOfThese));box.appendChild(none);
    updateType();
    $('note').value='';$('checkin-result').textContent='';
    $('clientId').value=(window.crypto&&crypto.randomUUID)?crypto.randomUUID():'';
    h.focus();
  }
  function chosenCase(){var r=document.querySelector('input[name=caseId]:checked');return r?r.value:'';}
  function updateType(){$('type-field').hidden=!!chosenCase();}
  $('cases').addEventListener('change',updateType);
  $('checkin-form').addEventListener('submit',function(ev){
    ev.preventDefault();if(!current){return;}error('');
    var body={patientId:current.patient.id};var c=chosenCase();if(c){body.caseId=c;}
    var note=$('note').value.trim();if(note){body.note=note;}
    var t=$('requestType').value;if(!c&&t){body.requestType=t;}
    if($('clientId').value){body.clientId=$('clientId').value;}
    var btn=$('checkin-button');btn.disabled=true;
    api('POST','/api/v1/front-desk/check-ins',body).then(function(r){
      var out=$('checkin-result');out.textContent='';
      out.appendChild(el('p',null,T.checkedIn(typeLabel(r.requestType||'other'))));
      if(r.newCase){out.appendChild(el('p',null,T.newCase));}
      if(r.channelSwitch){out.appendChild(el('p',null,T.switched(channelLabel(r.channelSwitch.from))));}
      out.focus();
    }).catch(function(e){if(e.message!=='unauthorized'){error(e.message||T.failed);}}).then(function(){btn.disabled=false;});
  });
  showToken();
  (token()||session?$('q'):$('token')).focus();
})();
`;

/** `signedIn`: the staff member whose session cookie came with the page request, if any. */
export function frontDeskPage(request: FastifyRequest, reply: FastifyReply, signedIn: { name: string } | null = null): FastifyReply {
  const lang: Language = pickLanguage(queryParam(request, 'lang', 5), request.headers['accept-language']);
  const t = TEXT[lang];
  const nonce = request.cspNonce;
  const types = REQUEST_TYPE_LABELS[lang];
  const dictionary = {
    ...Object.fromEntries(Object.entries(t).filter(([, v]) => typeof v === 'string')),
    types,
    channels: CHANNEL_LABELS[lang],
    facts: FACT_LABELS[lang],
    idKinds: { phone: FACT_LABELS[lang].phone, email: FACT_LABELS[lang].email, mrn: 'MRN', member_id: FACT_LABELS[lang].memberId, portal: 'Portal', chat_visitor: 'Chat' },
    session: signedIn?.name ?? null,
  };
  // Functions cannot travel as JSON: the script gets small templates instead.
  const fnScript = `
T.results=function(n){return n===1?${JSON.stringify(t.results(1))}:${JSON.stringify(t.results(2))}.replace('2',String(n));};
T.openRequests=function(n){return n===1?${JSON.stringify(t.openRequests(1))}:${JSON.stringify(t.openRequests(2))}.replace('2',String(n));};
T.checkedIn=function(x){return ${JSON.stringify(t.checkedIn('\u0000'))}.replace('\\u0000',x);};
T.switched=function(x){return ${JSON.stringify(t.switched('\u0000'))}.replace('\\u0000',x);};`;
  const script = SCRIPT.replace("var KEY='carethread.staffToken';", `var KEY='carethread.staffToken';${fnScript}`);
  const link = (l: Language, label: string) =>
    `<li><a href="/front-desk?lang=${l}" lang="${l}" hreflang="${l}"${l === lang ? ' aria-current="page"' : ''}>${label}</a></li>`;
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${e(t.title)} · carethread</title>
<style nonce="${nonce}">${CSS}</style>
</head>
<body>
<a class="skip" href="#main">${e(t.skip)}</a>
<header><div class="bar"><p>carethread · ${e(t.title)}</p>
<nav aria-label="${e(t.language)}"><ul>${link('en', 'English')}${link('es', 'Español')}</ul></nav></div></header>
<main id="main">
<h1>${e(t.title)}</h1>
<div id="error" class="err" role="alert" tabindex="-1"></div>

<section aria-labelledby="token-title">
<h2 id="token-title">${e(t.tokenTitle)}</h2>
<form id="token-form">
<label for="token">${e(t.tokenLabel)}</label>
<p class="hint" id="token-hint">${e(t.tokenHint)}</p>
<input id="token" type="password" autocomplete="off" spellcheck="false" aria-describedby="token-hint token-state">
<button type="submit">${e(t.saveToken)}</button>
<button type="button" class="secondary" id="forget-token" hidden>${e(t.forgetToken)}</button>
</form>
<p id="token-state" class="status" role="status"></p>
</section>

<section aria-labelledby="search-title">
<h2 id="search-title">${e(t.searchTitle)}</h2>
<form id="search-form" role="search" aria-labelledby="search-title">
<div class="row">
<div><label for="q">${e(t.qLabel)}</label><p class="hint" id="q-hint">${e(t.qHint)}</p>
<input id="q" name="q" type="search" required minlength="2" maxlength="200" autocomplete="off" spellcheck="false" aria-describedby="q-hint"></div>
<div><label for="dob">${e(t.dobLabel)}</label><p class="hint" id="dob-hint">${e(t.dobHint)}</p>
<input id="dob" name="birthDate" type="text" inputmode="numeric" maxlength="10" autocomplete="off" aria-describedby="dob-hint"></div>
</div>
<button type="submit">${e(t.search)}</button>
</form>
<p id="search-status" class="status" role="status" aria-live="polite"></p>
<ul id="results"></ul>
</section>

<section id="patient" aria-labelledby="patient-title" hidden>
<h2 id="patient-title" tabindex="-1">${e(t.patientTitle)}</h2>
<dl id="summary"></dl>
<h3 id="known-title">${e(t.knownTitle)}</h3>
<table id="facts" aria-labelledby="known-title">
<caption>${e(t.knownCaption)}</caption>
<thead><tr><th scope="col">${e(t.fact)}</th><th scope="col">${e(t.value)}</th><th scope="col">${e(t.source)}</th></tr></thead>
<tbody id="facts-body"></tbody>
</table>
<p id="no-facts" hidden>${e(t.noFacts)}</p>
<form id="checkin-form">
<input type="hidden" id="clientId">
<fieldset><legend>${e(t.visitLegend)}</legend><div id="cases"></div></fieldset>
<div id="type-field"><label for="requestType">${e(t.newType)}</label>
<select id="requestType"><option value="">${e(t.anyType)}</option>${Object.entries(types)
    .map(([k, v]) => `<option value="${e(k)}">${e(v)}</option>`)
    .join('')}</select></div>
<label for="note">${e(t.note)}</label>
<p class="hint" id="note-hint">${e(t.noteHint)}</p>
<textarea id="note" maxlength="2000" aria-describedby="note-hint"></textarea>
<div><button type="submit" id="checkin-button">${e(t.checkIn)}</button></div>
</form>
<div id="checkin-result" class="ok status" role="status" aria-live="polite" tabindex="-1"></div>
</section>
</main>
<script type="application/json" id="i18n">${JSON.stringify(dictionary).replaceAll('<', '\\u003c')}</script>
<script nonce="${nonce}">${script}</script>
</body>
</html>`;
  return sendHtml(reply, 200, html);
}
