"""Label sets shared by extraction, evaluation, store and dashboard (see shared/dev/README.md)."""

from __future__ import annotations

INITIATIVE_TYPES: dict[str, str] = {
    "maison_de_sante": "Maison de santé",
    "centre_de_sante": "Centre de santé (médecins salariés)",
    "temps_partage": "Temps médical partagé",
    "recrutement": "Recrutement",
    "aide_installation": "Aide à l'installation",
    "formation_internes": "Internes et formation",
    "telemedecine": "Télémédecine",
    "cabinet_mobile": "Cabinet mobile ou secondaire",
    "exercice_coordonne": "Exercice coordonné",
    "regulation": "Régulation de l'installation",
    "mobilisation": "Mobilisation",
}
"""Initiative type -> French label shown in the dashboard."""

INITIATIVE_STATUSES = ("projet", "ouvert", "ferme")

FIGURE_KINDS: dict[str, tuple[str, str]] = {
    "densite": ("pour 100 000 habitants", "Densité médicale"),
    "habitants": ("habitants", "Habitants"),
    "patients": ("patients", "Patients"),
    "consultations": ("consultations", "Consultations"),
    "medecins": ("médecins", "Médecins"),
    "montant": ("euros", "Montant"),
    "pourcentage": ("%", "Pourcentage"),
    "structures": ("structures", "Structures"),
    "duree": ("jours", "Durée"),
    "age": ("ans", "Âge"),
    "distance": ("km", "Distance"),
}
"""Figure kind -> (unit of `value`, French label)."""
