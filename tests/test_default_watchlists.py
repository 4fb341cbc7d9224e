"""The shipped watchlists: valid, quiet (no warnings), multilingual, and careful with ambiguous names."""

import pytest

from bot.pipeline.match import Matcher
from tests.watchlist_util import shipped_matcher


@pytest.fixture(scope="module")
def shipped() -> Matcher:
    return shipped_matcher()


def topics(m: Matcher, text: str) -> tuple[str, ...]:
    return m.classify(text).topics


SENTENCES = [
    ("russia", "Wagner mercenaries redeployed as Africa Corps"),
    ("russia", "Des mercenaires russes ont été vus à Kidal"),
    ("russia", "وصول عناصر الفيلق الإفريقي إلى باماكو"),
    ("russia", "Sojojin Rasha sun isa Yamai"),
    ("france", "Les derniers soldats français ont quitté la base"),
    ("france", "انسحاب القوات الفرنسية من النيجر"),
    ("france", "Sojojin Faransa sun fice daga Nijar"),
    ("united_states", "US troops leave Air Base 201 in Agadez"),
    ("united_states", "Les militaires américains quittent Niamey"),
    ("united_states", "انسحاب القوات الأمريكية من النيجر"),
    ("united_states", "Sojojin Amurka sun bar Nijar"),
    ("jnim", "JNIM claims the attack near Boulkessi"),
    ("jnim", "Le GSIM revendique l'attaque"),
    ("jnim", "جماعة نصرة الإسلام والمسلمين تتبنى الهجوم"),
    ("is_sahel", "L'EIGS a attaqué un convoi"),
    ("is_sahel", "ولاية الساحل تتبنى"),
    ("iswap_boko_haram", "ISWAP fighters attacked Monguno"),
    ("iswap_boko_haram", "Mayakan Boko Haram sun kai hari"),
    ("iswap_boko_haram", "هجوم لجماعة بوكو حرام"),
    ("ambush", "Soldiers were ambushed near Djibo"),
    ("ambush", "Une embuscade meurtrière"),
    ("ambush", "نصب كمين لدورية"),
    ("ambush", "An yi wa sojoji kwanton bauna"),
    ("ied", "An IED struck a convoy"),
    ("ied", "Un engin explosif improvisé a touché un véhicule"),
    ("ied", "انفجار عبوة ناسفة"),
    ("ied", "Nakiya ta tashi da motar sojoji"),
    ("drone_strike", "A drone strike hit a market"),
    ("drone_strike", "Une frappe de drone a visé"),
    ("drone_strike", "غارة جوية بطائرة مسيرة"),
    ("drone_strike", "Jirgin yaki ya kai hari"),
    ("kidnapping", "Gunmen kidnapped 20 villagers"),
    ("kidnapping", "Enlèvement de deux humanitaires"),
    ("kidnapping", "اختطاف مدنيين"),
    ("kidnapping", "Masu garkuwa da mutane sun nemi kudin fansa"),
    ("killed", "Twelve soldiers killed in an attack"),
    ("killed", "Quinze civils tués"),
    ("killed", "مقتل عشرة جنود"),
    ("killed", "'Yan bindiga sun kashe mutane"),
    ("coup", "Attempted coup in Ouagadougou"),
    ("coup", "Tentative de coup d'État déjouée"),
    ("coup", "محاولة انقلابية فاشلة"),
    ("coup", "An yi juyin mulki a Nijar"),
]


@pytest.mark.parametrize(("topic", "text"), SENTENCES)
def test_each_core_topic_fires_in_its_languages(shipped, topic, text):
    assert topic in topics(shipped, text)


@pytest.mark.parametrize("text", ["Niger", "#Niger", "Niger's", "(Niger)", "NIGER", "Niger Republic", "النيجر",
                                  "Nijar", "nigérienne", "Nigerien"])
def test_niger_the_country(shipped, text):
    assert topics(shipped, f"Army of {text} said").count("niger") == 1


@pytest.mark.parametrize("text", ["Nigeria", "Nigerian", "Nigérian", "Najeriya", "النيجيري", "Niger State police"])
def test_nigeria_is_not_niger(shipped, text):
    found = topics(shipped, f"Army of {text} said")
    assert "nigeria" in found and "niger" not in found


def test_mali_never_somalia_and_not_financial_arabic(shipped):
    assert "mali" not in topics(shipped, "Somalia: Al-Shabaab")
    assert "mali" not in topics(shipped, "دعم مالي من البنك والمالية العامة")
    assert "mali" in topics(shipped, "هجوم في شمال مالي")


def test_ambiguous_towns_need_a_security_word(shipped):
    assert "ambiguous_places" not in topics(shipped, "Gao Feng and I say we met at the Kaya café")
    assert "ambiguous_places" not in topics(shipped, "GAO report: attack on budgets")  # GAO ≠ Gao
    assert "ambiguous_places" in topics(shipped, "Attaque contre l'armée à Gao")
    assert "ambiguous_places" not in topics(shipped, "Attaque contre l'armée à Gaoua")


def test_common_hausa_words_do_not_fire_alone(shipped):
    assert topics(shipped, "Kai, ya fara fada da kaya") == ()
