"""The shipped watchlists catch the word forms analysts write (Arabic accusative, construct and verb forms,
Hausa phrases, French plurals) and the Arabic spellings of Sahel places and groups, without firing on the words
that share a prefix or a spelling with them (each prefix term has a hard negative here)."""

import json

import pytest

from bot.pipeline.match import Matcher
from tests.watchlist_util import ROOT, shipped_matcher

COUNTRY_TOPICS = {"niger", "nigeria", "mali", "burkina_faso", "chad_mauritania"}


@pytest.fixture(scope="module")
def shipped() -> Matcher:
    return shipped_matcher()


def topics(m: Matcher, text: str) -> set[str]:
    return set(m.classify(text).topics)


FIRES = [
    # Arabic: the demo misses, then other forms
    ("صدت قوات الأمن هجوما على موقع عسكري في كيدال", {"attack", "mali"}),
    ("فر سكان فيلينغي بعد اقتحام مسلحي لاكوراوا للمدينة", {"attack", "gunmen", "other_armed_groups", "niger"}),
    ("اختطف 40 طالبا من مدرسة داخلية", {"kidnapping"}),
    ("وقال سكان إن المسلحين اختطفوا 12 شخصا", {"kidnapping", "gunmen"}),
    ("الإفراج عن المختطفين بعد دفع فدية", {"kidnapping"}),
    ("أفرج الخاطفون عن رهينة", {"kidnapping"}),
    ("وقالت وزارة الدفاع إن 22 من المهاجمين قتلوا", {"killed"}),
    ("20 مدنيا لقوا حتفهم في القرية", {"killed"}),
    ("مصرع عشرة جنود في بوركينا", {"killed", "burkina_faso"}),
    ("هاجموا قرية وقتلوا 12 مدنيا", {"attack", "killed"}),
    ("نصب مسلحون كمينا لدورية الجيش", {"ambush", "gunmen"}),
    ("قصفت الطائرات المسيرة مواقع المتمردين", {"drone_strike"}),
    ("فجر انتحاري نفسه عند نقطة تفتيش في كوندوغا", {"ied", "nigeria"}),
    ("اشتباكات عنيفة قرب بولكيسي", {"clashes", "mali"}),
    ("غاو: اشتباكات جديدة قرب المطار", {"clashes", "ambiguous_places"}),
    ("هجوم على موقع للجيش في جيبو", {"attack", "ambiguous_places"}),
    ("وزارة الدفاع النيجرية تعلن", {"niger"}),
    ("عناصر من القوات المسلحة المالية في تيسيت", {"mali"}),
    ("أعلنت دول تحالف الساحل تشكيل قوة مشتركة", {"aes"}),
    # Hausa
    ("Akalla sojoji 45 ne suka mutu bayan motarsu ta taka bam a hanyar Tsafe", {"ied", "killed", "nigeria"}),
    ("'Yan bindiga sun sace mutane 40 a Zamfara", {"kidnapping", "gunmen", "nigeria"}),
    ("An sace dalibai 30 daga wata makaranta", {"kidnapping"}),
    ("Maharan sun afka wa garin da dare", {"attack", "gunmen"}),
    ("Wani jirgi mara matuki ya jefa bam kan jama'a", {"drone_strike"}),
    ("Wani dan kunar bakin wake ya tayar da bam", {"ied"}),
    ("Adadin wadanda suka mutu a harin ya kai 40", {"attack", "killed"}),
    ("Ana gwabza fada kusa da garin", {"clashes"}),
    ("Gwamnatin sojin Nijar ta kori jakadan", {"juntas", "niger"}),
    ("'Yan bindigar sun sace wasu matafiya a Jihar Neja", {"gunmen", "kidnapping", "nigeria"}),
    # French and English
    ("Les ravisseurs réclament une rançon", {"kidnapping"}),
    ("L'armée a neutralisé 20 terroristes", {"killed", "gunmen"}),
    ("Un soldat tué et deux blessés", {"killed"}),
    ("Un kamikaze s'est fait exploser, deux soldats tués", {"ied", "killed"}),
    ("Le convoi a sauté sur une mine", {"ied"}),
    ("De violents affrontements entre l'armée et des djihadistes", {"clashes", "gunmen"}),
    ("Thousands flee as insurgents seize the town", {"gunmen"}),
    ("Bandits abducted 40 villagers", {"kidnapping", "gunmen"}),
    ("A suicide bomber hit a checkpoint", {"ied"}),
    ("Gao: new clashes at the airport road", {"clashes", "ambiguous_places"}),
    ("Several houses burned in the overnight raid", {"attack"}),
    ("Security forces deny killing unarmed protesters", {"killed"}),
]


