// Words the rules recognise, in English, Hinglish (Latin script) and Hindi (Devanagari). Each
// spelling maps to one canonical Latin word, so the patterns in classify/extract are written once
// and read all three languages: "मीटिंग", "meetng" and "mtg" all become "meeting".

/** Spelling → canonical word. Keys are lowercase (Devanagari has no case). */
const GROUPS: Record<string, string[]> = {
  // nouns
  meeting: ['meeting', 'meetng', 'meting', 'metting', 'meetin', 'meeeting', 'meating', 'mting', 'mtg', 'meetig', 'meetinng', 'मीटिंग', 'मिटिंग', 'मीटिग', 'बैठक', 'मुलाकात', 'मुलाक़ात'],
  meetings: ['meetings', 'mtgs', 'meetngs', 'मीटिंग्स', 'मीटिंगें', 'मीटिंगों'],
  demo: ['demo', 'dmeo', 'deom', 'demmo', 'dem0', 'demo\'s', 'डेमो', 'डैमो', 'डेमों', 'demonstration'],
  demos: ['demos', 'demoes'],
  lead: ['lead', 'leed', 'lede', 'लीड', 'लिड', 'enquiry', 'inquiry', 'enquiery', 'inquery', 'इन्क्वायरी', 'एनक्वायरी'],
  leads: ['leads', 'leeds', 'लीड्स', 'लीडें', 'लीडों', 'लिड्स', 'enquiries', 'inquiries'],
  tasks: ['task', 'tasks', 'taks', 'tsks', 'taaks', 'tasls', 'todo', 'todos', 'to-dos', 'टास्क', 'टास्क्स', 'टास्कों', 'काम', 'kaam'],
  history: ['history', 'histroy', 'hisotry', 'histry', 'hstory', 'histori', 'historry', 'हिस्ट्री', 'हिस्टरी', 'इतिहास', 'itihas', 'itihaas', 'timeline', 'टाइमलाइन'],
  activity: ['activity', 'activities', 'actvity', 'activty', 'acitivity', 'activiti', 'एक्टिविटी', 'एक्टिविटीज़', 'गतिविधि', 'गतिविधियां', 'गतिविधियाँ'],
  note: ['note', 'notes', 'नोट', 'नोट्स', 'remark', 'remarks', 'comment', 'comments', 'टिप्पणी'],
  followups: ['followup', 'followups', 'follow-up', 'follow-ups', 'फॉलो-अप', 'फॉलो-अप्स', 'फ़ॉलो-अप', 'folowup', 'folowups', 'फॉलोअप', 'फॉलोअप्स', 'फ़ॉलोअप', 'फालोअप'],
  follow: ['follow', 'folow', 'फॉलो', 'फ़ॉलो', 'फालो'],
  up: ['up', 'ups', 'अप'],
  nurture: ['nurture', 'nurturing', 'drip', 'sequence'],
  reminders: ['reminder', 'reminders', 'रिमाइंडर', 'रिमाइंडर्स'],
  company: ['company', 'कंपनी', 'फर्म', 'firm'],
  chahiye: ['chahiye', 'chahie', 'chaiye', 'chahiya', 'चाहिए', 'चाहिये'],
  client: ['client', 'क्लाइंट', 'ग्राहक', 'customer'],
  // verbs: scheduling
  schedule: ['schedule', 'shedule', 'schedual', 'schdule', 'scedule', 'schedul', 'shcedule', 'sechdule', 'shedul', 'schedulle', 'scheduel', 'sched', 'shedyul', 'शेड्यूल', 'शेड्युल', 'शेड्यूल्ड', 'scheduled', 'sheduled', 'शेड्यूल'],
  reschedule: ['reschedule', 're-schedule', 're-scheduled', 'resched', 'reschd', 'rescheduling', 'reschdule', 'rescedule', 'reshedule', 'reschedual', 'rescheduel', 'reschedul', 'reshedul', 'reschedulle', 'rescheduled', 'reshceduled', 'reshcedule', 'रीशेड्यूल', 'रिशेड्यूल', 'री-शेड्यूल', 'रीशेड्युल'],
  postpone: ['postpone', 'postponed', 'postpond', 'postphone', 'postpon', 'पोस्टपोन', 'टाल', 'टालो', 'टाल', 'taal', 'taalo', 'talo'],
  prepone: ['prepone', 'preponed', 'प्रीपोन'],
  shift: ['shift', 'shifted', 'shif', 'sift', 'शिफ्ट', 'खिसका', 'खिसकाओ', 'khiska', 'khiskao'],
  change: ['change', 'changed', 'badal', 'badlo', 'badalkar', 'badal kar', 'बदल', 'बदलो', 'बदलकर', 'बदलें', 'बदल दो'],
  fix: ['fix', 'fixed', 'फिक्स', 'तय', 'tay', 'tai'],
  rakh: ['rakh', 'rakho', 'rakhna', 'rakhdo', 'rakhiye', 'rakhein', 'rakhen', 'रख', 'रखो', 'रखें', 'रखना', 'रखिए', 'रखिये', 'lagao', 'laga', 'lagado', 'लगाओ', 'लगा'],
  book: ['book', 'booked', 'बुक'],
  // verbs: outcome
  done: ['done', 'dun', 'dne', 'doen', 'completed', 'complete', 'compelted', 'complted', 'finished', 'finish', 'over', 'khatam', 'khatm', 'ख़त्म', 'खत्म', 'संपन्न', 'सम्पन्न', 'delivered', 'conducted'],
  poora: ['poora', 'poori', 'pura', 'puri', 'पूरा', 'पूरी', 'पुरा', 'पुरी'],
  hua: ['hua', 'hui', 'huyi', 'huwa', 'हुआ', 'हुई', 'हुयी'],
  ho: ['ho', 'हो'],
  gaya: ['gaya', 'gya', 'gayi', 'gyi', 'gai', 'gayee', 'gaye', 'gye', 'gayaa', 'गया', 'गई', 'गयी', 'गए', 'गये'],
  hogaya: ['hogaya', 'hogya', 'hogayi', 'hogyi', 'hogai', 'hogye', 'hogaye', 'hogayaa', 'hogaye'],
  chuka: ['chuka', 'chuki', 'chuke', 'चुका', 'चुकी', 'चुके'],
  diya: ['diya', 'diye', 'dia', 'दिया', 'दिए', 'दिये', 'दी'],
  // verbs: lead
  qualify: ['qualify', 'qualified', 'qualifed', 'qualfied', 'qualifid', 'qualifeid', 'quallified', 'qualifyed', 'qualifide', 'qualifiied', 'qualifi', 'qualfy', 'qualifiy', 'qualifid', 'qulified', 'qulify', 'क्वालिफाई', 'क्वालीफाई', 'क्वालिफ़ाई', 'क्वालिफाइड', 'क्वालीफाइड', 'क्वालिफ़ाइड', 'क्वालिफाईड', 'योग्य'],
  disqualify: ['disqualify', 'disqualified', 'unqualified'],
  naya: ['new', 'naya', 'nayi', 'nai', 'naye', 'naaya', 'नया', 'नई', 'नयी', 'नए', 'नये'],
  add: ['add', 'create', 'register', 'daalo', 'dalo', 'daal', 'daaldo', 'daldo', 'jodo', 'jod', 'jodein', 'banao', 'bana', 'banado', 'बनाओ', 'बनाएं', 'बनाएँ', 'बनाइए', 'बना', 'जोड़ें', 'जोड़ो', 'जोड़', 'जोडें', 'जोडो', 'डालो', 'डाल', 'दर्ज'],
  assign: ['assign', 'assigned', 'asign', 'assing', 'assgn', 'असाइन', 'अस्साइन', 'allot', 'alot', 'allocate', 'allotted', 'allocated'],
  reassign: ['reassign', 'reasign', 're-assign', 'reassing', 'reassigned', 'रीअसाइन', 'रिअसाइन'],
  transfer: ['transfer', 'transfered', 'transferred', 'tranfer', 'trasfer', 'ट्रांसफर', 'ट्रान्सफर'],
  handover: ['handover', 'hand-over'],
  saunp: ['saunp', 'saunpo', 'sonp', 'सौंप', 'सौंपो', 'सौंपें', 'सौप'],
  dedo: ['dedo', 'dedena', 'dijiye', 'dena', 'दे', 'दो', 'दें', 'दीजिए', 'दीजिये', 'देना'],
  // verbs: asking
  show: ['show', 'list', 'display', 'view'],
  dikhao: ['dikhao', 'dikhaao', 'dikha', 'dikhado', 'dikhaiye', 'dikhayein', 'dikhaye', 'dikhana', 'batao', 'bata', 'batado', 'bataiye', 'batayein', 'दिखाओ', 'दिखाएं', 'दिखाएँ', 'दिखाइए', 'दिखाइये', 'दिखा', 'बताओ', 'बताइए', 'बताएं'],
  bhejo: ['bhejo', 'bhej', 'bhejna', 'bhejdo', 'bheja', 'भेजो', 'भेज', 'भेजा', 'भेजना'],
  kiya: ['kiya', 'kia', 'kiye', 'kiyaa', 'किया', 'किये', 'किए'],
  baat: ['baat', 'bat', 'baatein', 'बात'],
  record: ['record', 'records', 'रिकॉर्ड', 'रिकार्ड'],
  ne: ['ne', 'ने'],
  dekhega: ['dekhega', 'dekhegi', 'dekhenge', 'dekhengi', 'sambhalega', 'sambhalegi', 'sambhalenge', 'देखेगा', 'देखेगी', 'देखेंगे', 'संभालेगा', 'संभालेगी', 'संभालेंगे', 'सम्भालेगा', 'सम्भालेगी'],
  karo: ['karo', 'kro', 'kar', 'kr', 'krdo', 'kardo', 'karein', 'karen', 'kare', 'kariye', 'kijiye', 'karna', 'karni', 'karke', 'karkar', 'करो', 'कर', 'करें', 'करे', 'करिए', 'कीजिए', 'कीजिये', 'करना', 'करके'],
  stop: ['stop', 'pause', 'band', 'bandh', 'बंद', 'रोक', 'रोको', 'rok', 'roko', 'halt', 'disable', 'unsubscribe', 'mat', 'मत'],
  cancel: ['cancel', 'cancelled', 'canceled', 'cancle', 'cancell', 'cancelld', 'canceld', 'cancl', 'cancal', 'cansel', 'kancel', 'cancellation', 'कैंसिल', 'कैंसल', 'कैन्सल', 'कैन्सिल', 'कैंसेल', 'रद्द', 'रद', 'radd', 'drop', 'dropped'],
  nahi: ['nahi', 'nahin', 'nhi', 'nahee', 'नहीं', 'नही'],
  hogi: ['hogi', 'hoga', 'hoge', 'hongi', 'honge', 'होगी', 'होगा', 'होंगे', 'होगे'],
  because: ['because', 'bcoz', 'becoz', 'bcz', 'coz', 'cuz', 'kyunki', 'kyuki', 'kyonki', 'kyoki', 'क्योंकि', 'क्यूंकि', 'क्युकी', 'चूंकि'],
  naam: ['naam', 'नाम'],
  owner: ['owner', 'मालिक'],
  kaise: ['kaise', 'kaese', 'kese', 'kaisay', 'कैसे'],
  use: ['use', 'istemal', 'istemaal', 'इस्तेमाल', 'यूज़', 'यूज'],
  commands: ['command', 'commands', 'कमांड', 'कमांड्स'],
  bot: ['bot', 'बॉट', 'बोट'],
  ye: ['ye', 'yeh', 'ये', 'यह'],
  help: ['help', 'hepl', 'halp', 'madad', 'madat', 'मदद', 'सहायता', 'हेल्प', 'sahayata'],
  // small words
  for: ['for', 'fr', 'fo', 'forr'],
  with: ['with', 'wid', 'wth', 'wit', 'vid', 'wd'],
  please: ['please', 'pls', 'plz', 'plss', 'plzz', 'pleas', 'kindly', 'कृपया', 'प्लीज', 'प्लीज़'],
  ka: ['ka', 'का'],
  ki: ['ki', 'की'],
  ke: ['ke', 'के'],
  ko: ['ko', 'को'],
  se: ['se', 'से'],
  me: ['me', 'mein', 'mai', 'mei', 'में', 'मे'],
  pe: ['pe', 'par', 'पे', 'पर'],
  saath: ['saath', 'sath', 'saat', 'sathh', 'साथ'],
  liye: ['liye', 'liya', 'lie', 'लिए', 'लिये'],
  wala: ['wala', 'wali', 'wale', 'waala', 'waali', 'waale', 'vala', 'vali', 'vale', 'वाला', 'वाली', 'वाले'],
  hai: ['hai', 'hain', 'he', 'h', 'hei', 'है', 'हैं'],
  tha: ['tha', 'thi', 'था', 'थी', 'थे'],
  aaya: ['aaya', 'aya', 'aayi', 'ayi', 'aaye', 'aye', 'आया', 'आई', 'आयी', 'आए', 'आये'],
  ek: ['ek', 'एक'],
  ab: ['ab', 'अब'],
  mera: ['mera', 'meri', 'mere', 'mre', 'apne', 'apni', 'apna', 'मेरा', 'मेरी', 'मेरे', 'अपने', 'अपनी', 'हमारे', 'हमारी'],
  saare: ['saare', 'sare', 'saari', 'sari', 'sabhi', 'sab', 'सारे', 'सारी', 'सभी', 'सब'],
  kya: ['kya', 'kia', 'क्या'],
  aur: ['aur', 'or', 'और'],
  jagah: ['jagah', 'jageh', 'jagha', 'जगह', 'bajaye', 'bajay', 'bajae', 'बजाय', 'बजाए'],
  mujhe: ['mujhe', 'muje', 'mujhko', 'mereko', 'मुझे', 'मुझको', 'हमें'],
  contact: ['contact', 'sampark', 'संपर्क', 'सम्पर्क', 'कॉन्टैक्ट', 'कांटेक्ट'],
  phone: ['phone', 'ph', 'mob', 'mobile', 'mobno', 'cell', 'tel', 'फोन', 'फ़ोन', 'मोबाइल', 'नंबर', 'number', 'num', 'nmbr'],
  email: ['email', 'e-mail', 'mail', 'ईमेल', 'मेल'],
  source: ['source', 'src', 'स्रोत', 'सोर्स', 'srot'],
  address: ['address', 'addr', 'adress', 'addres', 'पता', 'एड्रेस', 'location', 'पते'],
  turnover: ['turnover', 'turn-over', 'turnovr', 'revenue', 'टर्नओवर', 'टर्नओवर', 'सालाना', 'राजस्व'],
  system: ['system', 'sytem', 'systm', 'सिस्टम', 'सिस्टेम'],
  challenges: ['challenges', 'challenge', 'chalenges', 'challanges', 'challange', 'challenge', 'चुनौती', 'चुनौतियाँ', 'चुनौतियां', 'चुनौतियों', 'समस्या', 'समस्याएं', 'दिक्कत', 'दिक्कतें', 'dikkat', 'dikkatein', 'problem', 'problems', 'pain', 'pareshani', 'परेशानी', 'issues', 'issue', 'चैलेंज', 'चैलेंजेस', 'चैलेंजेज', 'चैलेंजेज़', 'चैलेंजिस'],
  current: ['current', 'currnet', 'curent', 'existing', 'present', 'मौजूदा', 'वर्तमान', 'मौज़ूदा', 'abhi', 'अभी', 'करंट', 'करेंट', 'कर्रेंट', 'करन्ट'],
  call: ['call', 'कॉल', 'काल'],
  today: ['today', 'aaj', 'aj', 'आज'],
  tomorrow: ['tomorrow', 'tmrw', 'tmr', 'tomorow', 'kal', 'कल'],
};

