"""Reading what a deputy copied by hand: voting codes and receipts.

A deputy types a code from a slip, or a receipt written down after voting,
on a phone and often in lower case, with or without its dashes, reading O
for 0 and I or L for 1 (or the other way round).  One rule forgives all of
it, for both: two texts are the same code when their ``forgiving`` forms are
equal.  Voting codes are Crockford's base 32, which has no I, L or O, so the
forgiving form *is* the code.  Receipts are RFC 4648 base 32 (A-Z, 2-7),
which has no 0 or 1, so a 0 can only be an O and a 1 an I or an L:
``spellings`` names every receipt a typed text can stand for.
"""

from __future__ import annotations

from itertools import product

RECEIPT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
"""RFC 4648 base 32, in which receipts are written (``voting.services.casting``, ``voting.services.paper``)."""
MISREAD = str.maketrans("OIL", "011")
"""The letters read as digits: O as 0, I and L as 1."""
READ_AS = {"0": "O", "1": "IL"}
"""The other way: the letters of an alphabet without 0 and 1 that a typed digit may stand for."""
MAX_SPELLINGS = 1024
"""At most ten ambiguous 1s are tried: a 16-character receipt with more I and L is rarer than 1 in 10^9."""


def forgiving(text: str) -> str:
    """The text as issued: upper case, without dashes or spaces, O read as 0 and I or L as 1."""
    return text.upper().replace("-", "").replace(" ", "").translate(MISREAD)


def spellings(text: str, alphabet: str) -> list[str]:
    """Every string over ``alphabet`` whose forgiving form is the text's; none if a character fits no letter.

    Empty too when the text could stand for more than ``MAX_SPELLINGS`` strings: such a text is not a
    receipt anyone was given, and trying them all would only cost the server.
    """
    choices: list[str] = []
    for character in forgiving(text):
        letters = "".join(c for c in character + READ_AS.get(character, "") if c in alphabet)
        if not letters:
            return []
        choices.append(letters)
    count = 1
    for letters in choices:
        count *= len(letters)
    if count > MAX_SPELLINGS:
        return []
    return ["".join(letters) for letters in product(*choices)]
