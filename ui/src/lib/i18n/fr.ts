// French strings (default language). Keep straight apostrophes: the
// end-to-end tests look elements up by these exact names.
export const fr = {
  "app.loading": "Chargement…",
  "lang.label": "Langue / Language",

  "login.title": "Connexion à Tchap",
  "login.intro": "Connectez-vous avec votre compte Tchap.",
  "login.homeserver": "Adresse du serveur",
  "login.homeserverHint": "Exemple : https://matrix.agent.tchap.gouv.fr",
  "login.username": "Identifiant",
  "login.usernameHint": "Votre adresse Matrix (@nom:serveur) ou votre nom d'utilisateur",
  "login.email": "Adresse e-mail professionnelle",
  "login.emailHint": "Exemple : prenom.nom@ministere.gouv.fr",
  "login.usernameOrEmail": "Identifiant ou adresse e-mail",
  "login.usernameOrEmailHint": "Votre adresse e-mail, votre adresse Matrix (@nom:serveur) ou votre nom d'utilisateur",
  "login.otherServer": "Se connecter sur un autre serveur",
  "login.password": "Mot de passe",
  "login.submit": "Se connecter",
  "login.thisRunOnly": "Se connecter sans mémoriser la session",
  "login.thisRunOnlyText":
    "Vous pouvez tout de même vous connecter pour cette fois : rien ne sera enregistré sur ce poste, et vous serez déconnecté à la fermeture de Tchap. Vous devrez vous reconnecter à chaque ouverture ; vos anciens messages chiffrés resteront lisibles grâce à votre clé de récupération.",
  "security.thisRunLabel": "Session non mémorisée",
  "security.thisRunOnly":
    "Session non mémorisée : le trousseau de votre poste n'est pas disponible. Vous serez déconnecté à la fermeture de Tchap.",
  "login.busy": "Connexion en cours…",
  "login.missingHomeserver": "Indiquez l'adresse du serveur.",
  "login.missingUsername": "Indiquez votre identifiant.",
  "login.missingEmail": "Indiquez votre adresse e-mail professionnelle.",
  "login.missingPassword": "Indiquez votre mot de passe.",
  "login.ended.logged_out": "Votre session a été fermée. Reconnectez-vous pour continuer.",
  "login.ended.token_revoked":
    "Cette session a été déconnectée depuis un autre appareil, ou votre compte a été désactivé : ses données ont été effacées de ce poste. Reconnectez-vous pour continuer.",
  "login.savedSessionKept":
    "Votre session enregistrée est conservée sur ce poste : vous pourrez la rouvrir une fois le trousseau déverrouillé.",
  "login.backToSavedSession": "Revenir à ma session enregistrée",

  "session.account": "Compte :",
  "session.retry": "Réessayer",
  "session.retrying": "Ouverture de votre session…",

  "locked.title": "Trousseau verrouillé",
  "locked.text":
    "Votre session Tchap est enregistrée, mais le trousseau de votre poste est verrouillé ou n'est pas encore démarré. Rien n'est perdu.",
  "locked.howTo":
    "Déverrouillez le trousseau de votre poste : une fenêtre vous demande peut-être son mot de passe (souvent celui de votre session sur cet ordinateur). Cliquez ensuite sur « Réessayer ».",
  "locked.stillLocked": "Le trousseau est toujours verrouillé. Déverrouillez-le, puis cliquez de nouveau sur « Réessayer ».",
  "locked.useLogin": "Se connecter avec mon mot de passe",
  "locked.useLoginNote":
    "Vous pouvez aussi vous connecter avec votre identifiant et votre mot de passe. Votre session enregistrée ne sera pas effacée.",

  "resume.title": "Votre session a expiré",
  "resume.text":
    "Par sécurité, saisissez de nouveau votre mot de passe pour continuer. Vos messages et vos clés de chiffrement sont conservés sur ce poste.",
  "resume.submit": "Se reconnecter",
  "resume.busy": "Reconnexion en cours…",
  "resume.logoutText":
    "Vous ne souhaitez pas vous reconnecter ? Vous pouvez vous déconnecter : les messages et les clés conservés sur ce poste pour ce compte seront alors effacés.",
  "resume.logout": "Se déconnecter",

  "expired.title": "Votre compte Tchap a expiré",
  "expired.text":
    "La période de validité de votre compte Tchap est terminée. Vos messages et vos clés de chiffrement sont conservés sur ce poste.",
  "expired.whatToDo": "Que faire ?",
  "expired.renew":
    "Demandez l'e-mail de renouvellement, puis ouvrez le lien qu'il contient (pensez à regarder dans vos courriers indésirables).",
  "expired.noMail": "Si vous n'avez pas reçu cet e-mail, contactez votre administrateur ou votre support informatique.",
  "expired.thenRetry": "Une fois votre compte renouvelé, cliquez sur « J'ai renouvelé mon compte ».",
  "expired.sendMail": "Recevoir l'e-mail de renouvellement",
  "expired.resend": "Renvoyer l'e-mail",
  "expired.resendIn": "Renvoyer l'e-mail (dans {seconds} s)",
  "expired.mailSent": "L'e-mail de renouvellement a été envoyé à votre adresse professionnelle.",
  "expired.renewed": "J'ai renouvelé mon compte",
  "expired.stillExpired": "Votre compte n'est pas encore renouvelé. Ouvrez le lien de l'e-mail, puis réessayez.",

  "header.account": "Compte connecté :",
  "sync.starting": "Synchronisation…",
  "sync.running": "En ligne",
  "sync.offline": "Hors ligne",
  "sync.error": "Erreur de synchronisation",
  "header.logout": "Se déconnecter",

  "logout.title": "Se déconnecter ?",
  "logout.text": "Vous devrez saisir de nouveau votre identifiant et votre mot de passe pour retrouver vos conversations.",
  "logout.confirm": "Confirmer la déconnexion",
  "dialog.cancel": "Annuler",

  "dialog.close": "Fermer",
  "dialog.back": "Retour",
  "logout.keysAtRisk":
    "La sauvegarde sécurisée n'est pas active sur cette session : après la déconnexion, vos messages chiffrés ne pourront plus être lus ici ni sur un nouvel appareil.",

  "security.noticeLabel": "Sécurité du compte",
  "security.notice.verify": "Cette session n'est pas vérifiée : vos messages chiffrés précédents restent illisibles ici.",
  "security.notice.setup": "La sauvegarde sécurisée n'est pas activée : sans elle, vous perdrez vos messages chiffrés en changeant d'appareil.",
  "security.notice.key": "Saisissez votre clé de récupération pour finir de sécuriser cette session.",
  "security.action.verify": "Vérifier cette session",
  "security.action.setup": "Activer la sauvegarde",
  "security.action.key": "Saisir la clé de récupération",

  "recovery.title": "Sauvegarde sécurisée",
  "recovery.resetTitle": "Nouvelle clé de récupération",
  "recovery.intro":
    "Tchap sauvegarde les clés de vos messages chiffrés, protégées par une clé de récupération que vous seul détenez. Elle vous permettra de lire vos messages sur un nouvel appareil.",
  "recovery.resetIntro":
    "Une nouvelle clé de récupération va remplacer l'actuelle, qui ne fonctionnera plus. Vos messages sauvegardés restent lisibles.",
  "recovery.create": "Générer ma clé de récupération",
  "recovery.creating": "Création de la clé…",
  "recovery.later": "Plus tard",
  "recovery.keep":
    "Voici votre clé de récupération. Elle ne sera plus affichée : copiez-la dans un gestionnaire de mots de passe ou enregistrez-la dans un fichier, et conservez-la en lieu sûr.",
  "recovery.keyLabel": "Votre clé de récupération",
  "recovery.copy": "Copier la clé",
  "recovery.copied": "Clé copiée dans le presse-papiers.",
  "recovery.save": "Enregistrer dans un fichier",
  "recovery.savedTo": "Clé enregistrée dans le fichier : {path}",
  "recovery.continue": "J'ai conservé ma clé",
  "recovery.typeBack": "Saisissez votre clé de récupération",
  "recovery.typeBackHint": "48 caractères ; les espaces sont facultatifs.",
  "recovery.mismatch": "La clé saisie ne correspond pas à celle affichée. Vérifiez-la ou revoyez la clé.",
  "recovery.check": "Vérifier",
  "recovery.showAgain": "Revoir la clé",
  "recovery.done": "La sauvegarde sécurisée est activée. Gardez votre clé de récupération en lieu sûr.",
  "recovery.finish": "Terminer",

  "verifySession.title": "Vérifiez cette session",
  "verifySession.intro":
    "Pour lire vos messages chiffrés sur cet appareil, confirmez qu'il s'agit bien de vous : depuis un autre appareil où vous êtes connecté, ou avec votre clé de récupération.",
  "verifySession.noWay":
    "Aucun autre appareil connecté ni clé de récupération n'est disponible pour ce compte. Vos nouveaux messages restent lisibles ; les anciens ne le seront pas ici.",
  "verifySession.otherSession": "Utiliser un autre appareil",
  "verifySession.recoveryKey": "Utiliser ma clé de récupération",
  "verifySession.keyLabel": "Clé de récupération",
  "verifySession.unlock": "Vérifier la session",
  "verifySession.unlocking": "Vérification…",
  "verifySession.done": "Cette session est vérifiée. Vos messages chiffrés vont s'afficher.",

  "verification.waiting": "En attente de l'autre appareil… Acceptez la demande qui s'y affiche.",
  "verification.waitingUser":
    "En attente de {name}… Demandez-lui d'accepter la demande dans Tchap. Sans réponse, annulez puis recommencez.",
  "verification.compare":
    "Vérifiez que les émojis ci-dessous s'affichent dans le même ordre sur l'autre appareil.",
  "verification.emojisLabel": "Émojis à comparer",
  "verification.match": "Ils correspondent",
  "verification.noMatch": "Ils ne correspondent pas",
  "verification.confirmed": "En attente de la confirmation de l'autre appareil…",
  "verification.done": "Vérification réussie.",
  "verification.cancelled.mismatch":
    "Les émojis ne correspondaient pas : la vérification est annulée. Si vous n'êtes pas à l'origine de cette demande, prévenez votre support informatique.",
  "verification.cancelled.other_side": "La vérification a été annulée sur l'autre appareil.",
  "verification.cancelled.this_side": "Vous avez annulé la vérification.",
  "verification.cancelled.timeout": "La vérification a expiré. Recommencez.",
  "verification.cancelled.other": "La vérification n'a pas pu aboutir. Recommencez.",

  "incoming.title": "Demande de vérification",
  "incoming.ownSession":
    "Votre session « {device} » demande à vérifier celle-ci. Acceptez seulement si vous venez de vous y connecter vous-même.",
  "incoming.otherUser": "{user} souhaite vérifier votre identité en comparant des émojis.",

  "header.security": "Sécurité",
  "settings.title": "Sécurité et sessions",
  "settings.recoveryTitle": "Clé de récupération",
  "settings.recoveryText":
    "Votre clé de récupération vous permet de lire vos messages chiffrés sur un nouvel appareil. Si vous l'avez perdue, ou si quelqu'un d'autre a pu la voir, générez-en une nouvelle : l'ancienne ne fonctionnera plus.",
  "settings.recoveryDisabled":
    "La sauvegarde sécurisée n'est pas activée : sans elle, vous perdrez vos messages chiffrés en changeant d'appareil.",
  "settings.recoveryReset": "Générer une nouvelle clé",
  "sessions.title": "Vos sessions",
  "sessions.intro":
    "Chaque ordinateur, téléphone ou navigateur connecté à votre compte est une session. Déconnectez celles que vous ne reconnaissez pas ou que vous n'utilisez plus.",
  "sessions.loading": "Chargement de vos sessions…",
  "sessions.retry": "Réessayer",
  "sessions.current": "Cette session",
  "sessions.unnamed": "Session sans nom",
  "sessions.verified": "Vérifiée",
  "sessions.unverified": "Non vérifiée",
  "sessions.deviceId": "Identifiant : {id}",
  "sessions.lastSeen": "Dernière activité :",
  "sessions.lastSeenAt": "{day} à {time}",
  "sessions.lastSeenUnknown": "Dernière activité inconnue",
  "sessions.ip": "Adresse IP : {ip}",
  "sessions.rename": "Renommer",
  "sessions.renameLabel": "Renommer la session {name}",
  "sessions.nameField": "Nom de la session",
  "sessions.nameHint": "Par exemple « Ordinateur du bureau » ({max} caractères au plus).",
  "sessions.save": "Enregistrer",
  "sessions.signOut": "Déconnecter",
  "sessions.signOutLabel": "Déconnecter la session {name}",
  "sessions.signOutText":
    "La session « {name} » sera fermée : il faudra s'y reconnecter pour l'utiliser. Confirmez avec le mot de passe de votre compte.",
  "sessions.confirmSignOut": "Déconnecter cette session",
  "sessions.signOutOthers": "Déconnecter les autres sessions",
  "sessions.signOutOthersText":
    "Toutes vos sessions, sauf celle-ci, seront fermées. Confirmez avec le mot de passe de votre compte.",
  "sessions.confirmSignOutOthers": "Confirmer la déconnexion",
  "sessions.password": "Mot de passe",
  "sessions.wrongPassword": "Mot de passe incorrect. Saisissez le mot de passe de votre compte Tchap.",
  "sessions.signingOut": "Déconnexion…",
  "sessions.signedOut": "La session « {name} » a été déconnectée.",
  "sessions.signedOutOthers.none": "Aucune autre session n'était connectée.",
  "sessions.signedOutOthers.one": "{count} session déconnectée.",
  "sessions.signedOutOthers.other": "{count} sessions déconnectées.",
  "sessions.onlyThis": "Aucune autre session n'est connectée à votre compte.",
  "roomKeys.title": "Clés de chiffrement",
  "roomKeys.intro":
    "Vos messages chiffrés ne se lisent qu'avec leurs clés. Vous pouvez les enregistrer dans un fichier protégé par une phrase secrète, puis les importer dans une autre session, par exemple si la sauvegarde sécurisée n'est pas disponible.",
  "roomKeys.exportTitle": "Exporter les clés",
  "roomKeys.exportText":
    "Le fichier sera enregistré dans votre dossier Téléchargements. Il donne accès à tous vos messages chiffrés : conservez-le en lieu sûr et ne le transmettez à personne.",
  "roomKeys.passphrase": "Phrase secrète",
  "roomKeys.passphraseHint": "Au moins {min} caractères. Elle vous sera demandée pour importer le fichier.",
  "roomKeys.confirmPassphrase": "Confirmez la phrase secrète",
  "roomKeys.tooShort": "La phrase secrète doit comporter au moins {min} caractères.",
  "roomKeys.mismatch": "Les deux phrases secrètes ne sont pas identiques. Saisissez-les de nouveau.",
  "roomKeys.export": "Exporter les clés",
  "roomKeys.exporting": "Export en cours…",
  "roomKeys.exported": "Clés enregistrées dans le fichier : {path}",
  "roomKeys.importTitle": "Importer des clés",
  "roomKeys.importText":
    "Ajoutez à cette session les clés d'un fichier exporté depuis Tchap ou Element : les messages correspondants deviendront lisibles.",
  "roomKeys.file": "Fichier de clés",
  "roomKeys.fileHint": "Fichier texte (.txt) exporté depuis Tchap ou Element.",
  "roomKeys.missingFile": "Choisissez le fichier de clés à importer.",
  "roomKeys.filePassphrase": "Phrase secrète du fichier",
  "roomKeys.missingPassphrase": "Saisissez la phrase secrète choisie lors de l'export.",
  "roomKeys.import": "Importer les clés",
  "roomKeys.importing": "Import en cours…",
  "roomKeys.imported.one": "{imported} clé importée sur {total}.",
  "roomKeys.imported.other": "{imported} clés importées sur {total}.",

  "rooms.heading": "Conversations",
  "rooms.label": "Conversations",
  "rooms.invites": "Invitations",
  "rooms.loading": "Chargement des conversations…",
  "rooms.empty": "Aucune conversation pour le moment.",
  "rooms.loadError": "Impossible d'afficher vos conversations.",
  "rooms.unread.one": "{count} message non lu",
  "rooms.unread.other": "{count} messages non lus",
  "rooms.mentions.one": "{count} mention",
  "rooms.mentions.other": "{count} mentions",
  "rooms.preview": "{sender} : {body}",
  "rooms.noMessage": "Aucun message",
  "rooms.invitedBy": "Invitation de {name}",
  "rooms.invitation": "Invitation",

  "invite.accept": "Accepter",
  "invite.decline": "Refuser",
  "invite.acceptLabel": "Accepter l'invitation à {name}",
  "invite.declineLabel": "Refuser l'invitation à {name}",
  "invite.textFrom": "{inviter} vous invite à rejoindre cette conversation.",
  "invite.text": "Vous êtes invité à rejoindre cette conversation.",
  "invite.viewAccept": "Accepter l'invitation",
  "invite.viewDecline": "Refuser l'invitation",

  "newDm.open": "Nouvelle discussion",
  "newDm.title": "Nouvelle discussion",
  "newDm.userId": "Identifiant Matrix de la personne",
  "newDm.userIdHint": "Par exemple : @nom:serveur",
  "newDm.invalid": "L'identifiant doit être de la forme @nom:serveur.",
  "newDm.submit": "Démarrer la discussion",
  "newRoom.open": "Nouveau salon",
  "newRoom.title": "Nouveau salon",
  "newRoom.name": "Nom du salon",
  "newRoom.missing": "Indiquez le nom du salon.",
  "newRoom.submit": "Créer le salon",

  "room.empty": "Sélectionnez une conversation",
  "room.emptyHint": "Choisissez une conversation dans la liste, ou démarrez-en une nouvelle.",
  "room.encrypted": "Chiffrée",
  "room.notEncrypted": "Non chiffrée",
  "room.unnamed": "Conversation",

  "members.toggle": "Membres",
  "members.title": "Membres",
  "members.loading": "Chargement des membres…",
  "members.invited": "invité",
  "members.verify": "Vérifier",
  "members.verifyLabel": "Vérifier {name}",
  "members.trust.me": "Vous",
  "members.trust.verified": "Vérifié",
  "members.trust.unverified": "Non vérifié",
  "members.trust.changed": "Identité modifiée",
  "members.trust.unknown": "Non vérifiable",
  "userVerify.title": "Vérifier {name}",
  "userVerify.intro":
    "Vous allez comparer des émojis avec {name}, sur vos deux écrans. Faites-le de préférence côte à côte ou par téléphone : ainsi, personne ne peut se faire passer pour l'un de vous.",
  "userVerify.start": "Commencer la vérification",

  "timeline.label": "Messages",
  "timeline.loadPrevious": "Charger les messages précédents",
  "timeline.loadingPrevious": "Chargement des messages précédents…",
  "timeline.start": "Début de la conversation",
  "timeline.today": "Aujourd'hui",
  "timeline.yesterday": "Hier",
  "timeline.readMarker": "Nouveaux messages",
  "timeline.sending": "Envoi…",
  "timeline.failed": "Échec de l'envoi",
  "timeline.retry": "Réessayer",
  "timeline.discard": "Supprimer",
  "timeline.redacted": "Message supprimé",
  "timeline.undecryptable.keyMissing":
    "🔒 Message chiffré : sa clé n'est pas encore arrivée. Il s'affichera dès qu'elle sera reçue.",
  "timeline.undecryptable.sentBeforeJoined":
    "🔒 Message envoyé avant votre arrivée dans ce salon : l'historique ne vous a pas été partagé.",
  "timeline.undecryptable.sentBeforeThisDeviceUnverified":
    "🔒 Message envoyé avant la connexion de cet appareil : vérifiez cet appareil pour le lire.",
  "timeline.undecryptable.sentBeforeThisDeviceNoBackup":
    "🔒 Message envoyé avant la connexion de cet appareil, et la sauvegarde des clés est désactivée : il ne peut pas être lu ici.",
  "timeline.undecryptable.withheld":
    "🔒 L'expéditeur n'a pas partagé la clé de ce message avec cet appareil.",
  "timeline.undecryptable.untrustedSender":
    "🔒 Message envoyé depuis un appareil non vérifié de l'expéditeur : masqué par sécurité.",
  "timeline.unsupported": "Événement non pris en charge",
  "timeline.file": "Fichier : {name}",
  "timeline.emote": "* {sender} {body}",
  "timeline.roomCreated": "{sender} a créé le salon",

  "membership.joined": "{target} a rejoint le salon",
  "membership.left": "{target} a quitté le salon",
  "membership.invited": "{sender} a invité {target}",
  "membership.kicked": "{sender} a retiré {target} du salon",
  "membership.banned": "{sender} a banni {target} du salon",
  "membership.other": "La participation de {target} au salon a changé",

  "composer.label": "Message",
  "composer.placeholder": "Écrire un message…",
  "composer.hint": "Entrée pour envoyer, Maj + Entrée pour aller à la ligne.",
  "composer.send": "Envoyer",

  "error.invalid_homeserver_url": "L'adresse du serveur n'est pas valide. Exemple : https://matrix.agent.tchap.gouv.fr",
  "error.homeserver_unreachable": "Impossible de joindre le serveur. Vérifiez votre connexion ou l'adresse du serveur.",
  "error.not_a_matrix_server":
    "Cette adresse ne correspond pas à un serveur Tchap. Vérifiez l'adresse du serveur.",
  "error.invalid_credentials": "Identifiant ou mot de passe incorrect.",
  "error.user_deactivated": "Ce compte a été désactivé. Contactez votre support informatique.",
  "error.rate_limited": "Trop de tentatives. Patientez quelques instants puis réessayez.",
  "error.not_logged_in": "Votre session n'est plus active. Reconnectez-vous.",
  "error.room_not_found": "Cette conversation est introuvable ou vous n'y avez plus accès.",
  "error.not_found": "Élément introuvable.",
  "error.invalid_user_id": "Cet identifiant n'est pas valide. Il doit être de la forme @nom:serveur.",
  "error.user_not_found": "Aucune personne ne correspond à cet identifiant.",
  "error.forbidden": "Vous n'avez pas l'autorisation d'effectuer cette action.",
  "error.network": "Problème de connexion au réseau. Vérifiez votre connexion puis réessayez.",
  "error.storage":
    "Impossible de lire ou d'enregistrer les données de l'application sur cet ordinateur. Redémarrez l'application ; si le problème continue, contactez votre support informatique.",
  "error.secret_store_unavailable":
    "Le trousseau sécurisé de votre poste (GNOME Keyring, KWallet, gestionnaire d'identification Windows…) ne répond pas : Tchap ne peut pas y protéger votre session. Ouvrez votre session de bureau normalement ou contactez votre support informatique.",
  "error.session_locked":
    "Votre session Tchap est enregistrée, mais le trousseau de votre poste est verrouillé ou n'est pas encore démarré. Déverrouillez-le, puis réessayez : rien n'est perdu.",
  "error.insecure_homeserver":
    "Par sécurité, Tchap ne se connecte qu'en https. Vérifiez l'adresse du serveur (elle doit commencer par https://).",
  "error.invalid_email": "Saisissez votre adresse e-mail professionnelle complète (par exemple prenom.nom@ministere.gouv.fr).",
  "error.email_not_allowed":
    "Cette adresse e-mail n'est pas autorisée sur Tchap. Utilisez votre adresse professionnelle, ou demandez à un agent de vous inviter.",
  "error.no_server_answered":
    "Aucun serveur Tchap ne répond pour le moment. Vérifiez votre connexion, puis réessayez dans quelques minutes.",
  "error.already_running": "Tchap est déjà ouvert sur ce poste. Utilisez la fenêtre déjà ouverte.",
  "error.account_expired":
    "Votre compte Tchap a expiré. Renouvelez-le en ouvrant le lien reçu par e-mail de la part de Tchap, ou contactez votre administrateur.",
  "error.server_error": "Le serveur Tchap rencontre des difficultés. Réessayez dans quelques minutes.",
  "error.untrusted_certificate":
    "Le certificat de sécurité du serveur n'est pas reconnu par cet ordinateur : la connexion a été bloquée. C'est souvent dû à un proxy qui inspecte le trafic de votre réseau. Contactez votre support informatique.",
  "error.proxy_error":
    "Le proxy de votre réseau a refusé la connexion au serveur. Vérifiez les paramètres de proxy de votre poste ou contactez votre support informatique.",
  "error.invalid_recovery_key":
    "Cette clé de récupération ne correspond pas à votre compte. Vérifiez-la (48 caractères, en groupes de 4) puis réessayez.",
  "error.recovery_not_set_up":
    "Aucune clé de récupération n'existe pour ce compte. Vérifiez cette session depuis un autre de vos appareils connectés.",
  "error.no_other_session":
    "Aucune autre de vos sessions ne peut confirmer celle-ci. Utilisez votre clé de récupération.",
  "error.verification_not_found": "Cette vérification est terminée ou a été annulée. Recommencez depuis l'un de vos appareils.",
  "error.invalid_session_name": "Le nom de la session doit comporter entre 1 et 100 caractères.",
  "error.session_not_found": "Cette session n'existe plus : elle a peut-être déjà été déconnectée. Actualisez la liste.",
  "error.weak_passphrase": "Choisissez une phrase secrète d'au moins 8 caractères pour protéger le fichier de clés.",
  "error.invalid_key_file_passphrase":
    "Cette phrase secrète n'ouvre pas le fichier de clés. Saisissez celle choisie lors de l'export puis réessayez.",
  "error.invalid_key_file":
    "Ce fichier n'est pas un fichier de clés de chiffrement exporté depuis Tchap ou Element, ou il est endommagé. Choisissez un autre fichier.",
  "error.file_not_accessible":
    "Impossible de lire ou d'écrire ce fichier à cet emplacement. Vérifiez l'emplacement choisi puis réessayez.",
  "error.no_identity":
    "Cette personne n'utilise pas encore le chiffrement (ancienne application ou jamais connectée) : elle ne peut pas être vérifiée pour le moment.",
  "error.internal":
    "Une erreur inattendue s'est produite. Réessayez ; si le problème continue, contactez votre support informatique.",
} as const;

export type MessageKey = keyof typeof fr;
export type Messages = Record<MessageKey, string>;
