"""static/js/types.d.ts, the front end's hand-kept copy of the API's answers, against the OpenAPI document.

A type whose JSDoc begins with a schema's name (``/** MeetingSchema. */``) has that schema's properties as fields, no
more, no fewer (its literal's and those of the file's types it joins with ``&``), a required one never optional (``?``).
flask-smorest names schemas by apispec's default ``resolver``: the class name less ``Schema``.  A property referring to
a schema (``$ref``, in ``items``, ``allOf``, ``anyOf``) is followed: an object literal is compared with that schema, a
named type must mirror it.  Parts of a schema are in EXCEPTIONS.  A small bracket scanner reads the file, no Node.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from flask.testing import FlaskClient

TYPES = Path(__file__).resolve().parent.parent / "static" / "js" / "types.d.ts"


class Part(NamedTuple):
    """A type that mirrors a part or variant of its schema: what differs, and why."""

    reason: str
    omits: tuple[str, ...] = ()  # properties of the schema the type leaves out
    optional: tuple[str, ...] = ()  # properties the schema requires that the type marks `?`
    items_of: str = ""  # the type is one item of this array property, not the whole schema


EXCEPTIONS: dict[str, Part] = {
    "User": Part(
        "who is logged in, for the console (main.js): SessionSchema without the tokens", omits=("token", "csrf_token")
    ),
    "ErrorBody": Part(
        "api.js's ApiError holds {} when an answer has no JSON (a proxy's 502)", optional=("code", "message")
    ),
    "RosterProblem": Part(
        "an item of ErrorSchema's rows, published as free-form objects (errors._row)", items_of="rows"
    ),
}


class Member(NamedTuple):
    optional: bool
    type: str


class TypeDef(NamedTuple):
    doc: str
    expr: str

    @property
    def schema(self) -> str:
        word = re.match(r"\W*(\w+)", self.doc)
        return word[1].removesuffix("Schema") if word and word[1].endswith("Schema") else ""


def blank_comments(src: str) -> str:
    """The source with its comments turned into spaces (newlines kept), so that offsets still match."""
    out, i, quote = list(src), 0, ""
    while i < len(src):
        end = i + (2 if src[i] == "\\" and quote else 1)
        if quote:
            quote = "" if src[i] == quote else quote
        elif src[i] in "\"'`":
            quote = src[i]
        elif src.startswith(("//", "/*"), i):
            end = src.find("\n" if src[i + 1] == "/" else "*/", i + 2)
            end = len(src) if end < 0 else end + (src[i + 1] == "*") * 2
            out[i:end] = [c if c == "\n" else " " for c in src[i:end]]
        i = end
    return "".join(out)


def spans(code: str, separators: str) -> list[tuple[int, int]]:
    """Where ``code`` (comments blanked) splits at separators outside brackets and strings."""
    found, depth, start, quote = [], 0, 0, ""
    for i, c in enumerate(code):
        if quote:
            quote = "" if c == quote and code[i - 1] != "\\" else quote
        elif c in "\"'`":
            quote = c
        elif c in "{[(<":
            depth += 1
        elif c in "}])>" and not (c == ">" and code[i - 1] == "="):  # `=>` closes nothing
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced {c!r} at {i} in {code[:80]!r}")
        elif c in separators and depth == 0:
            found.append((start, i))
            start = i + 1
    return [*found, (start, len(code))]


def pieces(code: str, separators: str) -> list[str]:
    return [code[a:b].strip() for a, b in spans(code, separators) if code[a:b].strip()]


def read_types(src: str) -> dict[str, TypeDef]:
    code, types = blank_comments(src), {}
    for a, b in spans(code, ";"):
        if found := re.search(r"\bexport\s+type\s+(\w+)\s*=", code[a:b]):
            docs = re.findall(r"/\*\*(.*?)\*/", src[a : a + found.start()], re.DOTALL)
            doc = " ".join(docs[-1].replace("*", " ").split()) if docs else ""
            types[found[1]] = TypeDef(doc, code[a + found.end() : b].strip())
    return types


def fields_of(expr: str, types: dict[str, TypeDef]) -> dict[str, Member]:
    """The members of an object literal, or of an intersection of literals and this file's types."""
    members: dict[str, Member] = {}
    for part in pieces(expr, "&"):
        if part.startswith("{") and part.endswith("}"):
            for text in pieces(part[1:-1], ";,"):
                member = re.fullmatch(r"(?:readonly\s+)?([\"']?)(\w+)\1\s*(\?)?\s*:(.*)", text, re.DOTALL)
                if not member:
                    raise ValueError(f"cannot read the member {text!r}")
                members[member[2]] = Member(bool(member[3]), member[4].strip())
        elif part in types:
            members.update(fields_of(types[part].expr, types))
        else:
            raise ValueError(f"cannot read {part!r}: neither an object literal nor a type of this file")
    return members


