//! The benchmark's messages and queries, the same from a fixed seed in every
//! process: French messages of varied lengths (accents, apostrophes,
//! numbers), common words far more frequent than the others, rare words
//! planted in a known number of messages, and the queries a user would type.

use matrix_sdk::ruma::events::room::message::OriginalSyncRoomMessageEvent;

/// Most frequent first: a word's chance falls with its rank.
const VOCABULARY: &[&str] = &[
    "le", "la", "les", "de", "des", "du", "et", "à", "un", "une", "pour", "est", "en", "que", "pas", "sur", "je", "vous", "nous", "on",
    "réunion", "dossier", "demain", "ministère", "équipe", "projet", "bonjour", "merci", "réponse", "document", "compte-rendu", "service",
    "préfecture", "direction", "budget", "été", "très", "déjà", "après", "prévu", "agent", "sécurité", "collègues", "problème", "mise",
    "à jour", "version", "numéro", "téléphone", "bureau", "semaine", "prochaine", "matin", "après-midi", "réservé", "salle", "visio",
    "lien", "ordre", "jour", "validé", "validation", "note", "synthèse", "arbitrage", "cabinet", "conseiller", "délégation", "région",
    "département", "mairie", "élus", "citoyens", "données", "fichier", "pièce", "jointe", "envoyé", "reçu", "relecture", "corrections",
    "modifications", "procédure", "instruction", "circulaire", "décret", "arrêté", "publication", "échéance", "délai", "urgent",
    "prioritaire", "calendrier", "planning", "congés", "télétravail", "présentiel", "déplacement", "mission", "frais", "remboursement",
    "marché", "public", "appel", "offres", "candidature", "recrutement", "poste", "fiche", "formation", "stage", "entretien", "évaluation",
    "hiérarchie", "chef", "sous-direction", "bureau", "pôle", "cellule", "crise", "astreinte", "permanence", "incident", "résolu",
    "informatique", "messagerie", "réseau", "accès", "mot", "passe", "badge", "bâtiment", "étage", "accueil", "courrier", "signature",
    "parapheur", "visa", "contrôle", "audit", "rapport", "annexe", "tableau", "chiffres", "statistiques", "indicateurs", "objectifs",
    "résultats", "bilan", "perspectives", "stratégie", "plan", "action", "mesures", "dispositif", "expérimentation", "déploiement",
    "pilote", "retour", "expérience", "usagers", "démarche", "simplification", "dématérialisation", "numérique", "plateforme",
    "outil", "application", "développement", "hébergement", "cloud", "souveraineté", "protection", "confidentialité", "règlement",
    "conformité", "juridique", "avis", "contentieux", "recours", "tribunal", "jurisprudence", "analyse", "étude", "impact", "coût",
    "financement", "subvention", "crédits", "dépenses", "recettes", "exécution", "programme", "loi", "finances", "amendement", "sénat",
    "assemblée", "question", "écrite", "parlementaire", "préfet", "sous-préfet", "gendarmerie", "police", "pompiers", "santé", "hôpital",
    "éducation", "lycée", "collège", "école", "université", "recherche", "culture", "patrimoine", "musée", "agriculture", "forêt",
    "environnement", "énergie", "transition", "écologique", "transport", "routes", "ferroviaire", "logement", "urbanisme", "économie",
    "emploi", "travail", "solidarité", "handicap", "égalité", "diversité", "jeunesse", "sports", "outre-mer", "Guadeloupe", "Martinique",
    "Réunion", "Mayotte", "Guyane", "Corse", "Bretagne", "Normandie", "Occitanie", "Île-de-France", "Hauts-de-France", "Grand-Est",
    "d'accord", "l'équipe", "c'est", "qu'il", "n'est", "aujourd'hui", "peut-être", "là", "où", "ça", "voilà", "bien", "noté", "parfait",
    "super", "top", "ok", "oui", "non", "vite", "rapidement", "possible", "impossible", "difficile", "simple", "complexe", "précis",
    "quelques", "plusieurs", "chaque", "tous", "toutes", "aucun", "même", "autre", "nouveau", "nouvelle", "ancien", "dernier", "première",
    "14h", "9h30", "2026", "n°12", "€", "%", "!", "?", ":", "…", "—", "(cf.", "ci-dessous)", "ci-joint", "PJ", "RDV", "DGSI", "DINUM",
];

