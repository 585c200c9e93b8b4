import type { StringKey } from './en';

/** The frame's French catalogue: every key of the English one (the compiler checks it). */
export const FR: Record<StringKey, string> = {
  heading: 'Notes de la communauté',
  loading: 'Chargement des notes…',
  loadFailed: 'Les notes n’ont pas pu être chargées. Réessayez plus tard.',
  noHelpful: 'Aucune note sur cette publication n’a encore été jugée utile.',
  noNotes: 'Personne n’a encore écrit de note sur cette publication.',
  whyShown: 'Jugée utile par des personnes qui sont d’habitude en désaccord',
  sideShare: '{share} utile sur {count} évaluations d’un côté, {other} sur {otherCount} de l’autre',
  modelCore: 'Décidé par le modèle de convergence de Community Notes',
  modelGaussian:
    'Décidé par le second modèle de convergence, qui tranche les notes que le premier laisse en suspens',
  modelSmallCommunity:
    'Décidé par la notation des petites communautés, qui repère les groupes de contributeurs d’ordinaire d’accord',
  modelCoreWithTopics:
    'Décidé par le modèle de convergence de Community Notes, dans sa passe qui inclut les notes sur les sujets surveillés de près',
  modelGaussianCoreWithTopics:
    'Décidé par le second modèle de convergence, dans sa passe qui inclut les notes sur les sujets surveillés de près',
  modelExpansion:
    'Décidé par le modèle de convergence sur un ensemble plus large d’évaluateurs, pour une note que la première passe n’a pas notée',
  modelExpansionPlus:
    'Décidé par le modèle de convergence sur tous les évaluateurs, pour une note qu’aucune autre passe n’a notée',
  modelTopic:
    'Retenue par le modèle de son sujet : les personnes qui suivent ce sujet de près ne s’accordent pas à la juger utile',
  explainHeadline: 'Il faut plus d’évaluations.',
  lockedHeadline: 'Non affichée.',
  explainNotMisleading:
    'Une note disant que la publication n’est pas trompeuse n’est jamais affichée comme utile ; elle reste ici sauf si elle est jugée inutile.',
  explainHeld:
    'Ses évaluations suffisent pour l’afficher ; elle est retenue jusqu’à une heure, le temps de vérifier que le verdict tient.',
  explainTopicModel:
    'Les évaluations de la communauté penchent vers utile, mais les personnes qui suivent son sujet de près ne sont pas encore d’accord ; il lui faut aussi leur accord.',
  explainTagsHelpful:
    'Ses évaluations suffisent pour l’afficher, mais une note n’est affichée que si ses évaluateurs s’accordent sur ce qui la rend utile : deux des raisons de « Qu’est-ce qui s’applique ? » doivent chacune être choisies par au moins deux évaluateurs. Des évaluations qui disent ce qui s’applique aideraient.',
  explainTagsNotHelpful:
    'Ses évaluations suffisent pour la juger inutile, mais ce verdict ne tient que si ses évaluateurs s’accordent sur pourquoi : deux des raisons de « Qu’est-ce qui s’applique ? » doivent chacune être choisies par au moins deux évaluateurs.',
  explainLocked:
    'Son statut est figé : une note garde le statut qu’elle avait deux semaines après avoir été écrite, et les nouvelles évaluations ne le changent plus.',
  explainRatingsNeeded: 'Il lui faut plus d’évaluations avant d’être notée : encore {count}.',
  explainBothLean:
    'Les deux côtés la jugent plutôt utile, mais pas encore assez nettement : d’autres évaluations « utile » aideraient.',
  explainUnratedSide:
    'Il lui faut des évaluations « utile » de membres qui voient d’ordinaire les choses autrement que ceux qui l’ont évaluée : encore {count}.',
  explainOneSide:
    'L’autre côté ne l’a pas encore trouvée assez utile : encore {count} évaluations « utile » de ce côté.',
  explainBothSides:
    'Il lui faut des évaluations « utile » des deux côtés : encore {one} d’un côté et {other} de l’autre.',
  manyMore: 'beaucoup',
  viewpoints: 'Ce qu’en pense chaque côté des contributeurs',
  viewpointLine: '{name} : {ratings}',
  viewpointOne: 'Un côté',
  viewpointOther: 'L’autre côté',
  viewpointUnrated: 'aucune évaluation de ce côté pour l’instant',
  viewpointUnknown:
    'Évaluations de membres dont le point de vue n’est pas encore connu : {count} — un point de vue est connu après 3 évaluations',
  viewpointUnknownCore:
    'Évaluations de membres dont le point de vue n’est pas encore connu : {count}',
  viewpointRatings:
    '{share} utile sur {count} évaluations ({helpful} utile, {somewhat} plutôt utile, {notHelpful} pas utile)',
  viewpointNeeds: 'évaluations « utile » encore nécessaires : {count}',
  sources: 'Sources',
  misleading: 'Des lecteurs ont ajouté du contexte',
  notMisleading: 'Des lecteurs estiment que ce n’est pas trompeur',
  proposedMisleading: 'Note proposée : la publication peut induire en erreur',
  proposedNotMisleading: 'Note proposée : la publication n’est pas trompeuse',
  helpRate: 'Aider à évaluer les notes ({count})',
  hideRate: 'Masquer les notes à évaluer',
  contribute: 'Écrire, évaluer ou demander une note',
  needsRatingsHeading: 'Notes à évaluer',
  needsRatings: 'Ces notes ont besoin de plus d’évaluations avant d’être affichées.',
  noneToRate: 'Aucune note sur cette publication n’est à évaluer pour l’instant.',
  member: 'Identité de membre',
  memberIntro:
    'Évaluer et écrire sont anonymes : votre identité reste dans ce cadre, et chaque action porte une preuve à divulgation nulle qu’un membre l’a faite, sans dire lequel.',
  createIdentity: 'Créer une identité',
  backup: 'Sauvegarder l’identité',
  backupHint: 'Gardez ce texte en lieu sûr : c’est le seul moyen de conserver votre pseudonyme.',
  restore: 'Restaurer depuis une sauvegarde',
  restoreLabel: 'Sauvegarde de l’identité',
  restoreButton: 'Restaurer',
  join: 'Rejoindre {community}',
  inviteLabel: 'Code d’invitation',
  joining: 'Adhésion en cours…',
  joinWorking:
    'Calcul en cours… Rejoindre demande quelques secondes de calcul à cet appareil, pour que des robots ne puissent pas remplir la communauté.',
  joined: 'Vous êtes membre de {community}.',
  closed: 'Cette communauté n’admet de membres que par son opérateur.',
  storageWhy:
    'Ce navigateur oublie ce que ce cadre conserve à la fermeture de la page, votre identité comprise. Autorisez-le à garder votre identité sur cet appareil (ce site n’en apprend rien), ou sauvegardez-la.',
  storageAsk: 'Garder mon identité sur cet appareil',
  storageRefused: 'Le navigateur ne l’a pas permis. Sauvegardez votre identité pour la garder.',
  storageNone:
    'Ce navigateur oublie votre identité à la fermeture de la page : sauvegardez-la pour la garder.',
  ticketAsking: 'Ce site se porte garant de votre compte…',
  ticketSignIn: 'Connectez-vous sur ce site pour rejoindre cette communauté.',
  ticketUnavailable:
    'Ce site n’a pas pu se porter garant de votre compte pour l’instant. Réessayez plus tard.',
  ticketExpired: 'Le ticket de ce site n’était plus valable. Réessayez.',
  ticketNotYetValid:
    'Le ticket de ce site n’est pas encore valable (l’horloge du site est peut-être en avance). Attendez une minute et réessayez.',
  ticketAccountMember:
    'Votre compte sur ce site a déjà rejoint la communauté avec une autre identité. Restaurez-la depuis votre sauvegarde, ou remplacez-la : la nouvelle repart sans réputation.',
  ticketAccountRemoved: 'L’opérateur a retiré l’adhésion de votre compte sur ce site.',
  ticketReplacedRecently:
    'Votre compte a remplacé une identité perdue récemment : il pourra en remplacer une à nouveau à partir du {from} (UTC). D’ici là, restaurez l’identité qu’il a depuis sa sauvegarde.',
  ticketHostWrong:
    'Ce site ne peut pas admettre de membres dans cette communauté (sa configuration est erronée).',
  replaceIdentity: 'Remplacer mon identité perdue',
  creatingIdentity: 'Création de votre identité dans ce navigateur…',
  restoringIdentity: 'Restauration de votre identité…',
  created: 'Identité créée.',
  restored: 'Identité restaurée.',
  restoredMember: 'Identité restaurée : elle est membre de {community}.',
  joinedNow:
    'Vous avez rejoint {community} : vous pouvez maintenant évaluer, écrire et demander des notes.',
  identityKeptElsewhere:
    'Un autre onglet ou une autre fenêtre de ce navigateur garde maintenant une identité sur ce site : elle est affichée ici, et n’a pas été remplacée.',
  identityChangedElsewhere:
    'Votre identité sur ce site a changé dans un autre onglet ou une autre fenêtre : elle est affichée ici.',
  joinedPending: 'Vous avez rejoint {community} ; votre adhésion attend d’être scellée.',
  restoreReplaces: 'Restaurer une autre identité depuis une sauvegarde',
  backupInvalid: 'Ce n’est pas une sauvegarde d’identité Bridgenotes : {reason}',
  restoreWouldLose:
    'L’identité gardée sur ce site est membre de {communities}. En restaurer une autre la remplace ici : sans sa sauvegarde, cette identité et son pseudonyme y sont perdus pour de bon. Sauvegardez-la d’abord.',
  restoreReplaceAnyway: 'J’ai gardé sa sauvegarde : la remplacer',
  storageTwoIdentities:
    'Cet appareil garde déjà une autre identité sur ce site ({device}). L’identité que vous utilisez ({page}) n’a pas été remplacée : elle reste utilisée jusqu’à la fermeture de cette page. Sauvegardez-la pour la garder. Vous pouvez aussi utiliser l’identité gardée sur cet appareil ; pour retrouver celle-ci plus tard, restaurez sa sauvegarde.',
  storageUseDevice: 'Utiliser l’identité gardée sur cet appareil',
  storageTwoIdentitiesShort:
    'Cet appareil garde déjà une autre identité sur ce site : celle que vous utilisez n’a pas été remplacée. Choisissez ci-dessous.',
  identityChangedHere: 'L’identité gardée sur cet appareil est utilisée désormais.',
  storageGranted: 'Votre identité est désormais gardée sur cet appareil.',
  storageDeviceIdentity:
    'Cet appareil gardait déjà une autre identité sur ce site : elle est utilisée désormais. L’identité créée sur cette page n’avait rejoint aucune communauté.',
  storageDeviceNone: 'membre d’aucune communauté',
  memberOfList: 'membre de {communities}',
  backupReasonEmpty: 'rien n’a été collé.',
  backupReasonCharacters:
    'elle contient des caractères qu’une sauvegarde n’a jamais (une sauvegarde, ce sont des lettres, des chiffres, + et /, terminés par =).',
  backupReasonLength:
    'elle compte {count} caractères là où une sauvegarde en a 44 : elle est peut-être coupée, ou quelque chose y a été ajouté.',
  backupReasonUnknown: 'vérifiez qu’elle a été copiée en entier.',
  pending:
    'Votre adhésion à {community} sera active une fois scellée avec celles d’autres membres, ce qui garde secret le moment de votre adhésion — en général en quelques minutes, quelques heures dans une communauté calme. Vous pouvez lire les notes en attendant.',
  pendingNoTimeBound:
    'Votre adhésion à {community} sera active une fois scellée avec celles d’autres membres, ce qui garde secret le moment de votre adhésion — une fois que suffisamment de membres auront adhéré : aucun délai n’est fixé, et dans une communauté calme cela peut être long. Vous pouvez lire les notes en attendant.',
  pendingWithinHour:
    'Votre adhésion à {community} sera active une fois scellée avec celles d’autres membres, ce qui garde secret le moment de votre adhésion — en quelques minutes dans une communauté active, au plus tard environ une heure après votre adhésion. Vous pouvez lire les notes en attendant.',
  pendingWithinHours:
    'Votre adhésion à {community} sera active une fois scellée avec celles d’autres membres, ce qui garde secret le moment de votre adhésion — en quelques minutes dans une communauté active, au plus tard environ {hours} heures après votre adhésion. Vous pouvez lire les notes en attendant.',
  earnInRule:
    'Dans cette communauté, un nouveau membre écrit des notes une fois que ses évaluations ont gagné un impact de {required} : évaluez les notes qui en ont besoin ; chaque évaluation conforme au statut que la note reçoit ensuite compte.',
  failGeneric: 'Quelque chose n’a pas fonctionné. Réessayez plus tard.',
  failRefused: 'Le service l’a refusé : « {message} »',
  failCommunityGone:
    'Cette communauté n’est plus sur le service (supprimée ou renommée). Rechargez la page.',
  failProofRefused:
    'Le service n’a pas accepté la preuve faite dans ce navigateur. Rechargez la page et réessayez.',
  failNetwork: 'Le service est injoignable. Vérifiez votre connexion et réessayez.',
  failServer: 'Le service est occupé ou redémarre. Réessayez dans un instant.',
  failTryAgain: 'La communauté a changé pendant l’opération. Réessayez.',
  notInGroup:
    'Cette identité n’est pas dans le groupe de {community} pour l’instant. Cela peut passer (le service rattrape peut-être son retard, ou votre adhésion attend encore), ou elle a été retirée ou remplacée. Vérifiez d’abord à nouveau ; si elle manque encore, rejoignez-la à nouveau, et le service dira ce qu’il en est.',
  notInGroupCredential:
    'Cette identité n’est pas dans le groupe de {community} pour l’instant. Cela peut passer (le service rattrape peut-être son retard, ou votre adhésion attend encore), ou elle a été retirée ou remplacée. Vérifiez d’abord à nouveau ; si elle manque encore, rejoignez-la à nouveau avec votre compte sur ce site, et le service dira ce qu’il en est.',
  notInGroupClosed:
    'Cette identité n’est pas dans le groupe de {community} pour l’instant. Cela peut passer (le service rattrape peut-être son retard), ou elle a été retirée ou remplacée. Vérifiez à nouveau ; si elle manque encore, adressez-vous aux modérateurs de la communauté, qui n’admet de membres que par l’opérateur.',
  checkAgain: 'Vérifier {community} à nouveau',
  checking: 'Recherche de votre adhésion dans le groupe de la communauté…',
  stillPending: 'Vérifié à l’instant : votre adhésion à {community} n’est pas encore scellée.',
  pendingJoinAgain:
    'Vous attendez depuis plus d’un jour ? Votre adhésion attend peut-être encore d’être scellée (ce qui peut être long dans une communauté calme), ou elle a été perdue : retirée, ou le service est revenu à une sauvegarde plus ancienne. Rejoindre à nouveau envoie la même identité, et le service dira ce qu’il en est.',
  pendingJoinAgainInvite:
    'Vous attendez depuis plus d’un jour ? Votre adhésion attend peut-être encore d’être scellée (ce qui peut être long dans une communauté calme), ou elle a été perdue : retirée, ou le service est revenu à une sauvegarde plus ancienne. Rejoindre à nouveau envoie la même identité, et le service dira ce qu’il en est ; il peut vous redemander votre code d’invitation.',
  joinAgain: 'Rejoindre {community} à nouveau',
  stillNotInGroup:
    'Vérifié à l’instant : cette identité n’est toujours pas dans le groupe de {community}.',
  membershipEnded:
    'Votre adhésion à {community} a pris fin : cette identité a été retirée de la communauté ou remplacée. Elle ne peut plus évaluer ni écrire ici. Restaurez une autre identité membre, ou adressez-vous aux modérateurs de la communauté.',
  failMembershipEnded:
    'L’adhésion de cette identité a pris fin : elle a été retirée de la communauté ou remplacée, et ne peut pas adhérer à nouveau. Restaurez une autre identité, ou adressez-vous aux modérateurs de la communauté.',
  failNotSealed:
    'Votre adhésion n’est pas encore scellée, ce qui garde secret le moment de votre adhésion. Réessayez plus tard : en général en quelques minutes, quelques heures dans une communauté calme.',
  failNotSealedNoTimeBound:
    'Votre adhésion n’est pas encore scellée, ce qui garde secret le moment de votre adhésion. Réessayez plus tard : elle le sera une fois que suffisamment de membres auront adhéré ; aucun délai n’est fixé, et dans une communauté calme cela peut être long.',
  failNotSealedWithinHour:
    'Votre adhésion n’est pas encore scellée, ce qui garde secret le moment de votre adhésion. Réessayez plus tard : elle le sera en quelques minutes dans une communauté active, au plus tard environ une heure après votre adhésion.',
  failNotSealedWithinHours:
    'Votre adhésion n’est pas encore scellée, ce qui garde secret le moment de votre adhésion. Réessayez plus tard : elle le sera en quelques minutes dans une communauté active, au plus tard environ {hours} heures après votre adhésion.',
  failNotInGroup:
    'Cette identité n’est pas dans le groupe de la communauté en ce moment : voyez le panneau de membre, qui propose de vérifier à nouveau.',
  failGroupUnavailable:
    'Le groupe de la communauté n’a pas pu être téléchargé pour faire votre preuve : le service est occupé ou redémarre. Réessayez dans un instant.',
  failCircuitUnavailable:
    'Les fichiers avec lesquels votre navigateur fait les preuves n’ont pas pu être téléchargés : le service est occupé ou redémarre. Réessayez dans un instant.',
  failCircuitMismatch:
    'Les fichiers avec lesquels votre navigateur fait les preuves ne sont pas ceux attendus : aucune preuve n’a été faite. Prévenez le site qui affiche ce widget.',
  failProver: 'Votre navigateur a cessé de faire la preuve. Rechargez la page et réessayez.',
  failNoteDeleted: 'Son auteur a supprimé cette note : elle ne reçoit plus d’évaluations.',
  failNoteNotShown:
    'Cette note n’est plus affichée : la modération l’a masquée, ou elle a été retirée.',
  failMirror:
    'Ce service ne fait que refléter la communauté : les membres évaluent et écrivent sur le service de la communauté.',
  failGroupFull: 'Cette communauté est complète : elle n’accepte plus de membres.',
  failTooFewMembers:
    'Cette communauté doit compter {required} membres avant que quiconque puisse y écrire, évaluer ou inviter, pour que personne ne soit caché parmi trop peu ; elle en compte {members}. Réessayez quand d’autres membres l’auront rejointe.',
  failReload:
    'Les règles de la communauté ont changé depuis le chargement de cette page. Rechargez la page et réessayez.',
  failInviteRequired:
    'Cette communauté admet ses membres sur invitation : saisissez votre code d’invitation.',
  failInviteInvalid: 'Ce code d’invitation n’est pas un code de cette communauté. Vérifiez-le.',
  failInviteUsed: 'Ce code d’invitation a déjà été utilisé. Demandez-en un autre.',
  failInviteExpired: 'Ce code d’invitation a expiré. Demandez-en un autre.',
  failInviteJoinsToday:
    'Les invitations des membres ont admis autant de nouveaux venus que cette communauté le permet aujourd’hui. Réessayez votre code à partir de 00:00 UTC.',
  failEarnIn:
    'Vous pourrez écrire des notes une fois que vos évaluations auront gagné un impact de {required} (le vôtre est de {impact}). Évaluez les notes qui en ont besoin ; les impacts sont mis à jour à chaque passe de notation.',
  failWritingLocked:
    'L’écriture est bloquée : plusieurs de vos notes récentes ont été jugées inutiles. Évaluer des notes qui en ont besoin la rouvre.',
  failRatingOutdated:
    'Une évaluation plus récente de cette note, faite depuis un autre de vos appareils, est enregistrée. Rechargez et évaluez à nouveau.',
  failDailyQuota:
    'Vous avez atteint la limite du jour dans cette communauté. Elle repart à 00:00 UTC.',
  failRateLimitedWaitOne:
    'Trop de requêtes depuis cette connexion pour l’instant. Attendez {seconds} seconde puis réessayez.',
  failRateLimitedWait:
    'Trop de requêtes depuis cette connexion pour l’instant. Attendez {seconds} secondes puis réessayez.',
  failRateLimited:
    'Trop de requêtes depuis cette connexion pour l’instant. Attendez une minute et réessayez.',
  failBlocked:
    'Les modérateurs de la communauté ont bloqué votre pseudonyme : vos écritures sont refusées.',
  withCode: '{message} (code {code})',
  wroteThis: 'Vous avez écrit cette note : d’autres l’évaluent.',
  wroteWaiting:
    'Vous avez écrit cette note. Elle attend que son lot soit scellé avec les écritures d’autres membres : d’ici là, vous seul la voyez, sur cet appareil, et personne ne peut l’évaluer.',
  yourRating: 'Votre évaluation : {rating}. Vous pouvez la changer.',
  rateAs: 'Évaluer cette note',
  helpful: 'Utile',
  somewhat: 'Plutôt utile',
  notHelpful: 'Pas utile',
  tags: 'Qu’est-ce qui s’applique ?',
  tagsWhy:
    'Choisissez-en au moins une : une note n’est affichée, ou jugée inutile, que si ses évaluateurs s’accordent sur les raisons.',
  submitRating: 'Envoyer l’évaluation',
  proving: 'Calcul de votre preuve dans ce navigateur…',
  rated:
    'Évaluation enregistrée. Elle compte au prochain calcul des scores, en général sous quelques minutes.',
  requestCount: 'Membres ayant demandé une note sur cette publication : {count}',
  requestNote: 'Demander une note sur cette publication',
  requested: 'Demande enregistrée. Les rédacteurs voient les publications les plus demandées.',
  reportNote: 'Signaler cette note',
  reportReason: 'Quel est le problème ?',
  reportText: 'Le problème en quelques mots (nécessaire pour « Autre »)',
  submitReport: 'Envoyer le signalement',
  chooseReportReason: 'Choisissez le problème de cette note.',
  reportTextMissing: 'Dites en quelques mots quel est le problème.',
  reported: 'Vous avez signalé cette note. Les modérateurs de la communauté l’examineront.',
  redacted: 'Le texte de cette note a été retiré par les modérateurs de la communauté.',
  writeNote: 'Écrire une note',
  classification: 'Cette publication est',
  sendingAgain: 'Nouvel envoi de la note que vous avez prouvée…',
  verifierBusy: 'Le service est occupé à vérifier des preuves : nouvel envoi dans {seconds} s…',
  reasons: 'Pourquoi ?',
  noteText: 'Note ({limit} caractères au plus, un lien compte pour un)',
  notedBatchNoTimeBound:
    'Votre note est reçue. Elle paraît une fois son lot scellé avec les écritures d’autres membres, ce qui garde privé le moment où vous l’avez écrite : dès qu’assez de membres ont écrit ; cela n’a pas de délai fixe, et dans une communauté calme cela peut être long.',
  notedBatchWithinHour:
    'Votre note est reçue. Elle paraît une fois son lot scellé avec les écritures d’autres membres, ce qui garde privé le moment où vous l’avez écrite : en quelques minutes dans une communauté active, au plus tard dans une heure environ.',
  notedBatchWithinHours:
    'Votre note est reçue. Elle paraît une fois son lot scellé avec les écritures d’autres membres, ce qui garde privé le moment où vous l’avez écrite : en quelques minutes dans une communauté active, au plus tard dans {hours} heures environ.',
  ratedBatchNoTimeBound:
    'Votre évaluation est reçue. Elle compte une fois son lot scellé avec les écritures d’autres membres, ce qui garde privé le moment où vous avez évalué : dès qu’assez de membres ont écrit ; cela n’a pas de délai fixe, et dans une communauté calme cela peut être long. Elle compte ensuite au prochain calcul des scores.',
  ratedBatchWithinHour:
    'Votre évaluation est reçue. Elle compte une fois son lot scellé avec les écritures d’autres membres, ce qui garde privé le moment où vous avez évalué : en quelques minutes dans une communauté active, au plus tard dans une heure environ, puis au prochain calcul des scores.',
  ratedBatchWithinHours:
    'Votre évaluation est reçue. Elle compte une fois son lot scellé avec les écritures d’autres membres, ce qui garde privé le moment où vous avez évalué : en quelques minutes dans une communauté active, au plus tard dans {hours} heures environ, puis au prochain calcul des scores.',
  noteSources: 'Sources, un lien par ligne',
  submitNote: 'Publier la note',
  noted:
    'Note publiée. Elle sera affichée quand des évaluateurs de points de vue différents la jugeront utile.',
  failed: 'Cela n’a pas marché : {message}',
  dismiss: 'Fermer',
  chooseHelpfulness: 'Choisissez à quel point la note est utile.',
  chooseClassification: 'Choisissez si la publication peut induire en erreur.',
  chooseReason: 'Choisissez au moins une raison.',
  chooseTag: 'Choisissez-en au moins une.',
  textMissing: 'Écrivez la note.',
  textTooLong: 'La note fait {count} caractères ; {limit} au plus.',
  textTooLongSent:
    'Avec ses liens en entier, la note fait {count} caractères ; {limit} au plus peuvent être envoyés. Raccourcissez ses liens, ou mettez-en dans les sources.',
  noteCounterSent: '{counted} · {count}/{limit} avec les liens en entier',
  sourceTooLong: 'Un lien de source fait {count} caractères ; {limit} au plus : {source}',
  sourceInvalid: 'Chaque source doit être un lien commençant par http:// ou https:// : {source}',
  tooManySources: '{limit} sources au plus.',
  sourcesMissing:
    'Une note disant que la publication peut induire en erreur demande au moins une source.',
  updatesHeading: 'Des notes que vous avez écrites ou évaluées ont changé de statut',
  updateWrote: 'Vous avez écrit : « {text} » : {status}',
  updateRated: 'Vous avez évalué : « {text} » : {status}',
  statusHelpful: 'affichée comme utile',
  statusNotHelpful: 'jugée pas utile',
  statusNeedsRatings: 'de nouveau à évaluer',
  failPanelHidden:
    'Rien n’a été envoyé : cette page masque ou recouvre le panneau des notes, et le navigateur ne l’a pas laissé vous demander. Vérifiez que tout le panneau est visible, puis réessayez.',
  confirmWrite:
    '« {action} » : l’envoyer en tant que membre de la communauté ? Rien n’est envoyé sans votre confirmation.',
  failNotConfirmed:
    'Rien n’a été envoyé : ce n’était pas confirmé, ou confirmé avant que la question ait pu être lue.',
};

