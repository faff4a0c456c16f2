"""nn.ParameterDict against torch.nn.ParameterDict: construction and order, the dict
methods, registration (named_parameters, state_dict, conversions, load_state_dict),
repr (standalone and nested) and the errors, with their types and messages."""
import copy
from collections import OrderedDict

import pytest

import numtensor as nt

import torch  # noqa: E402  (the oracle: required)


def _outcome(fn):
    """What a call does, comparable across the two libraries: ("ok", a description of
    the result) or (exception type name, message)."""
    try:
        result = fn()
    except Exception as e:  # noqa: BLE001 - the error itself is what is compared
        return type(e).__name__, str(e)
    return "ok", _describe(result)


def _describe(value):
    """A library-neutral description of a value held in (or returned by) a ParameterDict."""
    if isinstance(value, (nt.Tensor, torch.Tensor)):
        return (type(value).__name__, str(value.dtype), tuple(value.shape), value.tolist(),
                value.requires_grad)
    if isinstance(value, (nt.nn.ParameterDict, torch.nn.ParameterDict)):
        return ("ParameterDict", [(k, _describe(v)) for k, v in value.items()])
    if isinstance(value, tuple):
        return tuple(_describe(v) for v in value)
    return repr(value)


def _contents(pd):
    return [(k, _describe(v)) for k, v in pd.items()]


def test_construction_and_order_match_torch():
    def run(lib):
        nn = lib.nn
        w = nn.Parameter(lib.ones(2, 2))
        out = []
        # a plain dict is added in sorted key order; OrderedDict / pairs keep their order
        for source in ({"b": w, "a": lib.zeros(3), "c": 7},
                       OrderedDict([("b", w), ("a", lib.zeros(3)), ("c", 7)]),
                       [("b", w), ("a", lib.zeros(3)), ("c", 7)],
                       (("z", 1.5), ["y", lib.full((1,), 2.0)]),
                       (kv for kv in [("q", lib.ones(1)), ("p", None)])):
            pd = nn.ParameterDict(source)
            out += [list(pd), list(pd.keys()), _contents(pd), len(pd),
                    [n for n, _ in pd.named_parameters()],
                    [type(v).__name__ for v in pd.values()],
                    list(reversed(pd)), repr(pd)]
        out.append(list(nn.ParameterDict(nn.ParameterDict([("y", 1), ("x", 2)]))))
        out += [len(nn.ParameterDict()), list(nn.ParameterDict(None)), len(nn.ParameterDict({}))]
        # a Parameter is stored as it is; a plain tensor becomes a new Parameter
        t = lib.ones(3)
        pd = nn.ParameterDict({"w": w, "t": t, "n": 3})
        out += [pd["w"] is w, pd["t"] is t, isinstance(pd["t"], nn.Parameter),
                pd["t"].requires_grad, pd["n"] == 3, isinstance(pd["n"], int),
                [n for n, _ in pd.named_parameters()], "n" in dict(pd.named_parameters())]
        # an unknown keyword is a TypeError, as is a second positional argument
        out.append(_outcome(lambda: nn.ParameterDict(values={"a": 1})))
        out.append(_outcome(lambda: nn.ParameterDict({"a": 1}, {"b": 2}))[0])
        out.append(_outcome(lambda: nn.ParameterDict(parameters={"a": 1}))[0])
        return out

    got, want = run(nt), run(torch)
    assert got == want
    # the values that must hold in torch hold here too
    assert got[-3][0] == "TypeError" and "values" in got[-3][1]


