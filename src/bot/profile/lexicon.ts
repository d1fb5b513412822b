// Word lists for the profile rules. Lowercase; regex sources where noted.
import type { Weekday } from './facts.ts';

/** Common given names (Indian, German-speaking, English). Lets lowercase "main pooja hoon" or
 *  "Ich bin Markus" count as a name where a capital letter alone proves nothing. */
export const GIVEN_NAMES = new Set(
  `aarav aditi aditya ajay akash akshay alok aman amit amita amrita anand ananya anil anita anjali ankit ankita anu anuj anup
  anushka arjun arun aruna arvind asha ashok ayesha bhavna chetan deepa deepak deepika dev divya farhan gaurav geeta gita harish
  hema isha ishaan jaya jyoti kabir kajal kamal karan kavita kavya kiran kunal lakshmi lata madhu mahesh manish manoj meena meera
  mohan mohit monika mukesh naina nandini naveen neelam neha nikhil nisha nitin pallavi pankaj parth payal pooja prakash pranav
  prateek preeti priya priyanka rahul raj rajesh rakesh ramesh rani ravi rekha reshma ritu rohan rohit sachin sakshi sameer sandeep
  sanjay sapna sarita seema shalini shreya shruti simran sneha sonal sonia sunil sunita suresh swati tanvi tarun uma usha varun
  vijay vikas vikram vinay vineet vishal yash zara zoya imran salman arif nadia fatima sana
  alexander andrea andreas anja anna annika barbara bastian ben benjamin birgit carina christian christina claudia daniel daniela
  david elena elias emma eva fabian felix finn florian frank franziska gabriele hannah heike helga ina jan jana jannik johanna
  jonas julia julian jürgen kai karin katharina kathrin katrin klaus lara laura lea lena leon lisa lukas luca luisa marco maria
  marie marina markus martin max maximilian melanie michael monika nadine nico niklas nina noah oliver patrick paul petra philipp
  ralf robert sabine sandra sarah sascha sebastian simon sophia sophie stefan stephanie susanne sven thomas tim tobias ursula ute
  uwe vanessa wolfgang yvonne
  adam alice amy andrew ben beth charlie chloe chris dan dave emily ethan george grace hannah harry isabel jack jake james jane
  jess jessica joe john jon jonathan josh kate katie kevin laura liam liz lucy maria mark matt megan mike molly olivia peter
  rachel rebecca ryan sam sara scott sean steve tom tony will`.split(/\s+/),
);

/** Words that follow "I'm" but are not names ("I'm Sorry" in a title-cased message). */
export const NOT_NAMES = new Set(
  `sorry fine good great ok okay here back done ready late new not just so very really also available free busy interested
  looking calling coming going pregnant diabetic allergic afraid scared nervous terrified happy glad sure still currently tired
  dr doctor mr mrs ms miss booked sick unable in on at from with the a an your their running stuck waiting outside home away
  travelling traveling out always usually never only hard epileptic claustrophobic vegetarian vegan muslim hindu christian jewish
  sikh deaf blind english german indian british feeling having doing trying planning thinking confused worried anxious shy fasting
  married single retired working alright better worse well unwell ill excited thankful grateful there like about gonna new
  patient client customer member regular asking wondering writing messaging texting reaching contacting hoping afraid due
  hier neu da krank schwanger allergisch nervös fertig zurück bereit müde froh sicher hi hello hey hallo thanks danke bhai ji
  haan nahi theek thik acha accha achha free busy ready office ghar yahan wahan`.split(/\s+/),
);

export const HONORIFIC = String.raw`(?:ma'?am|maam|mam|madam|madame|sir|ji|didi|bhaiya|bhaiyya|sahab|saheb)`;

export const WEEKDAY_WORDS: Record<string, Weekday> = {};
const weekdayForms: Record<Weekday, string[]> = {
  monday: ['monday', 'mondays', 'montag', 'montags', 'somvar', 'somvaar', 'somwar'],
  tuesday: ['tuesday', 'tuesdays', 'dienstag', 'dienstags', 'mangalvar', 'mangalvaar', 'mangalwar'],
  wednesday: ['wednesday', 'wednesdays', 'mittwoch', 'mittwochs', 'budhvar', 'budhvaar', 'budhwar'],
  thursday: [
    'thursday',
    'thursdays',
    'donnerstag',
    'donnerstags',
    'guruvar',
    'guruvaar',
    'guruwar',
    'veervar',
    'brihaspativar',
  ],
  friday: ['friday', 'fridays', 'freitag', 'freitags', 'shukravar', 'shukravaar', 'shukrawar'],
  saturday: ['saturday', 'saturdays', 'samstag', 'samstags', 'sonnabend', 'shanivar', 'shanivaar', 'shaniwar'],
  sunday: ['sunday', 'sundays', 'sonntag', 'sonntags', 'ravivar', 'ravivaar', 'raviwar', 'itvaar', 'itwaar'],
};
for (const [day, forms] of Object.entries(weekdayForms)) for (const f of forms) WEEKDAY_WORDS[f] = day as Weekday;
/** Plural or adverbial weekday forms say "usually": "Tuesdays", "dienstags". */
export const HABITUAL_WEEKDAY = /(?:days|tags|abends)$/;