export const FR_LABELS: Record<string, string> = {
  MISINFORMED_OR_POTENTIALLY_MISLEADING: 'Trompeuse ou sans contexte',
  NOT_MISLEADING: 'Pas trompeuse',
  FACTUAL_ERROR: 'Erreur factuelle',
  MANIPULATED_MEDIA: 'Média manipulé',
  OUTDATED_INFORMATION: 'Information dépassée',
  MISSING_IMPORTANT_CONTEXT: 'Contexte important manquant',
  UNVERIFIED_CLAIM_AS_FACT: 'Affirmation non vérifiée présentée comme un fait',
  SATIRE: 'Satire',
  OTHER: 'Autre',
  PERSONAL_DATA: 'Données personnelles',
  ILLEGAL: 'Contenu illégal',
  SPAM: 'Spam',
  HARASSMENT: 'Harcèlement',
  FACTUALLY_CORRECT: 'Exacte',
  OUTDATED_BUT_NOT_WHEN_WRITTEN: 'Dépassée, mais pas quand elle a été écrite',
  CLEARLY_SATIRE: 'Clairement satirique',
  PERSONAL_OPINION: 'Opinion personnelle',
  CLEAR: 'Claire',
  GOOD_SOURCES: 'Bonnes sources',
  ADDRESSES_CLAIM: 'Répond à l’affirmation',
  IMPORTANT_CONTEXT: 'Contexte important',
  UNBIASED_LANGUAGE: 'Langage impartial',
  INFORMATIVE: 'Informative',
  EMPATHETIC: 'Bienveillante',
  UNIQUE_CONTEXT: 'Contexte inédit',
  INCORRECT: 'Incorrecte',
  SOURCES_MISSING_OR_UNRELIABLE: 'Sources absentes ou peu fiables',
  OPINION_SPECULATION: 'Opinion ou spéculation',
  MISSING_KEY_POINTS: 'Oublie des points clés',
  OUTDATED: 'Dépassée',
  HARD_TO_UNDERSTAND: 'Difficile à comprendre',
  ARGUMENTATIVE_OR_BIASED: 'Polémique ou partiale',
  OFF_TOPIC: 'Hors sujet',
  SPAM_HARASSMENT_OR_ABUSE: 'Spam, harcèlement ou abus',
  IRRELEVANT_SOURCES: 'Sources sans rapport',
  NOTE_NOT_NEEDED: 'Note inutile',
};