export const WORD_MAP: Map<string, string> = new Map();
for (const [canon, spellings] of Object.entries(GROUPS)) {
  for (const s of spellings) {
    // Multi-word spellings are matched by the phrase rules in doc.ts, not here.
    if (!s.includes(' ')) WORD_MAP.set(s.normalize('NFC').toLowerCase(), canon);
  }
}
// Plural and inflected forms that must stay distinct from the singular.
WORD_MAP.set('meetings', 'meetings');
WORD_MAP.set('leads', 'leads');

/** Long canonical words worth correcting a typo towards (edit distance 1, 2 for long words). */
export const FUZZY_TARGETS = [
  'meeting', 'meetings', 'schedule', 'reschedule', 'qualified', 'qualify', 'reassign', 'transfer', 'history',
  'activity', 'postpone', 'prepone', 'completed', 'followups', 'followup', 'turnover', 'challenges', 'address',
  'contact', 'source', 'assign', 'dikhao', 'please', 'finished', 'scheduled', 'rescheduled', 'delivered',
  'cancelled',
];
/** Canonical word a fuzzy target stands for. */
export const FUZZY_CANON: Record<string, string> = {
  qualified: 'qualify', followup: 'followups', completed: 'done', finished: 'done', delivered: 'done',
  scheduled: 'schedule', rescheduled: 'reschedule', cancelled: 'cancel',
};

