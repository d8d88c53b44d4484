// French names of the 64 emojis of the Matrix SAS verification, by their
// index in the specification's table (the backend sends the index, the
// symbol and the English name). Element uses the same translated list, so
// both screens name them alike.
const FRENCH_NAMES = [
  "Chien", "Chat", "Lion", "Cheval", "Licorne", "Cochon", "Éléphant", "Lapin",
  "Panda", "Coq", "Pingouin", "Tortue", "Poisson", "Poulpe", "Papillon", "Fleur",
  "Arbre", "Cactus", "Champignon", "Globe", "Lune", "Nuage", "Feu", "Banane",
  "Pomme", "Fraise", "Maïs", "Pizza", "Gâteau", "Cœur", "Sourire", "Robot",
  "Chapeau", "Lunettes", "Clé à molette", "Père Noël", "Pouce levé", "Parapluie", "Sablier", "Réveil",
  "Cadeau", "Ampoule", "Livre", "Crayon", "Trombone", "Ciseaux", "Cadenas", "Clé",
  "Marteau", "Téléphone", "Drapeau", "Train", "Vélo", "Avion", "Fusée", "Trophée",
  "Ballon", "Guitare", "Trompette", "Cloche", "Ancre", "Casque audio", "Dossier", "Punaise",
] as const;

/** The emoji's name in `locale`; the specification's English name otherwise. */
export function sasEmojiName(emoji: { index: number; description: string }, locale: string): string {
  if (locale === "fr") return FRENCH_NAMES[emoji.index] ?? emoji.description;
  return emoji.description;
}

