"""The audit log's hash chain (DESIGN section 4): any changed, removed, reordered or inserted entry is found,
and the first bad one is named."""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.domain.audit_chain import GENESIS, HASHED_FIELDS, canonical_json, entry_hash, verify_chain

Entry = dict[str, Any]

ACTIONS = [
    ("clerk-li", "clerk", "vote_created", {"title": "2020 民生实事项目", "seats": 10, "candidates": 12}),
    ("clerk-li", "clerk", "rules_locked", {"digest": "ab" * 32}),
    ("clerk-li", "clerk", "round_opened", {"round": 1}),
    ("clerk-wang", "clerk", "paper_ballot_entered", {"round": 1, "count": 3}),
    ("clerk-li", "clerk", "round_closed", {"round": 1, "issued": 230, "cast": 230}),
    ("scrutineer-zhao", "scrutineer", "ballots_counted", {"round": 1, "selected": [1, 2, 3]}),
    ("clerk-li", "clerk", "result_published", {}),
]


def seal(entry: Entry) -> Entry:
    entry["hash"] = entry_hash(entry)
    return entry


def build(n: int = len(ACTIONS)) -> list[Entry]:
    """A good chain of n entries: seq 1..n, each prev_hash the hash of the entry before (GENESIS for the first)."""
    chain: list[Entry] = []
    previous = GENESIS
    for seq in range(1, n + 1):
        actor, role, action, details = ACTIONS[(seq - 1) % len(ACTIONS)]
        entry = seal(
            {
                "seq": seq,
                "at": f"2020-01-08T09:{seq:02d}:00+08:00",
                "actor": actor,
                "role": role,
                "action": action,
                "vote_id": 7,
                "details": copy.deepcopy(details),
                "prev_hash": previous,
            }
        )
        chain.append(entry)
        previous = entry["hash"]
    return chain


# --- a good chain -----------------------------------------------------------------------------------------------


def test_good_chain_verifies() -> None:
    chain = build()
    check = verify_chain(chain)
    assert check.ok
    assert check.entries == len(chain)
    assert check.head == chain[-1]["hash"]
    assert check.first_bad is None


def test_empty_log_verifies_with_genesis_head() -> None:
    check = verify_chain([])
    assert (check.ok, check.entries, check.head, check.first_bad) == (True, 0, GENESIS, None)


def test_chain_links() -> None:
    chain = build()
    assert chain[0]["prev_hash"] == GENESIS == "0" * 64
    for before, after in itertools.pairwise(chain):
        assert after["prev_hash"] == before["hash"]
    assert len({e["hash"] for e in chain}) == len(chain)


def test_entry_hash_is_sha256_of_canonical_json_of_the_hashed_fields() -> None:
    entry = build(1)[0]
    body = {name: entry[name] for name in HASHED_FIELDS}
    assert entry["hash"] == hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()
    # Key order does not matter; fields outside the hashed set (the hash itself, anything extra) do not count.
    shuffled = dict(reversed(list(entry.items())))
    shuffled["exported_by"] = "auditor"
    assert entry_hash(shuffled) == entry["hash"]


def test_canonical_json_keeps_chinese_and_sorts_keys() -> None:
    assert canonical_json({"b": 1, "a": "票决"}) == '{"a":"票决","b":1}'


def test_verify_accepts_any_iterable() -> None:
    assert verify_chain(iter(build())).ok


# --- tampering ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("position", [1, 4, 7])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actor", "clerk-chen"),
        ("role", "presidium"),
        ("action", "round_reopened"),
        ("at", "2020-01-08T23:59:00+08:00"),
        ("vote_id", 8),
        ("details", {"forged": True}),
    ],
)
def test_changed_field_is_found(position: int, field: str, value: Any) -> None:
    chain = build()
    chain[position - 1][field] = value
    check = verify_chain(chain)
    assert not check.ok
    assert check.first_bad == position
    assert check.entries == position - 1
    assert check.head == (GENESIS if position == 1 else chain[position - 2]["hash"])
    assert "altered" in check.reason


def test_changed_detail_deep_inside_is_found() -> None:
    chain = build()
    chain[5]["details"]["selected"] = [1, 2, 4]  # entry 6: the counted result
    check = verify_chain(chain)
    assert (check.ok, check.first_bad) == (False, 6)


def test_changed_seq_is_found() -> None:
    chain = build()
    chain[2]["seq"] = 30
    check = verify_chain(chain)
    assert (check.ok, check.first_bad) == (False, 3)


def test_changed_prev_hash_is_found() -> None:
    chain = build()
    chain[3]["prev_hash"] = GENESIS
    check = verify_chain(chain)
    assert (check.ok, check.first_bad) == (False, 4)


def test_changed_hash_is_found() -> None:
    chain = build()
    chain[3]["hash"] = "f" * 64
    check = verify_chain(chain)
    assert (check.ok, check.first_bad) == (False, 4)


def test_changed_entry_with_recomputed_hash_breaks_the_next_link() -> None:
    # Whoever alters entry 3 and recomputes its hash still breaks entry 4, which carries the old hash.
    chain = build()
    chain[2]["actor"] = "clerk-chen"
    seal(chain[2])
    check = verify_chain(chain)
    assert (check.ok, check.first_bad, check.entries) == (False, 4, 3)
    assert "follow" in check.reason


