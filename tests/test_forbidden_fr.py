"""content/forbidden.fr.yaml: French advice the handouts must never give, and French warnings that must pass.

Read as `handouts check` reads it: a sentence that matches `negation` warns against the
advice and passes; otherwise any rule that matches fails it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from .conftest import flagged, forbidden_list

CONTENT = Path(__file__).resolve().parent.parent / "content"
ENTRIES = yaml.safe_load((CONTENT / "forbidden.fr.yaml").read_text(encoding="utf-8"))
LIST = forbidden_list("fr")
NEGATION = LIST.negation



def test_same_rules_as_english():
    english = yaml.safe_load((CONTENT / "forbidden.en.yaml").read_text(encoding="utf-8"))
    assert list(ENTRIES) == list(english)
    assert all(re.search(r"\(notes [\d., ]+\)", entry["reason"]) for name, entry in ENTRIES.items() if name != "negation")


FORBIDDEN = [
    ("Arrêtez la crème dès que la peau va mieux.", "stop-prescribed-treatment"),
    ("Diminuez le dermocorticoïde de moitié.", "stop-prescribed-treatment"),
    ("Réduire l'émollient à une fois par jour.", "stop-prescribed-treatment"),
    ("Mettez moins de crème sur le visage.", "stop-prescribed-treatment"),
    ("Supprimez les produits laitiers pendant un mois pour voir.", "dairy-or-gluten-free-without-diagnosis"),
    ("Évitez le gluten pour aider l'eczéma.", "dairy-or-gluten-free-without-diagnosis"),
    ("Retirez les œufs de son assiette.", "cut-out-food-unsupervised"),
    ("Ôtez le lait de son alimentation pendant deux semaines.", "dairy-or-gluten-free-without-diagnosis"),
    ("Éliminer le blé, puis voir si la peau change.", "cut-out-food-unsupervised"),
    ("Ne lui donnez plus de lait de vache.", "cut-out-food-unsupervised"),
    ("Ne donnez aucun produit laitier à votre enfant.", "cut-out-food-unsupervised"),
    ("Essayez un régime sans gluten.", "cut-out-food-unsupervised"),
    ("Vous devriez retirer les œufs de son alimentation.", "cut-out-food-advised"),
    ("Il faut mettre votre enfant au régime d'éviction.", "cut-out-food-advised"),
    ("N'hésitez pas à supprimer le lait.", "cut-out-food-advised"),
    ("Passez au lait de chèvre.", "milk-swap-unsupervised"),
    ("Mettez votre bébé au lait d'amande.", "milk-swap-unsupervised"),
    ("Remplacez le lait de vache par du lait d'amande.", "milk-swap-unsupervised"),
    ("Passez au lait d'avoine au lieu du lait de vache.", "milk-swap-unsupervised"),
    ("Donnez-lui du lait de riz plutôt que du lait de vache.", "milk-swap-unsupervised"),
    ("Lavez-vous moins souvent.", "less-cleaning"),
    ("Moins de ménage aide le système immunitaire.", "less-cleaning"),
    ("Prenez du fer après les antibiotiques.", "minerals-after-antibiotics"),
    ("Après les antibiotiques, donnez-lui des minéraux.", "minerals-after-antibiotics"),
    ("L'eczéma commence dans l'intestin.", "starts-in-the-gut"),
    ("L'eczéma de votre enfant vient de son intestin.", "starts-in-the-gut"),
    ("Un test de selles montre que votre eczéma vient de l'intestin.", "test-proves-gut-eczema"),
    ("LGG est le probiotique de l'eczéma.", "lgg-the-probiotic"),
]


@pytest.mark.parametrize(("sentence", "rule"), FORBIDDEN)
def test_french_forbidden_advice_is_caught(sentence, rule):
    assert not NEGATION.search(sentence), "a piece of advice must not read as a warning"
    assert rule in flagged(LIST, sentence)


SAFE = [
    "N'arrêtez pas la crème sans en parler à votre médecin.",
    "Ne supprimez jamais un aliment sans l'avis d'un médecin ou d'un diététicien.",
    "Ne passez pas au lait de chèvre : la plupart des bébés allergiques au lait de vache y réagissent aussi.",
    "Ne donnez pas de lait de chèvre ou de brebis à un bébé allergique.",
    "Un régime sans gluten n'aide pas l'eczéma.",
    "Évitez les régimes sans lait faits seul.",
    "Supprimez un aliment seulement si un médecin ou un diététicien vous le dit.",
    "Ôtez un aliment seulement si un médecin ou un diététicien le dit.",
    "Retirer le lait peut fausser le test de la maladie cœliaque.",
    "Supprimer des aliments sans diagnostic peut freiner la croissance.",
    "Aucun test ne montre que l'eczéma vient de l'intestin.",
    "L'eczéma pourrait être lié au microbiote de l'intestin.",
    "Continuez la crème jusqu'au rendez-vous.",
    "Gardez le traitement au lieu de l'arrêter.",
    "Remplacez le savon par un émollient.",
    "Pour calmer les démangeaisons, mettez la crème prescrite.",
    "Gardez le lait infantile prescrit au lieu de passer au lait de riz.",
    "Le lait de riz et les boissons végétales ont causé des cas de malnutrition.",
    "Lavez la peau à l'eau tiède, moins de 10 minutes.",
    "Donner du fer après les antibiotiques n'est pas conseillé.",
    "Pour éviter une allergie, donnez l'œuf tôt, avec les autres aliments.",
    "Ne retirez aucun aliment de son alimentation.",
    "Un test de calprotectine montre si l'intestin est enflammé.",
    "Continuez à nourrir votre bébé au sein, même s'il a de l'eczéma.",
    "Gardez un chien : les chiens sont liés à moins d'eczéma.",
]


@pytest.mark.parametrize("sentence", SAFE)
def test_french_warnings_and_reports_pass(sentence):
    assert flagged(LIST, sentence) == []
