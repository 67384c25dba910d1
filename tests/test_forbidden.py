"""The forbidden advice of every language, read as `handouts check` reads it: each piece of
advice is caught by its rule and does not read as a warning; warnings against the advice and
plain reports pass. A sentence that matches the language's `negation` warns against the
advice; otherwise any rule that matches fails it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from .conftest import flagged, forbidden_list

CONTENT = Path(__file__).resolve().parent.parent / "content"
LANGUAGES = ("en", "fr", "es")
LISTS = {language: forbidden_list(language) for language in LANGUAGES}

FORBIDDEN = {
    "en": [
        ("Stop the steroid cream when the skin looks better.", "stop-prescribed-treatment"),
        ("Avoid milk for a month to see if it helps.", "dairy-or-gluten-free-without-diagnosis"),
        ("Try a few weeks without gluten to help the eczema.", "dairy-or-gluten-free-without-diagnosis"),
        ("Cut out dairy for two weeks to see.", "dairy-or-gluten-free-without-diagnosis"),
        ("Switch your baby to goat's milk formula.", "milk-swap-unsupervised"),
        ("Take iron after antibiotics to feed good bacteria.", "minerals-after-antibiotics"),
        ("Eczema starts in the gut.", "starts-in-the-gut"),
    ],
    "fr": [
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
    ],
    "es": [
        ("Deje la crema de corticoide cuando la piel mejore.", "stop-prescribed-treatment"),
        ("Suspenda el tratamiento durante una semana.", "stop-prescribed-treatment"),
        ("Reduzca poco a poco el corticoide tópico.", "stop-prescribed-treatment"),
        ("Dejar de usar el emoliente en verano.", "stop-prescribed-treatment"),
        ("Disminuya la dosis del medicamento a la mitad.", "stop-prescribed-treatment"),
        ("Quite la leche de su dieta durante un mes para ver si mejora.", "cut-out-food-unsupervised"),
        ("Para ayudar a la piel, elimine los lácteos y el huevo.", "cut-out-food-unsupervised"),
        ("Retire el gluten de las comidas de su hijo.", "cut-out-food-unsupervised"),
        ("Quitar el trigo dos semanas.", "cut-out-food-unsupervised"),
        ("Pruebe a quitarle el huevo a su bebé.", "cut-out-food-unsupervised"),
        ("Siga una dieta sin gluten para el eccema.", "cut-out-food-unsupervised"),
        ("Empiece una dieta de eliminación.", "cut-out-food-unsupervised"),
        ("Ponga a su hijo a dieta sin lácteos.", "cut-out-food-unsupervised"),
        ("Le recomendamos una dieta sin lácteos.", "cut-out-food-advised"),
        ("Usted debería quitar los lácteos.", "cut-out-food-advised"),
        ("Es mejor que elimine el huevo de la dieta.", "cut-out-food-advised"),
        ("Cambie a leche de cabra.", "milk-swap-unsupervised"),
        ("Pásele a una bebida vegetal de avena.", "milk-swap-unsupervised"),
        ("Cambiar a leche de almendras puede ser una buena opción.", "milk-swap-unsupervised"),
        ("Sustituya la leche de vaca por leche de arroz.", "milk-swap-unsupervised"),
        ("Lave menos la piel de su bebé.", "less-cleaning"),
        ("Bañe a su hijo con menos frecuencia.", "less-cleaning"),
        ("Tome hierro y minerales después de los antibióticos.", "minerals-after-antibiotics"),
        ("Después de los antibióticos, dele hierro a su hijo.", "minerals-after-antibiotics"),
        ("El eccema empieza en el intestino.", "starts-in-the-gut"),
        ("El eccema de su hijo viene del intestino.", "starts-in-the-gut"),
        ("Una prueba de heces demuestra que el eccema viene del intestino.", "test-proves-gut-eczema"),
        ("Este kit muestra si su eccema está causado por el intestino.", "test-proves-gut-eczema"),
        ("LGG es el mejor probiótico para el eccema.", "lgg-the-probiotic"),
    ],
}

SAFE = {
    "en": [
        "Do not stop the steroid cream without asking your doctor.",
        "Avoid cutting out foods unless a doctor or dietitian says so.",
        "Never cut out milk without a diagnosis: it spoils coeliac tests.",
        "Cut out a food only with a doctor, dietitian and a plan to bring it back.",
        "Keep using moisturiser and prescribed treatment.",
    ],
    "fr": [
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
    ],
    "es": [
        # warnings against the advice
        "No deje de usar la crema sin hablar con su médico.",
        "Nunca reduzca el tratamiento por su cuenta.",
        "No quite ningún alimento de su dieta.",
        "No cambie a leche de cabra, oveja, arroz o avena.",
        "Jamás siga una dieta sin gluten sin un diagnóstico.",
        "Siga con la crema en lugar de dejarla.",
        "No lave menos a su hijo.",
        "No tome hierro después de los antibióticos.",
        "Ninguna prueba muestra que el eccema venga del intestino.",
        # professional advice and plain reports
        "Quite un alimento solo si un médico o un dietista se lo indica.",
        "Si su pediatra lo aconseja, cambie a una leche especial.",
        "Siga usando todo el tratamiento hasta la consulta.",
        "Deje que la crema se absorba antes de vestirle.",
        "Quitar alimentos por su cuenta puede causar desnutrición.",
        "El eccema puede estar relacionado con el intestino.",
        "La leche de arroz y las bebidas vegetales han causado desnutrición en bebés.",
        "Báñelo en agua tibia durante menos de 10 minutos.",
        "Ponga la crema hidratante tres veces al día.",
        "Use el corticoide tópico como le indicaron.",
        "Con la crema, el picor baja en pocos días.",
        "Puede sacarse leche y dársela a su bebé con un vaso.",
        "Un dietista puede ayudar con una dieta de eliminación corta.",
        "Reduzca el picor con crema y uñas cortas.",
        "Los probióticos no curan el eccema.",
    ],
}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_each_language_has_the_rules_of_english_with_their_reasons(language):
    english = yaml.safe_load((CONTENT / "forbidden.en.yaml").read_text(encoding="utf-8"))
    entries = yaml.safe_load((CONTENT / f"forbidden.{language}.yaml").read_text(encoding="utf-8"))
    assert list(entries) == list(english)
    assert all(re.search(r"\((?:notes|notas) [\d., ]+\)", entry["reason"])
               for name, entry in entries.items() if name != "negation")


@pytest.mark.parametrize(("language", "sentence", "rule"),
                         [(language, *case) for language, cases in FORBIDDEN.items() for case in cases])
def test_forbidden_advice_is_caught(language, sentence, rule):
    negation = LISTS[language].negation
    assert negation is not None and not negation.search(sentence), "a piece of advice must not read as a warning"
    assert rule in flagged(LISTS[language], sentence)


@pytest.mark.parametrize(("language", "sentence"),
                         [(language, sentence) for language, cases in SAFE.items() for sentence in cases])
def test_warnings_and_reports_pass(language, sentence):
    assert flagged(LISTS[language], sentence) == []