def held(type_text: str) -> str:
    """The one object type a field holds, past ``| null`` and ``[]``: a literal, a name, or another type's text."""
    kinds = [kind for kind in pieces(type_text, "|") if kind not in ("null", "undefined")]
    return re.sub(r"(\s*\[\])+$", "", kinds[0]) if len(kinds) == 1 else ""


def refs(prop: Any) -> list[str]:
    """The schemas a property refers to, however deep (items, allOf, anyOf)."""
    if isinstance(prop, dict):
        own = [prop["$ref"].rsplit("/", 1)[-1]] if "$ref" in prop else []
        return own + [name for value in prop.values() for name in refs(value)]
    return [name for value in prop for name in refs(value)] if isinstance(prop, list) else []


def compare(label: str, members: dict[str, Member], schema: str, spec: Any, types: dict[str, TypeDef]) -> list[str]:
    exception = EXCEPTIONS.get(label, Part(""))
    if schema not in spec["components"]["schemas"]:
        return [f"{label}: the OpenAPI document has no schema {schema}"]
    props = spec["components"]["schemas"][schema].get("properties", {})
    required = set(spec["components"]["schemas"][schema].get("required", []))
    if exception.items_of:  # compared with the items' schema once they have one; free-form, nothing to compare with
        items = props.get(exception.items_of, {}).get("items")
        if targets := refs(items):
            return compare(f"{label} (an item of {schema}.{exception.items_of})", members, targets[0], spec, types)
        free = items == {"type": "object", "additionalProperties": {}}
        return [] if free else [f"{label}: {schema}.{exception.items_of}'s items are not free-form objects: {items}"]
    omits, excepted = set(exception.omits), set(exception.optional)
    want, got = set(props) - omits, set(members)
    optional = {name for name in got & required if members[name].optional}
    problems = []
    for found, says in (
        (want - got, f"lacks {schema}'s"),
        (got - want, f"has fields {schema} has not:"),
        (omits - set(props), f"is excepted from fields {schema} no longer has:"),
        (optional - excepted, f"marks optional what {schema} requires:"),
        (excepted - optional, "is excepted as optional where it is not:"),
    ):
        problems += [f"{label} {says} {sorted(found)}"] if found else []
    for name in sorted(got & want):
        targets, inner = refs(props[name]), held(members[name].type)
        if len(targets) != 1:
            continue  # no schema of its own (a dict, a list of numbers): its type is checked where it is named
        if inner.startswith("{"):
            problems += compare(f"{label}.{name}", fields_of(inner, types), targets[0], spec, types)
        elif inner not in types or types[inner].schema != targets[0]:
            problems.append(f"{label}.{name}: {schema}.{name} is {targets[0]}, the type says {members[name].type!r}")
    return problems


def test_the_parser_reads_literals_intersections_and_comments() -> None:
    src = """// a comment with a quote's ; and { brace
    /** AbcSchema: one, two. */ export type A = { a: number; "b"?: string | null, c: Record<string, () => void> };
    /** Not a schema */ export type B = A & {
      d: { e: number; f: string }[]; // the deputy's own ; comment
      g?: "x" | "y";
    };"""
    types = read_types(src)
    assert (types["A"].doc, types["A"].schema, types["B"].schema) == ("AbcSchema: one, two.", "Abc", "")
    members = fields_of(types["B"].expr, types)
    assert list(members) == ["a", "b", "c", "d", "g"]
    assert (members["b"], members["g"].optional) == (Member(True, "string | null"), True)
    assert fields_of(held(members["d"].type), types) == {"e": Member(False, "number"), "f": Member(False, "string")}


def test_types_d_ts_mirrors_the_openapi_schemas(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").get_json()
    src = TYPES.read_text(encoding="utf-8")
    types = read_types(src)
    assert len(types) == len(re.findall(r"^export type ", src, re.MULTILINE)), "a type the parser did not find"
    mirrors = {name: t for name, t in types.items() if t.schema}
    assert set(EXCEPTIONS) <= set(mirrors), "an exception for a type that names no schema"
    assert all(part.reason for part in EXCEPTIONS.values()), "an exception without its reason"
    problems = [p for n, t in mirrors.items() for p in compare(n, fields_of(t.expr, types), t.schema, spec, types)]
    assert not problems, "static/js/types.d.ts has drifted from the API:\n" + "\n".join(problems)
