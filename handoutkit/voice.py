"""Voice heuristics: passive sentences, whether the text speaks to the reader as "you", and actions.

Passive (documented heuristic): a form of "to be" ("ser" in Spanish), then up to two adverbs, then a
past participle (a word ending in -ed, or a common irregular one; -ado/-ido in Spanish). It misses
passives without "be" ("got hurt") and flags some adjectives ("is tired" is excluded by a list).
"""

from __future__ import annotations

from dataclasses import dataclass

from .prose import Sentence, word_list


def _set(text: str) -> set[str]:
    """A word list written as text, one space between words."""
    return set(text.split())


_BE = {
    "en": {"am", "is", "are", "was", "were", "be", "been", "being", "isn't", "aren't", "wasn't", "weren't",
           "isn’t", "aren’t", "wasn’t", "weren’t"},
    "es": {"es", "son", "fue", "fueron", "era", "eran", "será", "serán", "sería", "serían", "ser", "sido",
           "sea", "sean", "siendo"},
}
_ADVERBS = {"not", "never", "often", "also", "usually", "generally", "always", "sometimes", "still",
            "only", "just", "rarely", "commonly", "typically", "well", "further", "first", "then", "now",
            "no", "nunca", "también", "siempre", "solo", "sólo", "ya", "muy"}
_IRREGULAR = _set("""
    arisen awoken beaten become begun bent bitten bled blown borne born bought bound broken brought built
    burnt caught chosen come cut dealt done drawn drunk driven eaten fallen fed felt fought found fled
    flown forbidden forgotten forgiven frozen given gone grown hung heard held hidden hit hurt kept known
    laid led left lent let lit lost made meant met paid put quit read rid ridden risen run said seen sought
    sold sent set shaken shed shot shown shut sung sunk sat slept slid spoken spent spun split spread
    stood stolen stuck struck sworn swept swum taken taught torn told thought thrown understood woken
    worn won withdrawn written
""")
# Words that end in -ed after "be" but describe a state, not an action done to someone.
_ADJECTIVES = {"tired", "interested", "worried", "concerned", "scared", "excited", "married", "pleased",
               "bored", "confused", "surprised", "supposed", "indeed", "hundred", "sacred", "naked",
               "wicked", "beloved", "aged", "learned", "detached", "related", "advanced", "limited",
               "ashamed", "afraid", "annoyed", "frightened", "overwhelmed", "stressed", "depressed",
               "exhausted", "relaxed", "motivated", "satisfied", "disappointed", "embarrassed"}
_YOU = {"en": {"you", "your", "yours", "yourself", "yourselves"},
        "es": {"usted", "ustedes", "tú", "ti", "contigo", "tu", "tus"}}
_IMPERATIVES = {
    "en": _set("""
        ask avoid book bring call check choose come consider contact continue discuss do don't don’t
        drink eat expect find follow get give go have join keep leave let limit list look make note
        plan practice practise prepare put read record remember rest return schedule see seek share
        sign skip sleep speak start stay stop store take talk tell track try use visit wait walk wash
        watch wear write arrange allow arrive bring review fill mark set
    """),
    "es": _set("""
        llame pregunte tome evite hable traiga anote siga consulte acuda beba coma descanse lleve pida
        use busque vaya venga haga guarde escriba revise deje no
    """),
}
_LEADS = {"please", "always", "never", "por", "favor", "siempre", "nunca"}
_YOU_CAN = {"en": ("you can", "you should", "you may want", "you need to", "you will need", "you might want",
                   "ask your", "talk to your", "tell your"),
            "es": ("usted puede", "usted debe", "pregunte a su", "hable con su")}


@dataclass
class Voice:
    """Passive share and whether the reader is addressed; None where the language has no rules here."""

    sentences: int
    passive: list[Sentence]
    you_count: int | None
    judged: bool  # False for languages without word lists here

    @property
    def passive_share(self) -> float | None:
        if not self.judged or not self.sentences:
            return None
        return len(self.passive) / self.sentences


def _is_participle(word: str, lang: str) -> bool:
    if lang == "es":
        return len(word) > 4 and word.endswith(("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas"))
    if word in _ADJECTIVES:
        return False
    return word in _IRREGULAR or (len(word) > 4 and word.endswith("ed") and not word.endswith("eed"))


def is_passive(text: str, lang: str) -> bool:
    """True when the sentence has a form of "be" followed, within two adverbs, by a past participle."""
    be = _BE.get(lang)
    if not be:
        return False
    words = [w.lower() for w in word_list(text)]
    for i, word in enumerate(words):
        if word not in be:
            continue
        for following in words[i + 1 : i + 4]:
            if following in _ADVERBS or (lang == "en" and following.endswith("ly")):
                continue
            if _is_participle(following, lang):
                return True
            break
    return False


def is_action(text: str, lang: str) -> bool:
    """True when the sentence asks the reader to do something: an imperative, or "you can/should ..."."""
    verbs = _IMPERATIVES.get(lang)
    if not verbs or text.rstrip().endswith("?"):
        return False
    words = [w.lower() for w in word_list(text)]
    while words and words[0] in _LEADS:
        words = words[1:]
    if words and words[0] in verbs:
        return True
    lowered = " ".join(w.lower() for w in word_list(text))
    return any(phrase in lowered for phrase in _YOU_CAN[lang])


def judge(sentences: list[Sentence], lang: str) -> Voice:
    """Passive sentences and "you" count for the language's rules."""
    if lang not in _BE:
        return Voice(len(sentences), [], None, judged=False)
    passive = [s for s in sentences if is_passive(s.text, lang)]
    you = sum(1 for s in sentences for w in word_list(s.text) if w.lower().split("'")[0].split("’")[0]
              in _YOU[lang])
    return Voice(len(sentences), passive, you, judged=True)
