"""Dump CPython's syntax trees in the canonical text form of dump_test.go.

Reads file paths from stdin, one per line. For each it writes "=== PATH",
then either "REJECT <line> <message>" or the tree, then "=== END".
Positions below an f-string are omitted before Python 3.12, whose parser
gives those nodes the position of the whole string.
"""
import ast
import decimal
import json
import sys

OMIT_FSTRING_POS = sys.version_info < (3, 12)
SKIP = {"type_comment", "type_ignores"}
SCALAR_NODES = (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop)
NO_POSITION = {"comprehension", "arguments", "withitem", "match_case", "Module"}


def number(v):
    if v != v:
        return "nan"
    if v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    t = decimal.Decimal(repr(v)).normalize().as_tuple()
    return "%s%se%d" % ("-" if t.sign else "", "".join(map(str, t.digits)), t.exponent)


def constant(v):
    if v is None or v is True or v is False or v is Ellipsis:
        return repr(v)
    if isinstance(v, int):
        return "int:%d" % v
    if isinstance(v, float):
        return "float:" + number(v)
    if isinstance(v, complex):
        return "complex:" + number(v.imag)
    if isinstance(v, str):
        return "str:" + json.dumps(v)
    if isinstance(v, bytes):
        return "bytes:" + v.hex()
    raise TypeError(type(v))


def scalar(v):
    if isinstance(v, SCALAR_NODES):
        return type(v).__name__
    if isinstance(v, str):
        return json.dumps(v)
    return repr(v)


def dump(node, out, depth, in_fstring):
    name = type(node).__name__
    line = "  " * depth + name
    if name not in NO_POSITION and hasattr(node, "lineno"):
        if in_fstring and OMIT_FSTRING_POS:
            line += " @?"
        else:
            line += " @%d:%d-%d:%d" % (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
    children = []
    for field in node._fields:
        if field in SKIP:
            continue
        v = getattr(node, field, None)
        if field == "type_params" and not v:
            continue
        if isinstance(node, ast.Constant) and field == "value":
            line += " value=" + constant(v)
        elif isinstance(node, ast.MatchSingleton) and field == "value":
            line += " value=" + repr(v)
        elif isinstance(v, list):
            if v and all(isinstance(x, (str, ast.cmpop)) for x in v):
                line += " %s=[%s]" % (field, ", ".join(scalar(x) for x in v))
            else:
                children.append((field, v))
        elif isinstance(v, ast.AST) and not isinstance(v, SCALAR_NODES):
            children.append((field, v))
        else:
            line += " %s=%s" % (field, scalar(v))
    out.append(line)
    inner = in_fstring or isinstance(node, ast.JoinedStr)
    for field, v in children:
        out.append("  " * (depth + 1) + field + ":")
        for x in v if isinstance(v, list) else [v]:
            if x is None:
                out.append("  " * (depth + 2) + "None")
            else:
                dump(x, out, depth + 2, inner)


def main():
    sys.setrecursionlimit(20000)
    w = sys.stdout.write
    for path in filter(None, sys.stdin.read().splitlines()):
        w("=== %s\n" % path)
        try:
            with open(path, "rb") as f:
                src = f.read()
            tree = ast.parse(src, path)
            out = []
            dump(tree, out, 0, False)
            w("\n".join(out) + "\n")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as e:
            w("REJECT %s %s\n" % (getattr(e, "lineno", 0), str(e).replace("\n", " ")))
        w("=== END\n")


if __name__ == "__main__":
    main()