/** Where leads come from: a segment with one of these is a source, not a company or person. */
export const SOURCE_WORDS = [
  'website', 'web', 'site', 'google', 'adwords', 'ads', 'ad', 'advert', 'advertisement', 'facebook', 'fb', 'instagram', 'insta',
  'linkedin', 'twitter', 'youtube', 'indiamart', 'justdial', 'tradeindia', 'sulekha', 'fair', 'trade', 'google', 'adwords', 'reel', 'reels', 'post', 'mela', 'india', 'mart', 'just', 'dial', 'search', 'online', 'calling', 'outreach', 'show', 'expo', 'exhibition',
  'event', 'referral', 'reference', 'ref', 'referred', 'walk-in', 'walkin', 'walk', 'cold', 'inbound', 'outbound',
  'newspaper', 'hoarding', 'partner', 'dealer', 'whatsapp', 'campaign', 'webinar', 'seminar', 'mailer', 'social',
  'media', 'organic', 'seo', 'conference', 'friend', 'mouth', 'existing', 'portal', 'ivr', 'missed', 'call',
  'वेबसाइट', 'गूगल', 'फेसबुक', 'इंस्टाग्राम', 'लिंक्डइन', 'इंडियामार्ट', 'जस्टडायल', 'फेयर', 'प्रदर्शनी', 'रेफरेंस',
  'रेफरल', 'विज्ञापन', 'ट्रेड', 'ऐड्स', 'एड्स', 'एक्सपो', 'व्हाट्सएप', 'व्हाट्सऐप', 'मेला', 'एग्जिबिशन', 'सेमिनार', 'कॉल',
];

