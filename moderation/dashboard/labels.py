"""French names of the service's codes, as the newsroom reads them."""

from __future__ import annotations

QUEUES = {"review": "À relire", "reported": "Signalés", "pending": "En attente de score",
          "rejected": "Rejetés par le modèle", "published": "Publiés par le modèle"}
STATUSES = {"pending": "en attente", "published": "publié", "review": "à relire",
            "hidden": "masqué", "rejected": "rejeté"}
REASONS = {"insult": "Insulte", "hate": "Haine", "threat": "Menace", "harassment": "Harcèlement",
           "spam": "Spam", "off_topic": "Hors sujet", "misinformation": "Désinformation",
           "illegal": "Contenu illicite", "privacy": "Vie privée", "other": "Autre"}
SCORE_LABELS = {"toxicity": "toxicité", "insult": "insulte", "threat": "menace", "hate": "haine",
                "obscene": "obscénité", "spam": "spam"}
AUTHOR_STATES = {"active": "actif", "premoderated": "pré-modéré", "suspended": "suspendu",
                 "banned": "banni"}
AUTHOR_ACTIONS = {"premoderate": "Pré-modérer", "suspend": "Suspendre", "ban": "Bannir",
                  "restore": "Rétablir"}
ACTIONS = {"approve": "Approuver", "reject": "Rejeter", "hide": "Masquer"}
REPORT_STATES = {"open": "ouvert", "upheld": "retenu", "dismissed": "écarté"}
HISTORY_EVENTS = {"status": "statut", "report": "signalement", "report.resolved": "signalement traité"}
ROLES = {"moderator": "modérateur", "admin": "administrateur"}
# Suspension lengths offered in one click, in hours.
SUSPEND_HOURS = {24: "24 h", 72: "3 jours", 168: "7 jours", 720: "30 jours"}
