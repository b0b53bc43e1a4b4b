/**
 * A lexicon of personal names for free-text scrubbing: common given names and surnames in the
 * United States (English and Spanish speaking) and in Spanish-speaking countries. All entries
 * are folded (lower case, no accents). It is a recall aid, not a list of people: the scrubber
 * also uses the record's own names and context cues ("my name is", titles, "mi hija").
 */

const GIVEN = `
aaron abigail adam adrian adriana agustin aida aidan alan albert alberto alejandra alejandro alex alexander alexandra
alexis alfonso alfredo alice alicia alison allison alma alvaro amanda amber amelia amparo amy ana andrea andres andrew
angel angela angelica anita ann anna anne annie anthony antonia antonio april arely ariana armando arthur arturo ashley
audrey aurora austin ava barbara beatriz benjamin bernardo bertha betty beverly blanca bobby brandon brenda brian
brittany bruce bryan caleb camila carla carlos carmen carol carolina caroline catalina catherine cecilia cesar charles
charlotte cheryl chloe christian christina christine christopher cindy claire clara claudia cody consuelo cristian
cristina crystal cynthia dakota daniel daniela danielle david dawn debbie deborah debra denise dennis derek diana diane
diego dolores donald donna dorothy douglas dylan edgar eduardo edward eileen elena elizabeth ellen elsa emilia emiliano
emily emma enrique eric erica erik erin ernesto esperanza esteban esther ethan eugene eva evelyn felipe fernanda
fernando francisca francisco frank gabriel gabriela gary genesis george gerardo gerald gina gisela gloria grace
graciela gregory guadalupe guillermo gustavo hannah harold heather hector helen henry hilda hugo ignacio irene iris
isaac isabel isabella ismael ivan jack jacob jacqueline jaime james jamie janet janice jason javier jazmin jean jeffrey
jennifer jeremy jerry jesse jessica jesus jimena joan joaquin joe joel john johnny jon jonathan jordan jorge jose
josefina joseph joshua joyce juan juana judith judy julia julian julie julio justin karen karina katherine kathleen
kathryn kathy katie kayla keith kelly kenneth kevin kimberly kyle larry laura lauren leonardo leticia liam lidia lilia
liliana linda lisa lorena lorenzo louis lucas lucia luis luisa lupita luz madison manuel marcela marco marcos margarita
margaret maria mariana maribel maricela marilyn mario marisol marissa marta martha martin mary mateo matthew maura
mauricio megan melanie melissa mercedes michael michelle miguel milagros miriam moises monica nancy natalia natalie
nathan nelson nicholas nicolas nicole noah noemi norma octavio olga olivia omar oscar pablo pamela paola patricia
patrick paul paula pedro peter philip pilar rachel rafael ramiro ramon randy raquel raul rebecca regina reina rene
ricardo richard rita robert roberto rocio rodolfo rodrigo rogelio roger ronald rosa rosalba rosario roxana ruben ruth
ryan salvador samantha samuel sandra santiago sara sarah scott sebastian sergio sharon shirley silvia sofia sonia
stephanie stephen steven susan susana tammy teresa terry thomas timothy tomas tyler valentina valeria vanessa
veronica vicente victor victoria virginia walter wayne william ximena yesenia yolanda yvonne zachary
`;

const FAMILY = `
acosta adams aguilar aguirre alexander allen alvarado alvarez anderson arias armstrong avila bailey baker barnes bell
bennett black bowman boyd bradley brooks brown bryant burns butler cabrera calderon campbell campos carrillo carter
castaneda castillo castro cervantes chavez clark cole coleman collins contreras cook cooper cortes cortez cox crawford
cruz cunningham daniels davis delgado diaz dixon dominguez duncan dunn edwards elliott ellis espinoza estrada evans
ferguson fernandez figueroa fisher flores ford foster franco freeman fuentes gallegos garcia gardner garza gibson gomez
gonzales gonzalez gordon graham grant gray green griffin guerrero gutierrez guzman hall hamilton harris harrison hart
hawkins hayes henderson henry hernandez herrera hicks hill holmes howard hudson hughes hunt ibarra jackson james
jenkins jimenez johnson jones jordan juarez kelly kennedy kim king knight lara lee lewis long lopez lozano luna
marshall martin martinez mason mcdonald medina mejia mendez mendoza meyer miller mills mitchell molina montoya moore
morales moreno morgan morris munoz murphy murray myers navarro nelson nguyen nichols nunez obrien ochoa olson ortega
ortiz owens padilla palmer parker patel patterson pena perez perkins perry peterson phillips pierce porter powell
price ramirez ramos reed reyes reynolds rice richardson rios rivera roberts robinson rodriguez rogers rojas romero
ross ruiz russell salazar salinas sanchez sanders sandoval santiago santos schmidt scott shaw silva simmons smith
snyder soto spencer stephens stevens stewart stone sullivan taylor thomas thompson torres tran trujillo tucker turner
valdez valencia vargas vasquez vazquez vega velasquez wagner walker wallace ward warren washington watson webb wells
west white williams wilson wood woods wright young zamora
`;

function list(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

export const GIVEN_NAMES: ReadonlySet<string> = new Set(list(GIVEN));
export const FAMILY_NAMES: ReadonlySet<string> = new Set(list(FAMILY));

/**
 * Names that are also ordinary words in English or Spanish ("Grace", "Will", "Rosa", "dolores",
 * "Luna", "Flores", "Price"). On their own they are not taken for names: they need a cue (a
 * title, "my name is", a neighbouring name) or, capitalised, a place that is not the start of
 * a sentence.
 */
export const AMBIGUOUS_NAMES: ReadonlySet<string> = new Set(
  list(`
  amparo angel april aurora bell black brown bill blanca camila campos carter cole consuelo cook cooper crawford cruz dawn
  dolores esperanza flores ford fuentes gray grace green hall hart henry hill hunt iris james jordan joy justin king
  knight lara long luna luz mark mason mercedes miller mills milagros olive paz pena perry pilar porter price reed
  reina rice rios rosa rosario ross salinas santos silva stone soto turner vega victoria ward warren wells west white
  will wood woods young hope faith may june august summer sage chase frank page rose ramos santiago parker baker
  bradley duncan gardner olson jamie jean terry wayne bryant henderson long march lima
`),
);

/** Words that introduce a person's name in English or Spanish (folded). */
export const TITLES: ReadonlySet<string> = new Set(
  list(`mr mrs ms miss mx dr doctor doctora dra sr sra srta senor senora senorita don dona nurse enfermera enfermero
  prof professor profesor profesora lic licenciado licenciada ing`),
);

/** Relatives and others whose name often follows ("my daughter Ana", "mi esposo Luis"). */
export const RELATION_WORDS: ReadonlySet<string> = new Set(
  list(`wife husband son daughter mother father mom mum dad brother sister grandson granddaughter grandmother grandfather
  grandma grandpa aunt uncle niece nephew cousin partner friend neighbor neighbour caregiver guardian boyfriend girlfriend
  esposa esposo hijo hija madre padre mama papa hermano hermana nieto nieta abuela abuelo tia tio sobrino sobrina primo
  prima pareja amigo amiga vecino vecina cuidador cuidadora novio novia`),
);

/** Name particles inside Spanish, Portuguese and Dutch surnames ("de la Cruz", "del Valle", "van der"). */
export const NAME_PARTICLES: ReadonlySet<string> = new Set(list('de del la las los y van der von da dos di le'));