export const WEEKEND_WORDS = ['weekend', 'weekends', 'wochenende', 'wochenenden', 'week-end'];
export const WEEKDAYS_WORDS = ['weekdays', 'weekday', 'werktags', 'wochentags', 'working days', 'unter der woche'];

/** Language names (English, German, Hindi spellings) → ISO 639-1. */
export const LANGUAGES: Record<string, string> = {
  english: 'en',
  englisch: 'en',
  angrezi: 'en',
  angreji: 'en',
  german: 'de',
  deutsch: 'de',
  hindi: 'hi',
  marathi: 'mr',
  tamil: 'ta',
  telugu: 'te',
  kannada: 'kn',
  gujarati: 'gu',
  bengali: 'bn',
  bangla: 'bn',
  punjabi: 'pa',
  urdu: 'ur',
  malayalam: 'ml',
  odia: 'or',
  french: 'fr',
  französisch: 'fr',
  franzoesisch: 'fr',
  spanish: 'es',
  spanisch: 'es',
  italian: 'it',
  italienisch: 'it',
  arabic: 'ar',
  arabisch: 'ar',
  turkish: 'tr',
  türkisch: 'tr',
  tuerkisch: 'tr',
  russian: 'ru',
  russisch: 'ru',
  portuguese: 'pt',
  portugiesisch: 'pt',
  polish: 'pl',
  polnisch: 'pl',
  dutch: 'nl',
  niederländisch: 'nl',
  chinese: 'zh',
  mandarin: 'zh',
  chinesisch: 'zh',
};

/** Services by name, as regex sources; the customer's wording is kept. Longest match wins. */
export const SERVICE_PATTERNS: string[] = [
  // dental
  String.raw`dental (?:appointment|check[- ]?up|cleaning|exam|hygiene)`,
  String.raw`(?:teeth|tooth) (?:cleaning|whitening)`,
  String.raw`whitening`,
  String.raw`root canal(?: treatment)?`,
  String.raw`fillings?`,
  String.raw`crowns?`,
  String.raw`braces`,
  String.raw`(?:clear )?aligners|invisalign`,
  String.raw`(?:dental )?implants?`,
  String.raw`(?:wisdom )?(?:tooth|teeth) (?:extraction|removal)`,
  String.raw`scaling(?: and polishing)?`,
  String.raw`dentures|veneers`,
  String.raw`check[- ]?ups?`,
  String.raw`(?:deep )?cleaning`,
  // body, beauty
  String.raw`(?:(?:deep[- ]tissue|swedish|hot[- ]stone|thai|sports?|foot|head|back|aromatherapy|couples?|ayurvedic|prenatal|full[- ]body|relaxing|relaxation)\s+)?massages?`,
  String.raw`facials?`,
  String.raw`(?:manicures?|pedicures?|mani[- ]pedi)`,
  String.raw`waxing|threading`,
  String.raw`hair ?cuts?|haircuts?`,
  String.raw`hair (?:colou?r(?:ing)?|spa|treatment|straightening|smoothening|smoothing|styling)`,
  String.raw`laser hair removal|laser treatment`,
  String.raw`highlights|balayage|blow[- ]?dry|keratin(?: treatment)?`,
  String.raw`beard trim|shave`,
  String.raw`(?:bridal )?make[- ]?up`,
  String.raw`eyebrows?(?: (?:shaping|tint(?:ing)?|threading))?|(?:eye)?lash extensions?`,
  String.raw`(?:gel )?nails?(?: (?:art|extensions?))?`,
  String.raw`aromatherapy(?: add[- ]on)?|reflexology|sauna|spa day`,
  String.raw`botox|(?:dermal )?fillers|chemical peel|microneedling|microdermabrasion|skin treatment`,
  String.raw`hair spa|cleanup|clean[- ]up|bleach|mehn?di|mehendi`,
  // health, lessons
  String.raw`physiotherapy|physio`,
  String.raw`acupuncture|chiropract\p{L}*|osteopath\p{L}*|reflexology`,
  String.raw`(?:eye|hearing|blood) test`,
  String.raw`vaccination|vaccine`,
  String.raw`(?:yoga|pilates|zumba|spin) class(?:es)?|yoga|pilates`,
  String.raw`personal training`,
  String.raw`(?:(?:manual|automatic|highway|motorway)\s+)?driving lessons?|driving test`,
  String.raw`therapy session|counsell?ing`,
  String.raw`nutrition (?:consultation|plan)|diet plan`,
  String.raw`consultation`,
  // German
  String.raw`(?:professionelle )?zahnreinigung|kontrolltermin|wurzelbehandlung|füllung|bleaching`,
  String.raw`akupunktur|physiotherapie|krankengymnastik|osteopathie`,
  String.raw`haarschnitt|maniküre|pediküre|gesichtsbehandlung|fahrstunden?`,
];

/** Plurals kept as they are ("braces" is one service). */
export const KEEP_PLURAL = new Set([
  'braces',
  'dentures',
  'veneers',
  'aligners',
  'highlights',
  'fillers',
  'nails',
  'fahrstunden',
]);