def test_dict_methods_match_torch():
    def run(lib):
        nn = lib.nn
        out = []
        a, b = nn.Parameter(lib.ones(2)), nn.Parameter(lib.zeros(1, 3))
        pd = nn.ParameterDict(OrderedDict([("a", a), ("b", b), ("k", "text")]))
        out += [pd["a"] is a, "a" in pd, "zz" in pd, 3 in pd, len(pd)]
        out += [pd.get("b") is b, pd.get("zz"), pd.get("zz", 5), pd.get(3, "d")]
        # setitem: a new key goes last; replacing a key keeps its place
        pd["c"] = lib.full((2,), 4.0)
        pd["a"] = nn.Parameter(lib.full((1,), 9.0))
        out += [list(pd), _contents(pd), [n for n, _ in pd.named_parameters()]]
        # delitem / pop / popitem
        del pd["k"]
        out += [list(pd), "k" in pd]
        popped = pd.pop("b")
        out += [popped is b, list(pd), [n for n, _ in pd.named_parameters()]]
        key, value = pd.popitem()
        out += [key, _describe(value), list(pd), [n for n, _ in pd.named_parameters()]]
        # setdefault
        sd_new = pd.setdefault("s", lib.ones(1))
        sd_old = pd.setdefault("s", lib.zeros(5))
        out += [sd_new is sd_old, type(sd_new).__name__, _describe(pd.setdefault("none")),
                list(pd), "none" in pd, pd["none"] is None,
                [n for n, _ in pd.named_parameters()]]
        # copy: a new ParameterDict holding the same objects, in the same order
        pd["obj"] = [1, 2]
        cp = pd.copy()
        out += [type(cp).__name__, cp is not pd, list(cp), all(cp[k] is pd[k] for k in pd)]
        cp["extra"] = lib.ones(1)
        out += ["extra" in pd, list(cp)]
        # fromkeys: a new ParameterDict, each key holding the default
        fk = pd.fromkeys(["x", "y"], lib.ones(2))
        out += [type(fk).__name__, list(fk), type(fk["x"]).__name__, fk["x"] is fk["y"],
                list(pd.fromkeys("ab")), [fk2 is None for fk2 in pd.fromkeys("ab").values()]]
        # items / keys / values
        out += [[k for k, _ in pd.items()], [_describe(v) for v in pd.values()],
                type(pd.keys()).__name__, list(iter(pd))]
        # clear
        pd.clear()
        out += [len(pd), list(pd), list(pd.named_parameters()), repr(pd)]
        return out

    got, want = run(nt), run(torch)
    assert got == want
    assert got[0] is True and got[5] is True and got[6] is None


def test_update_and_or_operators_match_torch():
    def run(lib):
        nn = lib.nn
        out = []
        pd = nn.ParameterDict([("m", lib.ones(1))])
        pd.update({"d": 1, "c": lib.zeros(2)})  # plain dict: sorted
        pd.update(OrderedDict([("z", 2), ("y", 3)]))  # OrderedDict: kept
        pd.update([("x", lib.ones(3)), ["w", 4]])  # pairs: kept
        pd.update(nn.ParameterDict([("v", 5), ("u", 6)]))
        pd.update((("m", lib.full((1,), 7.0)),))  # an existing key is overwritten in place
        out += [list(pd), _contents(pd), [n for n, _ in pd.named_parameters()]]
        # | makes a new ParameterDict; |= updates in place; a dict on the left uses __ror__
        left = nn.ParameterDict([("b", lib.ones(1)), ("a", 1)])
        right = nn.ParameterDict([("a", lib.zeros(2)), ("c", 2)])
        u = left | right
        out += [type(u).__name__, list(u), _contents(u), list(left), _contents(left),
                u["b"] is left["b"], u["a"] is right["a"]]
        u2 = left | OrderedDict([("e", 3), ("d", 4)])
        out += [list(u2), _contents(u2)]
        u3 = OrderedDict([("e", 3), ("d", 4)]) | left  # OrderedDict.__or__ wins
        out += [type(u3).__name__, list(u3)]
        u4 = {"e": 3, "b": 9} | left  # dict.__or__ does too (it accepts any dict subclass only)
        out += [type(u4).__name__]
        u5 = right.__ror__(left)
        out += [type(u5).__name__, list(u5), _contents(u5)]
        before = left
        left |= right
        out += [left is before, list(left), _contents(left)]
        left |= [("f", lib.ones(2))]
        out += [list(left), [n for n, _ in left.named_parameters()]]
        # bad arguments
        fresh = nn.ParameterDict()
        for bad in (3, None, [3], [(1, 2, 3)], [("a",)], ["abc"], [(1, 2)], {1: 2}):
            out.append(_outcome(lambda bad=bad: fresh.update(bad)))
        out.append(list(fresh))  # torch records a non-str key before rejecting it
        out.append(_outcome(lambda: nn.ParameterDict(5)))
        out.append(_outcome(lambda: nn.ParameterDict([1, 2])))
        out.append(_outcome(lambda: nn.ParameterDict([("a", 1, 2)])))
        out.append(_outcome(lambda: nn.ParameterDict({"b": 1, 2: 3})))
        out.append(_outcome(lambda: pd | 3))
        return out

    got, want = run(nt), run(torch)
    assert got == want
    # the messages are torch's (including its typo "ParametersDict" and its missing space)
    messages = [o for o in got if isinstance(o, tuple) and len(o) == 2]
    assert ("TypeError", "ParametersDict.update should be called with an iterable of "
            "key/value pairs, but got int") in messages
    assert ("TypeError", "ParameterDict update sequence element #0 should be Iterable; isint") \
        in messages
    assert ("ValueError", "ParameterDict update sequence element #0 has length 3; 2 is "
            "required") in messages


