"""content/forbidden.es.yaml catches forbidden advice written in Spanish, and lets warnings pass.

Read as `handouts check` reads it: a sentence that matches `negation` warns against the
advice and passes; otherwise a match of any rule fails it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from .conftest import flagged, forbidden_list

CONTENT = Path(__file__).resolve().parent.parent / "content"
ENTRIES = yaml.safe_load((CONTENT / "forbidden.es.yaml").read_text(encoding="utf-8"))
LIST = forbidden_list("es")
NEGATION = LIST.negation



def test_same_rules_as_english():
    english = yaml.safe_load((CONTENT / "forbidden.en.yaml").read_text(encoding="utf-8"))
    assert set(ENTRIES) == set(english)
    for name, entry in ENTRIES.items():
        assert entry["reason"].strip(), name


FORBIDDEN = [
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
]


@pytest.mark.parametrize(("sentence", "rule"), FORBIDDEN)
def test_forbidden_advice_is_caught(sentence, rule):
    assert not NEGATION.search(sentence), "the sentence must not read as a warning"
    assert rule in flagged(LIST, sentence)


SAFE = [
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
]


@pytest.mark.parametrize("sentence", SAFE)
def test_warnings_and_reports_pass(sentence):
    assert flagged(LIST, sentence) == []
