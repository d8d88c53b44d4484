// A few hundred common emojis with French search words, kept here (no
// network, no big dependency). Each line: the emoji, then its words.
const DATA = `
👍 pouce haut oui d'accord ok approuve bien
👎 pouce bas non désaccord
❤️ cœur coeur amour rouge aime
😂 rire larmes mdr drôle
😮 surpris étonné bouche ouverte oh
😢 triste larme pleure
🎉 fête bravo félicitations confettis
✅ coche validé fait terminé ok vert
👏 applaudir bravo mains
🙏 merci prière s'il vous plaît mains jointes
🔥 feu flamme génial
👀 yeux regarde vu
💯 cent parfait
🚀 fusée lancement rapide
🤝 poignée de main accord partenariat
👌 ok parfait
✌️ victoire paix
🤞 doigts croisés chance
💪 biceps force courage
👋 salut bonjour au revoir main
🙌 mains levées hourra
🤔 réfléchit pensif hmm
🙂 sourire léger content
😀 sourire heureux
😃 sourire grands yeux joie
😄 sourire yeux rieurs
😁 sourire dents
😆 rire yeux fermés
😅 rire gêné sueur
🤣 mort de rire roule par terre
😊 sourire rougissant content
😇 ange innocent auréole
😉 clin d'œil clin d'oeil
😌 soulagé serein
😍 amoureux yeux cœurs
🥰 amour cœurs tendresse
😘 bisou baiser
😋 miam délicieux langue
😛 langue tirée
😜 langue clin d'œil blague
🤪 fou loufoque
😎 lunettes de soleil cool
🤩 étoiles ébloui
🥳 fête chapeau
😏 sourire en coin narquois
😒 blasé mécontent
😞 déçu
😔 pensif triste
😟 inquiet
😕 perplexe confus
🙁 légèrement triste
☹️ triste mécontent
😣 persévérant
😖 confus déconcerté
😫 fatigué épuisé
😩 las épuisé
🥺 suppliant yeux implorants
😭 pleure fort sanglots
😤 fulmine vapeur
😠 fâché en colère
😡 furieux rouge colère
🤬 injures colère
🤯 tête qui explose choqué
😳 rouge gêné
🥵 chaud
🥶 froid gelé
😱 peur cri horreur
😨 effrayé
😰 anxieux sueur
😥 déçu soulagé
😓 sueur froide
🤗 câlin accueil
🤭 main sur la bouche oups
🤫 chut silence secret
🤥 menteur
😶 sans voix muet
😐 neutre
😑 inexpressif
😬 grimace gêne
🙄 yeux au ciel
😯 ébahi
😦 bouche bée
😧 angoissé
😲 stupéfait
🥱 bâillement ennui fatigue
😴 dort sommeil zzz
🤤 bave
😪 somnolent
😵 étourdi
🤐 bouche cousue secret
🥴 éméché
🤢 nausée malade
🤮 vomit
🤧 éternue rhume
😷 masque malade
🤒 fièvre thermomètre malade
🤕 blessé bandage
🤑 argent
🤠 cowboy chapeau
😈 diable sourire
👻 fantôme
💀 crâne mort
🤖 robot
👽 extraterrestre
💩 caca
🤡 clown
🙈 singe ne voit pas
🙉 singe n'entend pas
🙊 singe ne dit rien
😺 chat souriant
❣️ cœur exclamation
💔 cœur brisé
🧡 cœur orange
💛 cœur jaune
💚 cœur vert
💙 cœur bleu
💜 cœur violet
🖤 cœur noir
🤍 cœur blanc
💕 deux cœurs
💖 cœur étincelant
💗 cœur qui grandit
💓 cœur qui bat
💞 cœurs qui tournent
💘 cœur flèche
💝 cœur ruban cadeau
💋 bisou lèvres
💌 lettre d'amour
💤 sommeil zzz
💢 colère
💥 collision boum
💫 étourdi étoile
💦 gouttes sueur
💨 vite fuite
💬 bulle parole discussion
🗨️ bulle dialogue
💭 bulle pensée
🤚 main levée
🖐️ main doigts écartés
✋ main levée stop
🖖 salut vulcain
👈 doigt gauche
👉 doigt droite
👆 doigt haut
👇 doigt bas
☝️ index levé attention
✊ poing levé
👊 poing
🤛 poing gauche
🤜 poing droite
👐 mains ouvertes
🤲 paumes ouvertes
✍️ écrit main
💅 vernis
🤳 selfie
🧠 cerveau intelligence
👶 bébé
🧒 enfant
👦 garçon
👧 fille
🧑 personne
👨 homme
👩 femme
🧓 personne âgée
👴 vieil homme
👵 vieille femme
🙋 main levée question
🙆 geste ok
🙅 geste non
🤷 haussement d'épaules je ne sais pas
🤦 consterné facepalm
💁 renseignement
🙇 révérence excuse
👮 policier police
🕵️ détective enquête
💂 garde
👷 ouvrier chantier
🧑‍⚕️ soignant médecin santé
🧑‍🏫 enseignant professeur
🧑‍⚖️ juge justice
🧑‍🚒 pompier
🧑‍💻 informaticien ordinateur
🧑‍💼 employé bureau
🧑‍🔧 technicien mécanicien
🧑‍🔬 scientifique
🧑‍🍳 cuisinier
🧑‍🌾 agriculteur
🧑‍✈️ pilote
🤵 costume
👰 mariage
🎅 père noël
🦸 super-héros
🏃 court course
🚶 marche piéton
🧘 yoga calme
👪 famille
👥 personnes groupe équipe
🗣️ parle
🐶 chien
🐱 chat
🐭 souris
🐰 lapin
🦊 renard
🐻 ours
🐼 panda
🐨 koala
🐯 tigre
🦁 lion
🐮 vache
🐷 cochon
🐸 grenouille
🐵 singe
🐔 poule
🐧 pingouin manchot
🐦 oiseau
🐤 poussin
🦆 canard
🦅 aigle
🦉 hibou chouette
🐺 loup
🐗 sanglier
🐴 cheval
🦄 licorne
🐝 abeille
🐛 chenille bug
🦋 papillon
🐌 escargot lent
🐞 coccinelle
🐢 tortue lent
🐍 serpent
🐙 pieuvre
🐟 poisson
🐬 dauphin
🐳 baleine
🦈 requin
🐘 éléphant
🐓 coq france
🌵 cactus
🎄 sapin noël
🌲 conifère arbre
🌳 arbre
🌴 palmier
🌱 pousse
🌿 herbe
☘️ trèfle
🍀 trèfle quatre feuilles chance
🍁 feuille érable automne
🍂 feuilles mortes
🌷 tulipe fleur
🌹 rose fleur
🌻 tournesol
🌼 fleur
🌸 fleur de cerisier
💐 bouquet fleurs
🌞 soleil visage
🌝 pleine lune
🌙 croissant lune nuit
⭐ étoile
🌟 étoile brillante
✨ étincelles
⚡ éclair foudre
☀️ soleil beau temps
⛅ soleil nuage
☁️ nuage
🌧️ pluie
⛈️ orage
❄️ flocon neige
☃️ bonhomme de neige
🌈 arc-en-ciel
☔ parapluie pluie
🌊 vague mer
🍏 pomme verte
🍎 pomme rouge
🍐 poire
🍊 orange mandarine
🍋 citron
🍌 banane
🍉 pastèque
🍇 raisin
🍓 fraise
🍒 cerises
🍑 pêche
🍍 ananas
🥝 kiwi
🍅 tomate
🥑 avocat
🥕 carotte
🌽 maïs
🥔 pomme de terre
🥐 croissant
🥖 baguette pain
🍞 pain
🧀 fromage
🥚 œuf
🍳 œuf au plat cuisine
🥞 crêpes
🥓 bacon
🍗 poulet cuisse
🍔 hamburger
🍟 frites
🍕 pizza
🌭 hot-dog
🥪 sandwich
🌮 taco
🥗 salade
🍝 pâtes spaghetti
🍜 soupe nouilles
🍣 sushi
🍰 gâteau part
🎂 gâteau anniversaire
🧁 cupcake
🍫 chocolat
🍬 bonbon
🍭 sucette
🍩 beignet donut
🍪 cookie biscuit
🍿 pop-corn
☕ café thé boisson chaude pause
🍵 thé
🥤 gobelet boisson
🍺 bière
🍻 santé bières trinquer
🥂 champagne trinquer
🍷 vin verre
🍾 champagne bouteille
🍴 couverts repas déjeuner
⚽ football ballon
🏀 basket
🏉 rugby
🎾 tennis
🚴 vélo cyclisme
🏆 trophée coupe victoire
🥇 médaille or premier
🥈 médaille argent deuxième
🥉 médaille bronze troisième
🏅 médaille
🎯 cible objectif
🎮 jeu vidéo manette
🎲 dé jeu
🧩 puzzle pièce
🎨 peinture palette art
🎭 théâtre masques
🎬 clap cinéma
🎤 micro
🎧 casque musique
🎵 note musique
🎶 notes musique
🎸 guitare
🎹 piano
🎁 cadeau
🎈 ballon fête
🎊 confettis fête
🎀 ruban
🎆 feu d'artifice
🇫🇷 drapeau france
🇪🇺 drapeau europe union européenne
🚗 voiture
🚕 taxi
🚌 bus
🚑 ambulance
🚒 camion de pompiers
🚓 voiture de police
🚲 vélo
🛴 trottinette
🚆 train
🚄 TGV train grande vitesse
🚇 métro
✈️ avion voyage
🚢 bateau paquebot
⛵ voilier
🏠 maison
🏡 maison jardin
🏢 immeuble bureaux
🏛️ bâtiment classique ministère institution
🏥 hôpital
🏦 banque
🏫 école
🏰 château
⛪ église
🗼 tour
🗽 statue de la liberté
⛰️ montagne
🏖️ plage vacances
🏕️ camping
⌚ montre
📱 téléphone portable mobile
💻 ordinateur portable
⌨️ clavier
🖥️ écran ordinateur
🖨️ imprimante
🖱️ souris ordinateur
💾 disquette sauvegarde
💿 disque
📷 appareil photo
📹 caméra vidéo
📺 télévision
📻 radio
☎️ téléphone
📞 combiné appel
📠 fax
🔋 batterie
🔌 prise électrique
💡 ampoule idée
🔦 lampe torche
🕯️ bougie
🗑️ corbeille poubelle
💸 argent qui s'envole dépense
💵 billet dollar
💶 billet euro
💰 sac d'argent budget
💳 carte bancaire
🧾 reçu facture
✉️ enveloppe courrier
📧 e-mail courriel
📨 courrier entrant
📩 enveloppe flèche
📤 boîte d'envoi
📥 boîte de réception
📦 colis paquet
📫 boîte aux lettres
📝 mémo note écrire
📄 page document
📃 page enroulée
📑 onglets signets
📊 graphique barres statistiques
📈 graphique hausse croissance
📉 graphique baisse
🗒️ bloc-notes
📆 calendrier
📅 calendrier date
🗓️ agenda calendrier
📇 fichier cartes
🗃️ boîte fichiers
🗄️ armoire classement
📋 presse-papiers
📁 dossier
📂 dossier ouvert
🗂️ intercalaires classement
📌 punaise épingle
📍 épingle lieu
📎 trombone pièce jointe
🖇️ trombones
📏 règle
📐 équerre
✂️ ciseaux
🖊️ stylo
🖋️ stylo plume signature
✒️ plume
✏️ crayon modifier
🔍 loupe recherche
🔎 loupe droite chercher
🔏 cadenas stylo
🔐 cadenas clé
🔒 cadenas fermé sécurité
🔓 cadenas ouvert
🔑 clé
🗝️ vieille clé
🔨 marteau
🛠️ outils
🔧 clé à molette
🔩 boulon
⚙️ engrenage paramètres
⚖️ balance justice
🔗 lien chaîne
🧰 boîte à outils
🧲 aimant
🧪 éprouvette test
🔬 microscope
🔭 télescope
📡 antenne satellite
💉 seringue vaccin
💊 pilule médicament
🩺 stéthoscope
🚪 porte
🪑 chaise
🚽 toilettes
🛒 caddie courses
🚬 cigarette
⚠️ attention avertissement danger
⛔ sens interdit
🚫 interdit
❌ croix non erreur annulé
❎ croix verte
⭕ cercle
❗ point d'exclamation important
❓ point d'interrogation question
❔ question blanche
❕ exclamation blanche
‼️ double exclamation
⁉️ exclamation interrogation
💲 dollar
♻️ recyclage
✔️ coche validé
☑️ case cochée
➕ plus ajouter
➖ moins
➗ diviser
✖️ multiplier
🔴 rond rouge
🟠 rond orange
🟡 rond jaune
🟢 rond vert
🔵 rond bleu
🟣 rond violet
⚫ rond noir
⚪ rond blanc
🟥 carré rouge
🟩 carré vert
🟦 carré bleu
🔺 triangle rouge haut
🔻 triangle rouge bas
🔔 cloche notification
🔕 cloche barrée silence
📣 mégaphone annonce
📢 haut-parleur annonce
⏰ réveil
⏳ sablier attente
⌛ sablier fini
⏱️ chronomètre
🕐 une heure horloge
🆕 nouveau
🆗 ok bouton
🆘 sos secours
🆙 up
🔝 top
🔜 bientôt
🔙 retour
➡️ flèche droite
⬅️ flèche gauche
⬆️ flèche haut
⬇️ flèche bas
↩️ flèche retour
🔄 rafraîchir actualiser
🔁 répéter
▶️ lecture
⏸️ pause
⏹️ stop arrêt
1️⃣ un chiffre
2️⃣ deux chiffre
3️⃣ trois chiffre
4️⃣ quatre chiffre
5️⃣ cinq chiffre
🔢 chiffres
ℹ️ information
🅿️ parking
`;

export interface Emoji {
  emoji: string;
  /** Lower-case French words, accents kept (the search ignores them). */
  words: string;
}

export const EMOJIS: readonly Emoji[] = DATA.trim()
  .split("\n")
  .map((line) => {
    const space = line.indexOf(" ");
    return { emoji: line.slice(0, space), words: line.slice(space + 1).toLowerCase() };
  });

/** Lower case without accents: "cœur" is found as "coeur", "fête" as "fete". */
export function fold(text: string): string {
  return text.toLowerCase().replace(/œ/g, "oe").normalize("NFD").replace(/\p{Diacritic}/gu, "");
}

const FOLDED = EMOJIS.map((e) => fold(e.words));

/** The emojis whose words start with every word of `query` (all of them for an empty query). */
export function searchEmojis(query: string): Emoji[] {
  const terms = fold(query).split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...EMOJIS];
  return EMOJIS.filter((_, i) => {
    const words = FOLDED[i].split(/[\s'-]+/);
    return terms.every((term) => words.some((word) => word.startsWith(term)));
  });
}