/** Honorifics and address terms dropped from names: "Mr. Deepak Verma", "Ramesh ji", "Hitesh bhai". */
export const HONORIFICS = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mister', 'dr', 'shri', 'sri', 'shree', 'smt', 'kumari', 'ji', 'jee', 'sir', 'saab', 'sahab',
  'sahib', 'bhai', 'bhaiya', 'bhaisaab', 'madam', 'mam', "ma'am", 'maam', 'didi', 'sirji', 'श्री', 'श्रीमती', 'जी',
  'सर', 'साहब', 'भाई', 'भैया', 'मैडम', 'दीदी', 'डॉ', 'डॉक्टर', 'कुमारी',
]);

/** Words that are never a person's name when read where a name might be. */
export const NOT_A_NAME = new Set([
  'me', 'my', 'mine', 'i', 'you', 'your', 'our', 'us', 'him', 'her', 'them', 'it', 'this', 'that', 'the', 'a', 'an',
  'all', 'team', 'everyone', 'today', 'tomorrow', 'tonight', 'now', 'someone', 'anyone', 'mera', 'saare', 'please',
  'pending', 'upcoming', 'open', 'new', 'naya', 'old', 'lead', 'leads', 'tasks', 'meeting', 'meetings', 'demo', 'demos',
  'unko', 'usko', 'inko', 'mujhe', 'hum', 'main', 'mai', 'kis', 'kaun', 'kya', 'client', 'customer', 'company', 'show',
  'dikhao', 'ke', 'ki', 'ka', 'ko', 'se', 'for', 'of', 'to', 'and', 'aur', 'ek', 'is', 'hai', 'what', 'which', 'who',
  'pichle', 'agle', 'next', 'last', 'this', 'week', 'hafte', 'sabhi', 'उन्हें', 'उनको', 'मुझे', 'आप',
]);
