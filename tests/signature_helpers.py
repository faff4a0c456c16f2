"""Keyword names a callable accepts, for numtensor (from its Python signature) and
for PyTorch (its signature where inspect can read one, else the signature lines at
the top of its docstring, which is how PyTorch documents its C++ builtins)."""
import inspect
import keyword
import re


def _split_params(text):
    """Split a parameter list on the commas that are not inside brackets."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def _param_list(line, start):
    """The text between the parenthesis at `start` and its match."""
    depth = 0
    for i in range(start, len(line)):
        if line[i] == "(":
            depth += 1
        elif line[i] == ")":
            depth -= 1
            if depth == 0:
                return line[start + 1:i]
    return None


def doc_signatures(name, doc):
    """The parameter lists of the lines `name(...)` that open torch's docstring."""
    found = []
    text = re.sub(r"\s*\n\s*", " ", doc.strip()) if doc else ""
    for m in re.finditer(rf"(?:^|\s|\.)({re.escape(name)})\(", text[:4000]):
        params = _param_list(text, m.end() - 1)
        tail = text[m.end() - 1 + len(params or "") + 2:][:8] if params is not None else ""
        if params is not None and "->" in tail:
            found.append(params)
    return found


def names_from_params(params):
    names = set()
    for token in _split_params(params.replace("\\*", "*")):
        if token in ("*", "/", "..."):
            continue
        if token.startswith("*"):  # *size is also accepted as size=; *tensors is not
            if token.lstrip("*").split(":")[0].strip() == "size":
                names.add("size")
            continue
        name = re.split(r"[:=\s]", token, maxsplit=1)[0].strip()
        if name.isidentifier() or name == "from":
            names.add(name)
    return names


def torch_keywords(fn, name, method=False):
    """Keyword names torch's fn accepts, or None where torch exposes no signature."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        sig = None
    if sig is not None:
        params = list(sig.parameters.values())
        if method and params and params[0].name in ("self", "input"):
            params = params[1:]
        if any(p.kind is p.VAR_KEYWORD for p in params):
            return None  # forwards its keywords: no fixed set to compare with
        names = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        if any(p.kind is p.VAR_POSITIONAL and p.name == "size" for p in params):
            names.add("size")
        return names
    sigs = doc_signatures(name, getattr(fn, "__doc__", None))
    if not sigs:
        return None
    names = set()
    for params in sigs:
        names |= names_from_params(params)
    if method:
        names.discard("self")
    return names


def numtensor_keywords(fn, method=False):
    """Keyword names numtensor's fn accepts; '**' marks a catch-all **kwargs."""
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    if method and params:
        params = params[1:]
    names = set()
    for p in params:
        if p.kind is p.VAR_KEYWORD:
            names.add("**")
        elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            names.add(p.name)
    return names


# PyTorch's argument parser also accepts NumPy's names for these parameters
# (torch.sum(x, axis=0, keepdims=True)): a name of a group is accepted when its
# group appears in torch's signature, but only torch's own spelling is required.
ALIAS_GROUPS = ({"dim", "axis"}, {"keepdim", "keepdims"}, {"input", "x", "a", "x1"},
                {"other", "x2"})


def accepted_aliases(torch_names):
    out = set()
    for group in ALIAS_GROUPS:
        if group & torch_names:
            out |= group
    return out


def compare(nt_names, torch_names, aliases=True):
    """'' when equal, else 'missing ...; extra ...' (sorted, stable for an allowlist)."""
    # torch's `from` (a Python keyword) is spelled from_ in Python and accepted as
    # `from` by a wrapper (see numtensor/_random.py)
    nt_names = {n[:-1] if keyword.iskeyword(n[:-1]) and n[:-1] in torch_names else n
                for n in nt_names}
    missing = sorted(torch_names - nt_names)
    allowed = torch_names | (accepted_aliases(torch_names) if aliases else set())
    extra = sorted(nt_names - allowed)
    parts = []
    if missing:
        parts.append("missing " + ",".join(missing))
    if extra:
        parts.append("extra " + ",".join(extra))
    return "; ".join(parts)