def test_removed_field_is_found_not_a_crash() -> None:
    chain = build()
    del chain[2]["details"]
    check = verify_chain(chain)
    assert (check.ok, check.first_bad, check.entries) == (False, 3, 2)
    assert "details" in check.reason


@pytest.mark.parametrize("position", [1, 3, 6])
def test_deleted_entry_is_found(position: int) -> None:
    chain = build()
    del chain[position - 1]
    check = verify_chain(chain)
    assert not check.ok
    # The entry now at that position has the next sequence number.
    assert check.first_bad == position
    assert check.entries == position - 1


def test_deleted_entry_with_renumbering_is_found() -> None:
    # Delete entry 3 and renumber the rest: entry 3 (formerly 4) no longer follows entry 2.
    chain = build()
    del chain[2]
    for seq, entry in enumerate(chain, start=1):
        entry["seq"] = seq
    check = verify_chain(chain)
    assert (check.ok, check.first_bad) == (False, 3)


@pytest.mark.parametrize("position", [1, 3, 6])
def test_swapped_entries_are_found(position: int) -> None:
    chain = build()
    chain[position - 1], chain[position] = chain[position], chain[position - 1]
    check = verify_chain(chain)
    assert not check.ok
    assert check.first_bad == position


def test_swapped_entries_with_their_seqs_swapped_back_are_found() -> None:
    # Swap entries 3 and 4 and give each the other's seq: the hashes no longer match.
    chain = build()
    chain[2], chain[3] = chain[3], chain[2]
    chain[2]["seq"], chain[3]["seq"] = 3, 4
    check = verify_chain(chain)
    assert (check.ok, check.first_bad) == (False, 3)


def test_swapped_entries_resealed_are_found() -> None:
    # Swap 3 and 4, renumber and recompute both hashes: entry 3 no longer follows entry 2.
    chain = build()
    chain[2], chain[3] = chain[3], chain[2]
    chain[2]["seq"], chain[3]["seq"] = 3, 4
    seal(chain[2])
    seal(chain[3])
    check = verify_chain(chain)
    assert (check.ok, check.first_bad) == (False, 3)


def forged(seq: int, prev_hash: str) -> Entry:
    return seal(
        {
            "seq": seq,
            "at": "2020-01-08T09:30:00+08:00",
            "actor": "intruder",
            "role": "clerk",
            "action": "paper_ballot_entered",
            "vote_id": 7,
            "details": {"round": 1, "count": 40},
            "prev_hash": prev_hash,
        }
    )


@pytest.mark.parametrize("position", [1, 4, 7])
def test_inserted_entry_is_found(position: int) -> None:
    # A forged entry placed at `position` with a sequence number that is already taken.
    chain = build()
    chain.insert(position - 1, forged(position + 1, GENESIS))
    check = verify_chain(chain)
    assert not check.ok
    assert check.first_bad == position


def test_inserted_entry_that_fits_its_place_breaks_the_next_one() -> None:
    # The best a forger can do without rewriting the rest: a well-formed entry 4 that follows entry 3.
    # It passes, but the original entry 4, now 5th, has the wrong sequence number and follows entry 3, not it.
    chain = build()
    chain.insert(3, forged(4, chain[2]["hash"]))
    check = verify_chain(chain)
    assert (check.ok, check.first_bad, check.entries) == (False, 5, 4)


def test_inserted_entry_with_the_rest_renumbered_breaks_the_next_one() -> None:
    chain = build()
    chain.insert(3, forged(4, chain[2]["hash"]))
    for seq, entry in enumerate(chain, start=1):
        entry["seq"] = seq
    check = verify_chain(chain)
    assert (check.ok, check.first_bad) == (False, 5)


def test_rewriting_the_whole_tail_changes_the_head() -> None:
    # A chain is only as strong as its anchor: rewriting everything after a point re-verifies, but the head
    # differs from the one recorded before, which is what an auditor compares against.
    chain = build()
    original_head = verify_chain(chain).head
    chain.insert(3, forged(4, chain[2]["hash"]))
    for seq, entry in enumerate(chain, start=1):
        entry["seq"] = seq
        entry["prev_hash"] = GENESIS if seq == 1 else chain[seq - 2]["hash"]
        seal(entry)
    check = verify_chain(chain)
    assert check.ok
    assert check.head != original_head


def test_truncated_chain_still_verifies_but_its_head_moves_back() -> None:
    chain = build()
    full = verify_chain(chain)
    short = verify_chain(chain[:-2])
    assert short.ok
    assert short.entries == full.entries - 2
    assert short.head == chain[-3]["hash"] != full.head


def test_only_the_first_bad_entry_is_named() -> None:
    chain = build()
    chain[5]["actor"] = "x"
    chain[1]["actor"] = "y"
    check = verify_chain(chain)
    assert check.first_bad == 2


# --- the canonical encoding is the documented recipe -------------------------------------------------

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.text(st.characters(codec="utf-8"))
)
_json_values = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_json_values)
def test_canonical_json_is_the_documented_recipe(value: object) -> None:
    """docs/audit-log.md tells auditors to hash json.dumps(..., sort_keys, compact, ensure_ascii=False)."""
    recipe = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == recipe


def test_an_entry_that_cannot_be_canonical_json_is_named() -> None:
    entries = build(3)
    entries[1] = {**entries[1], "details": {"big": 2**70}}
    check = verify_chain(entries)
    assert not check.ok
    assert check.first_bad == 2
