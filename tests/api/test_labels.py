"""Label selectors: upstream selector_test.go tables, LabelSelectorAsSelector, ValidateLabelSelector and
property tests (string round trip, compiled matching against a plain reading of the rules)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labk8s.api.labels import (
    EVERYTHING,
    NOTHING,
    Requirement,
    Selector,
    SelectorError,
    format_label_selector,
    matches_nothing,
    new_requirement,
    parse_selector,
    selector_from_label_selector,
    selector_from_set,
    validate_label_selector,
    validated_selector_from_set,
)

NAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)

# -- TestSelectorParse ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1",
                                  "x>1,z<5"])
def test_parse_good_strings_restring(text: str) -> None:
    assert str(parse_selector(text)) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "!x=a", "x<a"])
def test_parse_bad_strings(text: str) -> None:
    with pytest.raises(SelectorError):
        parse_selector(text)


def test_deterministic_parse() -> None:
    assert str(parse_selector("x=a,a=x")) == str(parse_selector("a=x,x=a")) == "a=x,x=a"


# -- TestSelectorMatches / TestSetMatches --------------------------------------------------------------------

MATCHES = [
    ("", {"x": "y"}, True),
    ("x=y", {"x": "y"}, True),
    ("x=y,z=w", {"x": "y", "z": "w"}, True),
    ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
    ("notin=in", {"notin": "in"}, True),  # in and notin in exactMatch
    ("x", {"x": "z"}, True),
    ("!x", {"y": "z"}, True),
    ("x>1", {"x": "2"}, True),
    ("x<1", {"x": "0"}, True),
    ("x=z", {}, False),
    ("x=y", {"x": "z"}, False),
    ("x=y,z=w", {"x": "w", "z": "w"}, False),
    ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
    ("x", {"y": "z"}, False),
    ("!x", {"x": "z"}, False),
    ("x>1", {"x": "0"}, False),
    ("x<1", {"x": "2"}, False),
    ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
    ("baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
    ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
    ("baz=bar", {"foo": "bar", "baz": "blah"}, False),
    ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    # set-based and edge cases
    ("x in (a,b)", {"x": "b"}, True),
    ("x in (a,b)", {}, False),
    ("x notin (a,b)", {}, True),
    ("x notin (a,b)", {"x": "a"}, False),
    ("x in ()", {"x": ""}, True),
    ("x>1", {"x": "v2"}, False),
    ("x>1", {}, False),
    ("x==y", {"x": "y"}, True),
    ("x>1", {"x": "1_0"}, False),  # strconv.ParseInt, not Python's int()
    ("x<1", {"x": "-3"}, True),
]


@pytest.mark.parametrize(("text", "labels", "expected"), MATCHES)
def test_selector_matches(text: str, labels: dict[str, str], expected: bool) -> None:
    sel = parse_selector(text)
    assert sel.matches(labels) is expected
    assert all(r.matches(labels) for r in sel.requirements) is expected


@pytest.mark.parametrize("selector", [{}, {"foo": "bar"}, {"baz": "blah"}, {"foo": "bar", "baz": "blah"}])
def test_set_matches(selector: dict[str, str]) -> None:
    assert selector_from_set(selector).matches({"foo": "bar", "baz": "blah"})


def test_everything_nothing_and_empty() -> None:
    assert EVERYTHING.matches({"x": "y"}) and EVERYTHING.empty()
    assert selector_from_set(None).empty() and selector_from_set({}).empty()
    assert parse_selector("").empty() and parse_selector("") == EVERYTHING
    assert not NOTHING.matches({}) and not NOTHING.empty() and str(NOTHING) == ""
    assert matches_nothing(NOTHING) and not matches_nothing(EVERYTHING)
    assert EVERYTHING.matches(None)


# -- TestToString ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reqs", "expected"),
    [
        ([("x", "in", ["abc", "def"]), ("y", "notin", ["jkl"]), ("z", "exists", [])], "x in (abc,def),y notin (jkl),z"),
        ([("x", "notin", ["abc", "def"]), ("y", "!=", ["jkl"]), ("z", "!", [])], "x notin (abc,def),y!=jkl,!z"),
        ([("x", "notin", ["abc"]), ("y", "in", ["jkl", "mno"]), ("z", "notin", [""])],
         "x notin (abc),y in (jkl,mno),z notin ()"),
        ([("x", "=", ["abc"]), ("y", "==", ["jkl"]), ("z", "!=", ["a"]), ("z", "exists", [])], "x=abc,y==jkl,z!=a,z"),
        ([("x", "gt", ["2"]), ("y", "lt", ["8"]), ("z", "exists", [])], "x>2,y<8,z"),
        ([("x", "in", ["def", "abc", "abc"])], "x in (abc,abc,def)"),  # values printed sorted, as safeSort
    ],
)
def test_to_string(reqs: list[tuple[str, str, list[str]]], expected: str) -> None:
    sel = Selector([new_requirement(k, op, vals) for k, op, vals in reqs])
    assert str(sel) == expected


# -- TestRequirementConstructor ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "op", "values", "ok"),
    [("x", "in", None, False), ("x", "notin", [], False), ("x", "in", ["foo"], True), ("x", "notin", ["foo"], True),
     ("x", "exists", None, True), ("x", "!", None, True), ("1foo", "in", ["bar"], True), ("1234", "in", ["bar"], True),
     ("y", "gt", ["1"], True), ("z", "lt", ["6"], True), ("foo", "gt", ["bar"], False), ("barz", "lt", ["blah"], False),
     ("a" * 254, "exists", None, False), ("x", "=", ["a", "b"], False), ("x", "exists", ["a"], False),
     ("x", "bogus", ["a"], False)],
)
def test_requirement_constructor(key: str, op: str, values: list[str] | None, ok: bool) -> None:
    if ok:
        assert new_requirement(key, op, values).key == key
    else:
        with pytest.raises(SelectorError):
            new_requirement(key, op, values)


def test_requirement_errors_are_aggregated_field_errors() -> None:
    with pytest.raises(SelectorError) as exc:
        new_requirement("x", "gt", ["a", "b"])
    assert str(exc.value) == (
        '[values: Invalid value: ["a","b"]: for \'Gt\', \'Lt\' operators, exactly one value is required, '
        "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer, "
        "values[1]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer]"
    )
    with pytest.raises(SelectorError) as exc:
        new_requirement("x", "bogus", ["a"])
    assert str(exc.value) == (
        'operator: Unsupported value: "bogus": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", '
        '"exists", "!"'
    )


# -- TestRequirementSelectorMatching ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "reqs", "expected"),
    [
        ({"x": "foo", "y": "baz"}, [("x", "in", ["foo"]), ("y", "notin", ["alpha"])], True),
        ({"x": "foo", "y": "baz"}, [("x", "in", ["foo"]), ("y", "in", ["alpha"])], False),
        ({"y": ""}, [("x", "notin", [""]), ("y", "exists", [])], True),
        ({"y": ""}, [("x", "!", []), ("y", "exists", [])], True),
        ({"y": ""}, [("x", "notin", [""]), ("y", "!", [])], False),
        ({"y": "baz"}, [("x", "in", [""])], False),
        ({"z": "2"}, [("z", "gt", ["1"])], True),
        ({"z": "v2"}, [("z", "gt", ["1"])], False),
    ],
)
def test_requirement_selector_matching(labels: dict[str, str], reqs: list[tuple[str, str, list[str]]],
                                       expected: bool) -> None:
    assert Selector([new_requirement(k, op, v) for k, op, v in reqs]).matches(labels) is expected


def test_zero_requirement_matches_nothing() -> None:
    assert not Selector([Requirement("", "")]).matches({"x": "foo", "y": "baz"})


# -- TestSetSelectorParser --------------------------------------------------------------------------------

SET_SELECTOR_PARSER = [
    ("", ""),
    ("\rx", "x"),
    ("this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"),
    ("this-is-another-dns.domain.com/key-with-dash in (so,what)",
     "this-is-another-dns.domain.com/key-with-dash in (so,what)"),
    ("0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"),
    ("foo  in\t (abc)", "foo in (abc)"),
    ("x notin\n (abc)", "x notin (abc)"),
    ("x  notin\t\t\t(abc,def)", "x notin (abc,def)"),
    ("x in (abc,def)", "x in (abc,def)"),
    ("x in (abc,)", "x in (,abc)"),
    ("x in ()", "x in ()"),
    ("x notin (abc,,def),bar,z in (),w", "bar,w,x notin (,abc,def),z in ()"),
    ("x,y in (a)", "x,y in (a)"),
    ("x=a", "x=a"),
    ("x>1", "x>1"),
    ("x<7", "x<7"),
    ("x=a,y!=b", "x=a,y!=b"),
    ("x=a,y!=b,z in (h,i,j)", "x=a,y!=b,z in (h,i,j)"),
    ("x notin ( )", "x notin ()"),
    ("x notin (, a)", "x notin (,a)"),
    ("a ", "a"),
    ("a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"),
    ("in in (in)", "in in (in)"),
    ("x in (b,a,b)", "x in (a,b)"),
]


@pytest.mark.parametrize(("text", "expected"), SET_SELECTOR_PARSER)
def test_set_selector_parser(text: str, expected: str) -> None:
    assert str(parse_selector(text)) == expected


@pytest.mark.parametrize("text", ["x=a||y=b", "x,,y", ",x,y", "x nott in (y)", "a in (xyz),", "a in (xyz)b notin ()",
                                  "a in (xyz abc)", "a notin(", "a (", "("])
def test_set_selector_parser_invalid(text: str) -> None:
    with pytest.raises(SelectorError):
        parse_selector(text)


# -- exact parse error messages ----------------------------------------------------------------------------

PARSE_ERRORS = [
    ("x==a==b", "found '==', expected: ',' or 'end of string'"),
    ("!x=a", "found '=', expected: ',' or 'end of string'"),
    ("x,", "found '', expected: identifier after ','"),
    ("x,,y", "found ',', expected: identifier after ','"),
    (",x", "found ',', expected: !, identifier, or 'end of string'"),
    ("env IN (a)", "unable to parse requirement: found 'IN', expected: in, notin, =, ==, !=, gt, lt"),
    ("x in a", "unable to parse requirement: found 'a' expected: '('"),
    ("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
    ("x in (", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
    ("x in (a=)", "unable to parse requirement: found '=', expected: ',' or ')'"),
    ("x=(a", "unable to parse requirement: found '(', expected: identifier"),
    ("!", "unable to parse requirement: found '', expected: identifier"),
    ("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value "
            "must be an integer"),
    ("a:", f'unable to parse requirement: <nil>: Invalid value: "a:": {NAME_PART_MSG}'),
    ("x=a||y", f'unable to parse requirement: values[0][x]: Invalid value: "a||y": {LABEL_VALUE_MSG}'),
    ("x>-5", f'unable to parse requirement: values[0][x]: Invalid value: "-5": {LABEL_VALUE_MSG}'),
]


@pytest.mark.parametrize(("text", "message"), PARSE_ERRORS)
def test_parse_error_messages(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as exc:
        parse_selector(text)
    assert str(exc.value) == message
    assert isinstance(exc.value, ValueError)


# -- LabelSelectorAsSelector, FormatLabelSelector ---------------------------------------------------------


def test_nil_label_selector_matches_nothing_empty_matches_everything() -> None:
    assert selector_from_label_selector(None) is NOTHING
    assert not selector_from_label_selector(None).matches({"a": "b"})
    assert selector_from_label_selector({}) is EVERYTHING
    assert selector_from_label_selector({"matchLabels": {}, "matchExpressions": []}).matches({"a": "b"})


def test_label_selector_as_selector() -> None:
    sel = selector_from_label_selector({
        "matchLabels": {"tier": "fe", "app": "web"},
        "matchExpressions": [
            {"key": "env", "operator": "In", "values": ["prod", "dev"]},
            {"key": "canary", "operator": "DoesNotExist"},
            {"key": "zone", "operator": "NotIn", "values": ["b"]},
            {"key": "owner", "operator": "Exists"},
        ],
    })
    assert str(sel) == "app=web,!canary,env in (dev,prod),owner,tier=fe,zone notin (b)"
    assert sel.matches({"app": "web", "tier": "fe", "env": "dev", "owner": "me"})
    assert not sel.matches({"app": "web", "tier": "fe", "env": "dev", "owner": "me", "canary": "1"})
    assert not sel.matches({"app": "web", "tier": "fe", "env": "qa", "owner": "me"})
    assert not sel.matches({"app": "web", "tier": "fe", "env": "dev", "owner": "me", "zone": "b"})
    assert sel.requires_exact_match("app") == ("web", True)
    assert sel.requires_exact_match("env") == ("", False)
    assert sel.requires_exact_match("missing") == ("", False)


@pytest.mark.parametrize(
    ("ls", "message"),
    [
        ({"matchExpressions": [{"key": "a", "operator": "Foo"}]}, '"Foo" is not a valid pod selector operator'),
        ({"matchExpressions": [{"key": "a", "operator": "In"}]},
         "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
        ({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
         'values: Invalid value: ["x"]: values set must be empty for exists and does not exist'),
        ({"matchLabels": {"A B": "x"}}, f'key: Invalid value: "A B": {NAME_PART_MSG}'),
        ({"matchLabels": {"a": "-"}}, f'values[0][a]: Invalid value: "-": {LABEL_VALUE_MSG}'),
    ],
)
def test_label_selector_as_selector_errors(ls: dict[str, object], message: str) -> None:
    with pytest.raises(SelectorError) as exc:
        selector_from_label_selector(ls)
    assert str(exc.value) == message
    assert format_label_selector(ls) == "<error>"


def test_format_label_selector() -> None:
    assert format_label_selector({"matchLabels": {"app": "web"}}) == "app=web"
    assert format_label_selector({}) == "<none>"
    assert format_label_selector(None) == "<none>"


def test_selector_from_set_is_unvalidated_and_sorted() -> None:
    sel = selector_from_set({"z": "1", "a": "-bad-"})
    assert str(sel) == "a=-bad-,z=1"
    with pytest.raises(SelectorError):
        validated_selector_from_set({"a": "-bad-"})
    assert str(validated_selector_from_set({"b": "2", "a": "1"})) == "a=1,b=2"


def test_add_sorts_by_key() -> None:
    sel = Selector([new_requirement("key", "in", ["value"])]).add(new_requirement("a", "=", ["b"]))
    assert str(sel) == "a=b,key in (value)"
    assert NOTHING.add(new_requirement("a", "=", ["b"])) is NOTHING


# -- ValidateLabelSelector ------------------------------------------------------------------------------


def test_validate_label_selector_messages() -> None:
    ls = {
        "matchLabels": {"app": "-web"},
        "matchExpressions": [
            {"key": "a", "operator": "In"},
            {"key": "b/c/d", "operator": "Exists", "values": ["x"]},
            {"key": "c", "operator": "Bad", "values": ["-"]},
        ],
    }
    assert [str(e) for e in validate_label_selector(ls, "spec.selector")] == [
        f'spec.selector.matchLabels: Invalid value: "-web": {LABEL_VALUE_MSG}',
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or "
        "'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or "
        "'DoesNotExist'",
        'spec.selector.matchExpressions[1].key: Invalid value: "b/c/d": a valid label key must consist of '
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?"
        "[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Bad": not a valid selector operator',
        f'spec.selector.matchExpressions[2].values[0]: Invalid value: "-": {LABEL_VALUE_MSG}',
    ]
    errs = validate_label_selector({"matchExpressions": [{"key": "c", "operator": "In", "values": ["-"]}]}, "s",
                                   allow_invalid_label_value_in_selector=True)
    assert errs == []
    assert validate_label_selector(None, "s") == []
    assert validate_label_selector({"matchLabels": {"app": "web"}}, "s") == []


# -- properties ------------------------------------------------------------------------------------------

KEYS = st.sampled_from(["app", "tier", "example.com/role", "in", "notin", "k8s.io/a_b", "x"])
VALUES = st.sampled_from(["", "web", "a.b", "1", "42", "007", "in", "notin", "V_1"])


@st.composite
def selector_texts(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        key = draw(KEYS)
        kind = draw(st.sampled_from(["=", "==", "!=", "in", "notin", "exists", "!", ">", "<"]))
        if kind in ("=", "==", "!="):
            parts.append(f"{key}{kind}{draw(VALUES)}")
        elif kind in ("in", "notin"):
            vals = draw(st.lists(VALUES, min_size=1, max_size=3))
            parts.append(f"{key} {kind} ({','.join(vals)})")
        elif kind == "exists":
            parts.append(key)
        elif kind == "!":
            parts.append("!" + key)
        else:
            parts.append(f"{key}{kind}{draw(st.integers(0, 9))}")  # "-5" is not a label value
    return ",".join(parts)


def _reference_match(sel: Selector, labels: Mapping[str, str]) -> bool:
    for r in sel.requirements:
        present = r.key in labels
        value = labels.get(r.key)
        if r.operator in ("=", "==", "in"):
            ok = present and value in r.values
        elif r.operator in ("!=", "notin"):
            ok = not present or value not in r.values
        elif r.operator == "exists":
            ok = present
        elif r.operator == "!":
            ok = not present
        else:
            try:
                n = int(value) if present and value is not None else None
            except ValueError:
                n = None
            bound = int(r.values[0])
            ok = n is not None and (n > bound if r.operator == "gt" else n < bound)
        if not ok:
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(selector_texts())
def test_property_string_round_trip(text: str) -> None:
    sel = parse_selector(text)
    again = parse_selector(str(sel))
    assert again == sel
    assert str(again) == str(sel)


@settings(max_examples=300, deadline=None)
@given(selector_texts(), st.dictionaries(KEYS, VALUES, max_size=4))
def test_property_compiled_matching_agrees_with_the_rules(text: str, labels: dict[str, str]) -> None:
    sel = parse_selector(text)
    assert sel.matches(labels) == _reference_match(sel, labels)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=4), st.dictionaries(KEYS, VALUES, max_size=4))
def test_property_selector_from_set(selector: dict[str, str], labels: dict[str, str]) -> None:
    sel = selector_from_set(selector)
    assert sel.matches(labels) == all(labels.get(k) == v for k, v in selector.items())
    assert parse_selector(str(sel)) == sel
