"""French templates of the demo press site's generated year (see ops/demo_site.py).

Written for this demo. Placeholders: {c} the commune, {c2} a neighbouring commune,
{dep_de} "du Cher", {jour} weekday, {mois} last month, {nm}/{ni}/{n} small counts,
{hab} inhabitants, {mont} euros, {prime} euros, {sig} signatures, {dens} doctors per
100 000 inhabitants, {consult} consultations, {age} a doctor's age.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    type: str  # the initiative type the page reports ("" for pages off topic)
    section: str
    title: str
    standfirst: str
    body: tuple[str, ...]
    alt_titles: tuple[str, ...] = ()  # headlines of the reprints (national stories)


LOCAL = (
    Template(
        "maison_de_sante",
        "Santé",
        "{c} : la maison de santé accueille ses premiers patients",
        "{nm} médecins généralistes, {ni} infirmières et un kinésithérapeute exercent "
        "désormais sous le même toit.",
        (
            "La maison de santé pluridisciplinaire de {c} a ouvert ses portes {jour} matin. "
            "Le bâtiment a coûté {mont} euros, financés par la communauté de communes, le "
            "Département et l'État.",
            "Les généralistes y partagent un secrétariat et un dossier patient commun. Un "
            "cabinet reste libre et les élus espèrent le pourvoir avant la fin de l'année.",
            "Depuis plusieurs années, près de {hab} habitants du secteur n'avaient plus de "
            "médecin traitant.",
        ),
    ),
    Template(
        "maison_de_sante",
        "Vie locale",
        "{c} : le projet de maison de santé franchit une étape",
        "Le conseil communautaire a validé le plan de financement ; les travaux doivent "
        "commencer au printemps.",
        (
            "Les élus de la communauté de communes ont adopté {jour} soir le projet de maison "
            "de santé pluridisciplinaire de {c}. Le chantier est estimé à {mont} euros.",
            "Trois médecins généralistes de {c} et {c2} se sont engagés à y exercer, avec "
            "des infirmières et une orthophoniste.",
            "Le département {dep_de} compte {dens} médecins généralistes pour 100 000 "
            "habitants, nettement moins que la moyenne nationale.",
        ),
    ),
    Template(
        "centre_de_sante",
        "Santé",
        "{c} : la commune crée un centre de santé avec des médecins salariés",
        "Deux postes de généralistes salariés sont ouverts, avec un secrétariat et des "
        "horaires fixes.",
        (
            "Le conseil municipal de {c} a voté {jour} la création d'un centre de santé "
            "municipal. Les médecins seront salariés par la commune, sans avoir à gérer un "
            "cabinet.",
            "Le centre doit ouvrir dans l'ancienne école, rénovée pour {mont} euros. La "
            "mairie compte sur une activité d'environ {consult} consultations par mois.",
            "À {c}, un habitant sur cinq n'a plus de médecin traitant selon l'Assurance maladie.",
        ),
    ),
    Template(
        "centre_de_sante",
        "Département",
        "Le Département ouvre une antenne de son centre de santé à {c}",
        "{nm} médecins salariés par le Département consultent désormais deux jours par "
        "semaine dans la commune.",
        (
            "Le centre de santé départemental a ouvert {jour} une antenne à {c}, dans les "
            "locaux de la mairie. Les médecins sont salariés par le Département et les "
            "patients ne font pas l'avance des frais.",
            "Depuis son lancement, le dispositif a recruté {n} généralistes et assuré plus "
            "de {consult} consultations.",
            "Une autre antenne doit suivre à {c2} l'an prochain.",
        ),
    ),
    Template(
        "temps_partage",
        "Santé",
        "{c} : des médecins bénévoles se relaient chaque semaine au cabinet",
        "Un cabinet accueille à tour de rôle des généralistes venus de toute la France "
        "pour une semaine de consultations.",
        (
            "Depuis {mois}, le cabinet médical de {c} reçoit chaque semaine un nouveau "
            "médecin généraliste. Les praticiens se relaient pour une semaine et sont logés "
            "par la commune.",
            "En quelques mois, plus de {consult} consultations ont été assurées. La commune "
            "n'avait plus de généraliste depuis le départ en retraite du sien.",
            "L'association qui organise ces rotations envisage un second cabinet à {c2}.",
        ),
    ),
    Template(
        "cabinet_mobile",
        "Actualité",
        "Un bus santé fait étape à {c} et dans les villages voisins",
        "Un camion aménagé en cabinet de consultation s'arrête chaque semaine dans les "
        "communes privées de médecin.",
        (
            "Depuis {jour}, un bus santé équipé d'une salle de consultation fait étape à "
            "{c} et à {c2}. Un médecin généraliste et une infirmière y reçoivent les patients "
            "sur rendez-vous.",
            "Le dispositif a coûté {mont} euros, financés par le Département et la Région. Il "
            "vise d'abord les personnes âgées qui ne peuvent plus se déplacer.",
            "Dans le secteur, obtenir un rendez-vous chez un généraliste prend souvent plus "
            "de trois semaines.",
        ),
    ),
    Template(
        "telemedecine",
        "Actualité",
        "{c} : une cabine de téléconsultation installée en pharmacie",
        "Les patients sans médecin traitant peuvent consulter un généraliste à distance, "
        "accompagnés par le pharmacien.",
        (
            "Une pharmacie de {c} propose depuis {jour} une cabine de téléconsultation. Des "
            "appareils connectés permettent au médecin de mener l'examen à distance.",
            "Le pharmacien estime qu'une trentaine de patients par semaine pourraient "
            "l'utiliser, faute de généraliste disponible à moins de vingt kilomètres.",
            "Le conseil de l'Ordre rappelle que la téléconsultation ne remplace pas le suivi "
            "par un médecin traitant.",
        ),
    ),
    Template(
        "telemedecine",
        "Santé",
        "À {c}, l'Ehpad se met à la télémédecine",
        "Les résidents voient désormais un spécialiste par écran interposé, sans trajet "
        "vers l'hôpital.",
        (
            "L'Ehpad de {c} s'est équipé d'un chariot de télémédecine. Une infirmière "
            "accompagne le résident pendant la téléconsultation avec le médecin.",
            "Selon la direction, {n} transports en ambulance par mois pourront être évités.",
        ),
    ),
    Template(
        "formation_internes",
        "Santé",
        "{c} loge les internes en médecine pour les faire rester",
        "Un appartement rénové accueille des internes en stage chez les généralistes du secteur.",
        (
            "La ville de {c} a inauguré {jour} un logement destiné aux internes en médecine "
            "générale. {nm} étudiants y résident pendant leur stage de six mois chez des "
            "médecins du bassin.",
            "L'objectif est de donner envie aux futurs médecins de s'installer. « Deux "
            "anciens internes exercent aujourd'hui dans le canton », rappelle l'adjointe à "
            "la santé.",
        ),
    ),
    Template(
        "aide_installation",
        "Vie locale",
        "{c} : une prime pour attirer un médecin généraliste",
        "La communauté de communes vote une aide à l'installation et un logement gratuit "
        "pendant un an.",
        (
            "Les élus ont voté {jour} une aide à l'installation de {prime} euros pour tout "
            "médecin généraliste qui s'installera à {c} ou à {c2}.",
            "Le nouveau venu sera logé gratuitement pendant un an. Depuis le départ du dernier "
            "généraliste, {hab} habitants doivent consulter à plus de trente kilomètres.",
        ),
    ),
    Template(
        "recrutement",
        "Vie locale",
        "{c} cherche toujours un médecin généraliste",
        "La mairie a passé des annonces et fait appel à un cabinet de recrutement.",
        (
            "La mairie de {c} recrute un médecin généraliste depuis le départ en retraite du "
            "docteur du village, à {age} ans. Des annonces ont été publiées dans la presse "
            "médicale.",
            "La commune a aussi signé avec un cabinet de recrutement, pour {prime} euros. "
            "« Nous proposons le cabinet, le logement et l'aide pour le conjoint », dit le "
            "maire.",
        ),
    ),
    Template(
        "mobilisation",
        "Actualité",
        "{c} : une pétition pour ne pas perdre le dernier médecin",
        "Le généraliste part à la retraite sans successeur ; ses patients cherchent un "
        "médecin traitant.",
        (
            "Un collectif d'habitants de {c} a lancé une pétition qui a déjà recueilli {sig} "
            "signatures. Il demande à l'agence régionale de santé de classer la commune en "
            "zone prioritaire.",
            "Le docteur, {age} ans, cessera son activité à la fin du trimestre. Il suivait "
            "environ {hab} patients.",
            "Une réunion publique est prévue à la salle des fêtes de {c2}.",
        ),
    ),
    Template(
        "exercice_coordonne",
        "Santé",
        "{c} : les soignants s'organisent en CPTS",
        "Médecins, infirmiers, pharmaciens et kinésithérapeutes du bassin fondent une "
        "communauté professionnelle territoriale de santé.",
        (
            "Les professionnels de santé de {c} et de {c2} ont créé {jour} une communauté "
            "professionnelle territoriale de santé (CPTS). Elle réunit {n} médecins et une "
            "quarantaine de soignants.",
            "Premier chantier : trouver un médecin traitant aux patients qui n'en ont plus, "
            "et organiser des consultations sans rendez-vous le samedi matin.",
        ),
    ),
)

OTHER = (
    Template(
        "",
        "Sport",
        "Rugby : {c} s'impose dans le derby face à {c2}",
        "Devant un public nombreux, les locaux ont pris le dessus en seconde période.",
        (
            "Le stade de {c} était plein {jour} pour le derby. Menés à la pause, les joueurs "
            "locaux ont inscrit deux essais en fin de match.",
            "L'entraîneur salue « un groupe qui n'a rien lâché ». Prochain déplacement "
            "dans quinze jours.",
        ),
    ),
    Template(
        "",
        "Loisirs",
        "{c} : le marché de producteurs revient sur la place",
        "Une vingtaine d'exposants sont attendus chaque vendredi soir jusqu'à l'automne.",
        (
            "Fromages, miel, légumes et pain au levain : le marché de producteurs de {c} "
            "reprend ce vendredi sur la place de l'église.",
            "Une buvette tenue par le comité des fêtes et un concert complètent la soirée.",
        ),
    ),
    Template(
        "",
        "Vie locale",
        "{c} : la route départementale fermée pour travaux",
        "Une déviation est mise en place par {c2} pendant trois semaines.",
        (
            "Les travaux de réfection de la chaussée commencent {jour} à l'entrée de {c}. "
            "La circulation sera coupée en journée.",
            "Le chantier, d'un montant de {mont} euros, comprend aussi un trottoir et un "
            "plateau ralentisseur devant l'école.",
        ),
    ),
    Template(
        "",
        "Culture",
        "{c} : le festival de musique dévoile sa programmation",
        "Quinze concerts sont annoncés sur trois jours, dont deux gratuits.",
        (
            "Les organisateurs du festival de {c} ont présenté {jour} la programmation de la "
            "prochaine édition. Fanfares, chanson et musiques du monde se partageront deux "
            "scènes.",
            "Les bénévoles sont attendus pour le montage des chapiteaux.",
        ),
    ),
    Template(
        "",
        "Vie locale",
        "{c} : l'école rouvre une classe à la rentrée",
        "Les effectifs remontent grâce à l'arrivée de nouvelles familles.",
        (
            "L'inspection académique a confirmé la réouverture d'une classe à l'école "
            "primaire de {c}. Les élus y voient le signe d'un village qui attire.",
            "Des travaux d'isolation seront menés pendant l'été.",
        ),
    ),
)

NATIONAL = (
    Template(
        "regulation",
        "France",
        "Installation des médecins : les députés relancent la régulation",
        "Une proposition de loi veut conditionner l'installation en zone bien dotée à un départ.",
        (
            "Une proposition de loi transpartisane sur la régulation de l'installation des "
            "médecins a été adoptée en commission. Elle prévoit qu'un médecin ne puisse "
            "s'installer dans une zone bien dotée qu'en remplacement d'un confrère.",
            "Les syndicats de médecins libéraux dénoncent une atteinte à la liberté "
            "d'installation et annoncent une mobilisation.",
        ),
        (
            "Déserts médicaux : la régulation de l'installation revient à l'Assemblée",
            "Liberté d'installation des médecins : le débat relancé par les députés",
        ),
    ),
    Template(
        "formation_internes",
        "France",
        "Médecine générale : les docteurs juniors arrivent dans les territoires",
        "La quatrième année d'internat envoie de jeunes médecins dans les zones sous-dotées.",
        (
            "Les premiers docteurs juniors de médecine générale prennent leurs fonctions "
            "en novembre. Ces internes de quatrième année exercent sous la supervision d'un "
            "maître de stage.",
            "Le ministère espère en placer une large part dans les zones les moins dotées, "
            "où 6 millions de Français n'ont pas de médecin traitant.",
        ),
        (
            "Docteurs juniors : la quatrième année d'internat démarre",
            "Internes de médecine générale : la quatrième année commence",
        ),
    ),
    Template(
        "aide_installation",
        "France",
        "Médecins : l'aide à l'installation élargie à de nouvelles zones",
        "L'Assurance maladie étend la carte des territoires où un généraliste peut toucher "
        "une aide pour s'installer.",
        (
            "L'Assurance maladie a annoncé l'extension du contrat d'aide à l'installation "
            "des médecins. Un généraliste qui s'installe en zone d'intervention prioritaire "
            "peut recevoir jusqu'à 50 000 euros.",
            "Les jeunes médecins saluent la mesure mais rappellent que le logement et "
            "l'emploi du conjoint comptent autant.",
        ),
        (
            "Aide à l'installation des médecins : la carte des zones élargie",
            "Installation des généralistes : une aide pour plus de communes",
        ),
    ),
    Template(
        "telemedecine",
        "France",
        "Téléconsultation : de nouvelles règles de remboursement",
        "Les consultations à distance restent remboursées si le patient a un médecin "
        "traitant ou n'en trouve pas.",
        (
            "Le remboursement des téléconsultations évolue au printemps. Les patients sans "
            "médecin traitant pourront continuer d'y recourir dans les zones sous-dotées.",
            "Selon l'Assurance maladie, les téléconsultations représentent 7 % des actes de "
            "médecine générale.",
        ),
        ("Téléconsultations : ce qui change pour le remboursement",),
    ),
    Template(
        "mobilisation",
        "France",
        "Déserts médicaux : des élus ruraux manifestent devant le ministère",
        "Plusieurs centaines de maires réclament un plan d'urgence pour l'accès aux soins.",
        (
            "Des élus venus de toute la France ont manifesté devant le ministère de la Santé "
            "pour réclamer un plan d'urgence contre les déserts médicaux.",
            "Ils demandent un médecin à moins de trente minutes de chaque habitant.",
        ),
        (
            "Accès aux soins : les maires ruraux manifestent à Paris",
            "Des maires ruraux manifestent pour l'accès aux soins",
        ),
    ),
)

# Sentences of local colour: each generated page draws a few, so that two pages built on
# the same template stay different stories for the reprint detector (word 5-shingles).
COLOUR = (
    "À {c}, le généraliste le plus proche consulte désormais à une demi-heure de route.",
    "« On ne demande pas un hôpital, juste un médecin qui reste », résume {nom}, qui habite "
    "le bourg depuis quarante ans.",
    "Le département {dep_de} compte {dens} médecins généralistes pour 100 000 habitants.",
    "Près d'un généraliste sur trois du secteur a plus de soixante ans.",
    "{nom_f}, adjointe aux affaires sociales, parle d'un « dossier prioritaire du mandat ».",
    "La commune compte {hab} habitants, dont une part croissante de retraités.",
    "Les urgences de l'hôpital le plus proche voient arriver des patients qui n'ont plus de "
    "médecin traitant.",
    "Pour un rendez-vous chez un ophtalmologiste, l'attente dépasse souvent six mois.",
    "{nom_f}, pharmacienne à {c2}, voit chaque semaine des patients venus de loin renouveler "
    "une ordonnance.",
    "Le sujet sera à l'ordre du jour du prochain conseil municipal, prévu {jour} prochain.",
    "Les élus de {c2} suivent le dossier de près et espèrent une suite chez eux.",
    "« Il faut que les jeunes médecins aient envie de vivre ici, pas seulement d'y "
    "travailler », estime {nom}.",
    "L'agence régionale de santé a classé le secteur en zone d'intervention prioritaire.",
    "Le dernier recensement fait état d'une population stable mais vieillissante.",
    "À la sortie de la boulangerie, la question revient souvent : qui soignera le village ?",
    "La gare la plus proche est à quarante minutes, ce qui complique les trajets vers les "
    "spécialistes.",
    "Les infirmières libérales du canton disent faire face à des tournées de plus en plus longues.",
    "{nom_m}, retraité, a dû faire {n}0 kilomètres pour un simple certificat médical.",
    "Les élus rappellent que la santé n'est pas une compétence de la commune, mais qu'ils "
    "ne peuvent pas rester sans rien faire.",
    "Le maire, {nom_m}, assure que « tout le monde autour de la table joue le jeu ».",
    "En dix ans, le nombre de généralistes du bassin a baissé d'un quart.",
    "Le prochain point d'étape est prévu en {mois_suivant}.",
    "L'opposition municipale soutient le projet mais s'interroge sur son coût.",
    "Les habitants peuvent se renseigner à l'accueil de la mairie.",
    "Une réunion d'information est prévue à la salle polyvalente de {c}.",
    "Le dossier a été présenté aux maires du secteur lors de leur dernière assemblée.",
    "Dans le canton, plusieurs cabinets ont fermé depuis 2020 sans être repris.",
    "Selon la caisse primaire, {pct} % des habitants du secteur n'ont pas de médecin traitant.",
)
NAMES_F = (
    "Martine Roux",
    "Nadia Benali",
    "Sylvie Morin",
    "Josiane Lebrun",
    "Odile Vasseur",
    "Brigitte Camus",
    "Solène Marchal",
)
NAMES_M = (
    "Gérard Pelletier",
    "Yves Cordier",
    "Alain Fabre",
    "Karim Haddad",
    "Patrick Jouve",
    "Henri Lachaud",
    "Didier Bonnet",
)
NAMES = NAMES_F + NAMES_M

# The same for national agency stories (no commune): one draw per story, shared by reprints.
NATIONAL_COLOUR = (
    "Le texte doit encore passer devant le Sénat avant l'été.",
    "Selon l'Ordre des médecins, la France compte moins de généralistes qu'il y a dix ans.",
    "Les associations de patients demandent des mesures rapides.",
    "Le ministère promet un premier bilan d'ici à la fin de l'année.",
    "Les fédérations hospitalières réclament d'être associées aux discussions.",
    "Une concertation avec les syndicats est annoncée pour le mois prochain.",
    "Les élus ruraux jugent les annonces insuffisantes.",
    "Le coût de la mesure n'a pas été chiffré par le gouvernement.",
    "Les étudiants en médecine se disent inquiets pour leurs conditions de formation.",
    "Le Conseil d'État doit rendre un avis sur le décret d'application.",
    "Plusieurs régions ont déjà lancé leurs propres dispositifs.",
    "Le sujet s'est invité dans les questions au gouvernement mardi.",
)

# Neutral colour for the pages off topic (no health word: they must stay irrelevant).
OTHER_COLOUR = (
    "Les bénévoles de l'association ont été remerciés par le maire, {nom_m}.",
    "Le parking de la salle des fêtes sera ouvert pour l'occasion.",
    "La météo annoncée pour le week-end devrait être clémente.",
    "Le comité des fêtes cherche encore des volontaires pour tenir la buvette.",
    "Les commerçants du centre-bourg se disent satisfaits de la fréquentation.",
    "Une navette gratuite reliera {c2} au centre de {c}.",
    "L'entrée est libre pour les moins de douze ans.",
    "Les inscriptions sont ouvertes à l'office de tourisme.",
    "L'an dernier, l'événement avait attiré plus de {hab} personnes.",
    "Le conseil municipal a voté une subvention de fonctionnement au club.",
    "La fanfare de {c2} ouvrira la journée à dix heures.",
    "Les photos de l'événement seront exposées à la médiathèque.",
    "Les riverains ont été prévenus par courrier.",
    "La prochaine édition est déjà en préparation.",
)