/// Words found in no message but the ones they are planted in.
const RARE: &[&str] = &[
    "ornithorynque", "quetsche", "vénissieux", "chrysanthème", "kouign-amann", "zéphyr", "xylographie", "bathyscaphe", "ptérodactyle",
    "galimatias", "hurluberlu", "pétaudière", "tohu-bohu", "brouhaha", "capharnaüm", "mirliton", "ribambelle", "saperlipopette",
    "calembredaine", "escarmouche", "farfelu", "gabegie", "hippocampe", "imbroglio", "jacquerie", "kaléidoscope", "lampadaire",
    "margoulin", "nénuphar", "onomatopée", "palimpseste", "quiproquo", "rhododendron", "sycomore", "tarabiscoté", "ubuesque",
    "vergeture", "wagonnet", "xénophile", "yaourtière",
];

/// Words found nowhere (typed by a user, found in no message).
const NO_HIT: &[&str] = &[
    "anticonstitutionnellement", "zygomatique", "brimborion", "coquecigrue", "faribole", "billevesée", "tintinnabuler",
    "pusillanime", "procrastination", "sérendipité", "vespéral", "ineffable", "callipyge", "nyctalope", "abscons", "subreptice",
    "atrabilaire", "velléitaire", "acrimonie", "concupiscence", "dithyrambique", "éphéméride", "fuligineux", "gracile", "hiératique",
    "iconoclaste", "jouvence", "kermesse", "lénifiant", "mansuétude", "nitescence", "obséquieux", "pérégrination", "quintessence",
    "rasséréner", "sibyllin", "thuriféraire", "ultramontain", "vitupérer", "zinzolin",
];

const SENDERS: &[&str] = &[
    "@marie.dupont-interieur.gouv.fr:agent.interieur.tchap.gouv.fr",
    "@jean.martin-finances.gouv.fr:agent.finances.tchap.gouv.fr",
    "@sophie.bernard-education.gouv.fr:agent.education.tchap.gouv.fr",
    "@pierre.lefevre-interieur.gouv.fr:agent.interieur.tchap.gouv.fr",
    "@amelie.roux-sante.gouv.fr:agent.social.tchap.gouv.fr",
    "@nicolas.moreau-culture.gouv.fr:agent.culture.tchap.gouv.fr",
    "@helene.girard-justice.gouv.fr:agent.justice.tchap.gouv.fr",
    "@thomas.andre-numerique.gouv.fr:agent.dinum.tchap.gouv.fr",
];

/// 2026-11-01 00:00 UTC; messages are spread over the 30 days after it.
const FIRST_TS_MS: u64 = 1_793_491_200_000;
const SPAN_MS: u64 = 30 * 24 * 3600 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Rare,
    Common,
    TwoWords,
    NoHit,
}

impl QueryKind {
    pub const ALL: [QueryKind; 4] = [QueryKind::Rare, QueryKind::Common, QueryKind::TwoWords, QueryKind::NoHit];

    pub fn label(self) -> &'static str {
        match self {
            QueryKind::Rare => "rare",
            QueryKind::Common => "common",
            QueryKind::TwoWords => "two-words",
            QueryKind::NoHit => "no-hit",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            QueryKind::Rare => "rare words",
            QueryKind::Common => "common words",
            QueryKind::TwoWords => "two words",
            QueryKind::NoHit => "words found nowhere",
        }
    }
}

/// xorshift64*: a fixed sequence, no dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub struct Corpus {
    bodies: Vec<String>,
    /// How many messages each rare word was planted in.
    planted: Vec<usize>,
}

impl Corpus {
    pub fn new(messages: usize) -> Self {
        let mut random = Random(0x7c4a_7c4a_5eed_0001);
        let mut bodies: Vec<String> = (0..messages).map(|_| body(&mut random)).collect();
        let mut planted = Vec::new();
        for (k, word) in RARE.iter().enumerate() {
            let mut chosen: Vec<usize> = Vec::new();
            while chosen.len() < (k % 5 + 1).min(messages) {
                let at = random.below(messages);
                if !chosen.contains(&at) {
                    chosen.push(at);
                }
            }
            for at in &chosen {
                plant(&mut bodies[*at], word, &mut random);
            }
            planted.push(chosen.len());
        }
        Self { bodies, planted }
    }