@pytest.mark.parametrize(("text", "expected"), FIRES)
def test_new_forms_fire_their_topics(shipped, text, expected):
    assert topics(shipped, text) == expected


NOT = [
    # one hard negative per prefix term, and per word that also means something else
    ("اختطف الفريق الفوز في الدقيقة الأخيرة", "kidnapping"),  # اختطف*: "snatched the win"
    ("خطف الأهلي هدف التعادل من المباراة", "kidnapping"),  # خطف: "snatched the equaliser"
    ("اختلاف الآراء حول اختصاص المحكمة", "kidnapping"),  # shares اخت with اختطف*
    ("قتل الوقت في المقهى مع الأصدقاء", "killed"),  # قتل*: no security word
    ("قتال عنيف بين الجيش والمتمردين", "killed"),  # قتال (fighting) is not قتل*
    ("خطة هجومية للمنتخب قبل المباراة", "attack"),  # هجومية: "offensive" (not هجوم*)
    ("مسيرة سلمية في نيامي", "drone_strike"),  # مسيرة alone: "march"
    ("دوري أبطال أوروبا الليلة", "ambiguous_places"),  # دوري: "league", not Dori
    ("الدوري الإيطالي يتوقف بعد هجوم", "ambiguous_places"),  # دوري has arabic_article: false
    ("ديفا الغناء العربي في حفل", "ambiguous_places"),  # ديفا: "diva", not Diffa
    ("كوتا النساء في البرلمان", "ambiguous_places"),  # كوتا: "quota", not Kuta
    ("وتحدث الحكم ولام اللاعبين", "ambiguous_places"),  # ولام: "and blamed", not Ouallam
    ("نصب مسلحون كمينا لدورية الجيش", "ambiguous_places"),  # كمينا = ك + مينا (Minna is not listed)
    ("Un sourire ravissant", "kidnapping"),  # ravisseur*
    ("L'équipe a neutralisé l'attaquant adverse", "killed"),  # neutralisé*; attaquant is not attaque*
    ("La lutte contre le terrorisme et le jihadisme", "gunmen"),  # terrorist*, jihadist*
    ("Les syndicats s'insurgent contre la réforme", "gunmen"),  # insurgents, not insurgent*
    ("See you on Tuesday at the soldiers' memorial", "killed"),  # tué, not tué*
    ("Le ministre a été bombardé de questions", "drone_strike"),  # bombardement*
    ("Grand affrontement ce soir au match de football", "clashes"),  # affrontement* in sport
    ("L'explosion des prix du riz inquiète", "clashes"),
    ("We had a blast at the wedding", "clashes"),
    ("Ransomware attack hits the hospital", "kidnapping"),  # ransom: whole word only
    ("An sace motata a kasuwa", "kidnapping"),  # sace alone: "stole"
    ("Ya kashe wuta ya kwanta", "killed"),  # kashe wuta: "switched off the light"
    ("Watch it on MUBI tonight, soldiers' drama", "ambiguous_places"),  # Mubi is case-sensitive
]


@pytest.mark.parametrize(("text", "topic"), NOT)
def test_hard_negatives(shipped, text, topic):
    assert topic not in topics(shipped, text)


@pytest.mark.parametrize("text", [
    "Le Mali bat le Niger 2-1 en match amical",
    "The Nigeria vs Niger basketball game is tonight",
    "Osimhen and the Super Eagles beat Mali",
    "La crue du fleuve Niger inquiète les riverains",
    "The River Niger has reached its highest level",
])
def test_sport_and_the_river_are_not_the_countries(shipped, text):
    assert topics(shipped, text) & {"niger", "nigeria", "mali"} == set()


def test_sample_noise_fires_no_security_topic(shipped):
    extra = json.loads((ROOT / "bench" / "sample_extra.json").read_text(encoding="utf-8"))
    noise = [text for _, text in extra["noise"] if "Somalia" not in text]  # Somalia: a real attack
    assert len(noise) >= 15
    fired = {text: topics(shipped, text) - COUNTRY_TOPICS for text in noise}
    assert {text: found for text, found in fired.items() if found} == {}