def test_key_and_value_errors_match_torch():
    def run(lib):
        nn = lib.nn
        pd = nn.ParameterDict({"w": lib.ones(2), "n": 1})
        calls = [
            lambda: pd[0],
            lambda: pd[("w",)],
            lambda: pd.__setitem__(1.5, lib.ones(1)),
            lambda: pd["missing"],
            lambda: pd.pop("missing"),
            lambda: pd.__delitem__("missing"),
            lambda: nn.ParameterDict().popitem(),
            lambda: pd.__setitem__("", lib.ones(1)),
            lambda: pd.__setitem__("a.b", lib.ones(1)),
            lambda: pd.__setitem__("w", 5),  # a parameter slot takes a Parameter or None
            lambda: pd.__setitem__("i", lib.ones(2, dtype=lib.int64)),  # int can't need grad
            lambda: pd.__setitem__("n", lib.ones(3)),  # an object slot can take a Parameter
            lambda: pd.__setitem__("w", None),
            lambda: pd(lib.ones(1)),
            lambda: pd.get(),
            lambda: pd.pop(),
            lambda: pd.get("w", None, 1),
            lambda: pd.setdefault("q", default=2),
            lambda: pd.setdefault("r", value=2),
            lambda: pd.update(parameters=[("u", 1)]),
            lambda: pd.update(values=[("u", 1)]),
            lambda: pd.fromkeys(keys=["a"], default=1),
            lambda: pd.fromkeys(["a"], value=1),
        ]
        out = [_outcome(c) for c in calls]
        # torch records a non-str key before rejecting it, so items() then fails on it
        out += [list(pd), _outcome(lambda: _contents(pd)), _outcome(lambda: repr(pd)),
                [n for n, _ in pd.named_parameters()]]
        return out

    got, want = run(nt), run(torch)
    assert got == want
    assert got[0] == ("TypeError", "Index given to ParameterDict cannot be used as a key as it "
                      "is not a string (type is 'int'). Open an issue on github if you need "
                      "non-string keys.")
    assert got[13] == ("RuntimeError", "ParameterDict should not be called.")


def _module(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)
            self.p = nn.ParameterDict(OrderedDict([
                ("w", nn.Parameter(lib.full((2, 2), 0.5))), ("b", lib.zeros(2)), ("k", 3)]))

        def forward(self, x):
            return self.lin(x) @ self.p["w"] + self.p["b"]

    return Net()


def test_registration_state_dict_and_conversions_match_torch():
    def run(lib):
        out = []
        m = _module(lib)
        out += [[n for n, _ in m.named_parameters()], list(m.state_dict()),
                [n for n, _ in m.p.named_parameters()], list(m.p.state_dict()),
                [(k, v.tolist()) for k, v in m.p.state_dict().items()],
                [n for n, _ in m.named_modules()]]
        # gradients reach the dict's parameters, and zero_grad clears them
        m(lib.ones(1, 2)).sum().backward()
        out += [m.p["w"].grad is not None, m.p["b"].grad.tolist()]
        m.zero_grad()
        out += [m.p["w"].grad is None, m.p["b"].grad is None]
        # dtype conversions reach them too; a non-tensor value is left alone
        w_before = m.p["w"]
        m.double()
        out += [str(m.p["w"].dtype), str(m.p["b"].dtype), m.p["w"] is w_before, m.p["k"],
                repr(m)]
        m.to(lib.float16)
        out += [str(m.p["b"].dtype), type(m.p["b"]).__name__, m.p["b"].requires_grad]
        m.float()
        # load_state_dict round-trips, strictly, into a fresh module
        src = _module(lib)
        with lib.no_grad():
            for i, p in enumerate(src.parameters()):
                p.fill_(float(i + 1))
        dst = _module(lib)
        res = dst.load_state_dict(src.state_dict())
        out += [list(res.missing_keys), list(res.unexpected_keys),
                [(k, v.tolist()) for k, v in dst.state_dict().items()]]
        # a missing / unexpected dict key is reported under its dotted name
        sd = src.state_dict()
        sd["p.extra"] = sd.pop("p.b")
        res = dst.load_state_dict(sd, strict=False)
        out += [list(res.missing_keys), list(res.unexpected_keys)]
        out.append(_outcome(lambda: dst.load_state_dict(sd)))
        # deep copies keep the keys and the parameters
        cp = copy.deepcopy(m.p)
        out += [type(cp).__name__, list(cp), cp["w"] is not m.p["w"],
                [n for n, _ in cp.named_parameters()], _contents(cp)]
        # keys added after construction are registered (and removed ones are not)
        m.p["new"] = lib.ones(1)
        del m.p["w"]
        out += [list(m.state_dict()), [n for n, _ in m.named_parameters()],
                len(list(m.parameters()))]
        return out

    got, want = run(nt), run(torch)
    assert got == want
    assert "p.w" in got[1] and "p.k" not in got[1]