    pub fn events(&self) -> Vec<OriginalSyncRoomMessageEvent> {
        let mut random = Random(0x0e0e_1d5e_ed00_0002);
        let step = SPAN_MS / self.bodies.len().max(1) as u64;
        self.bodies
            .iter()
            .enumerate()
            .map(|(i, body)| {
                let event = serde_json::json!({
                    "type": "m.room.message",
                    "event_id": event_id(&mut random),
                    "sender": SENDERS[random.below(SENDERS.len())],
                    "origin_server_ts": FIRST_TS_MS + i as u64 * step,
                    "content": { "msgtype": "m.text", "body": body },
                    "unsigned": { "age": 1234 },
                });
                serde_json::from_value(event).expect("a room message event")
            })
            .collect()
    }

    /// What a user types: rare words (some capitalised), common words, two
    /// words, and words found nowhere; mixed, not grouped by kind.
    pub fn queries(&self) -> Vec<(QueryKind, String)> {
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let mut queries = Vec::new();
        for (k, word) in RARE.iter().enumerate() {
            let typed = if k % 3 == 0 { capitalise(word) } else { (*word).to_owned() };
            queries.push((QueryKind::Rare, typed));
        }
        let common: Vec<&str> = VOCABULARY[20..90].iter().copied().filter(|w| w.chars().all(char::is_alphabetic)).collect();
        for word in common.iter().take(60) {
            queries.push((QueryKind::Common, (*word).to_owned()));
        }
        for n in 0..60 {
            let first = common[random.below(common.len())];
            let second = if n % 3 == 0 { RARE[random.below(RARE.len())] } else { common[random.below(common.len())] };
            queries.push((QueryKind::TwoWords, format!("{first} {second}")));
        }
        for word in NO_HIT {
            queries.push((QueryKind::NoHit, (*word).to_owned()));
        }
        // Interleaved, so that no kind runs only while the caches are cold.
        for i in (1..queries.len()).rev() {
            queries.swap(i, random.below(i + 1));
        }
        queries
    }

    /// For each query, the number of results it must give when known.
    pub fn expected_hits(&self, limit: usize) -> Vec<Option<usize>> {
        self.queries()
            .iter()
            .map(|(kind, typed)| match kind {
                QueryKind::Rare => RARE.iter().position(|w| w.eq_ignore_ascii_case(typed)).map(|k| self.planted[k].min(limit)),
                QueryKind::NoHit => Some(0),
                _ => None,
            })
            .collect()
    }

    pub fn body_bytes(&self) -> usize {
        self.bodies.iter().map(String::len).sum()
    }

    pub fn median_words(&self) -> usize {
        let mut words: Vec<usize> = self.bodies.iter().map(|b| b.split_whitespace().count()).collect();
        words.sort_unstable();
        words.get(words.len() / 2).copied().unwrap_or(0)
    }

    pub fn rare_words(&self) -> usize {
        RARE.len()
    }
}

/// Mostly short messages, some paragraphs, a few long ones.
fn body(random: &mut Random) -> String {
    let roll = random.below(100);
    let words = match roll {
        0..70 => 1 + random.below(12),
        70..95 => 13 + random.below(48),
        _ => 61 + random.below(240),
    };
    let mut text = String::new();
    for n in 0..words {
        // rank ≈ V·u³: the first words of the list come far more often.
        let rank = ((VOCABULARY.len() as f64) * random.unit().powi(3)) as usize;
        let word = VOCABULARY[rank.min(VOCABULARY.len() - 1)];
        if n > 0 {
            text.push(' ');
        }
        if n == 0 || random.below(12) == 0 { text.push_str(&capitalise(word)) } else { text.push_str(word) }
    }
    if random.below(3) == 0 {
        text.push_str(if random.below(2) == 0 { "." } else { " !" });
    }
    text
}

fn plant(body: &mut String, word: &str, random: &mut Random) {
    let mut words: Vec<&str> = body.split(' ').collect();
    let at = random.below(words.len() + 1);
    words.insert(at, word);
    *body = words.join(" ");
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn event_id(random: &mut Random) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let id: String = (0..43).map(|_| ALPHABET[random.below(ALPHABET.len())] as char).collect();
    format!("${id}")
}