def test_repr_matches_torch():
    def run(lib):
        nn = lib.nn
        out = []
        out.append(repr(nn.ParameterDict()))
        out.append(repr(nn.ParameterDict({"w": lib.ones(2, 2)})))  # one line: torch's quirk
        out.append(repr(nn.ParameterDict(OrderedDict([
            ("w", lib.ones(2, 2)), ("d", lib.zeros(3, dtype=lib.float64)),
            ("h", lib.ones(1, 2, 3, dtype=lib.float16)), ("s", nn.Parameter(lib.tensor(1.0))),
            ("c", lib.zeros(2, dtype=lib.complex64)), ("i", 7), ("n", None), ("l", [1]),
            ("f", nn.Parameter(lib.ones(2, dtype=lib.int64), requires_grad=False))]))))

        class One(nn.Module):
            def __init__(self):
                super().__init__()
                self.p = nn.ParameterDict({"w": lib.ones(2, 2)})

        class Two(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(2, 3)
                self.p = nn.ParameterDict([("w", lib.ones(2, 2)), ("o", "obj")])
                self.e = nn.ParameterDict()

        out += [repr(One()), repr(Two()), repr(_module(lib)), repr(_module(lib).double())]
        out.append(str(nn.ParameterDict([("b", 1)])))
        return out

    got, want = run(nt), run(torch)
    assert got == want
    assert got[1] == ("ParameterDict(  (w): Parameter containing: "
                      "[torch.FloatTensor of size 2x2])")
    assert got[3] == ("One(\n  (p): ParameterDict(  (w): Parameter containing: "
                      "[torch.FloatTensor of size 2x2])\n)")


def test_exported_like_torch():
    assert nt.nn.ParameterDict is nt.nn.modules.ParameterDict
    assert "ParameterDict" in nt.nn.__all__ and "ParameterDict" in nt.nn.modules.__all__
    assert issubclass(nt.nn.ParameterDict, nt.nn.Module)
    import inspect
    assert list(inspect.signature(nt.nn.ParameterDict).parameters) == \
        list(inspect.signature(torch.nn.ParameterDict).parameters) == ["parameters"]
    for name in ("get", "pop", "popitem", "setdefault", "update", "clear", "copy", "fromkeys",
                 "keys", "items", "values", "__or__", "__ror__", "__ior__", "__reversed__"):
        want = inspect.signature(getattr(torch.nn.ParameterDict, name))
        got = inspect.signature(getattr(nt.nn.ParameterDict, name))
        assert [(p.name, p.kind, p.default) for p in got.parameters.values()] == \
            [(p.name, p.kind, p.default) for p in want.parameters.values()], name
    assert nt.nn.ParameterDict.__doc__


@pytest.mark.parametrize("key", ["training", "_keys", "update"])
def test_keys_that_shadow_attributes_match_torch(key):
    def run(lib):
        pd = lib.nn.ParameterDict()
        out = [_outcome(lambda: pd.__setitem__(key, lib.ones(1)))]
        out += [_outcome(lambda: list(pd.keys())), _outcome(lambda: len(pd)),
                [n for n, _ in pd.named_parameters()]]
        return out

    assert run(nt) == run(torch)
