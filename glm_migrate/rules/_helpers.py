"""Small tree edits shared by rules: keyword arguments, literals and environment lookups.

Every helper keeps the author's layout: quote style, one-line or one-argument-per-line calls,
trailing commas and comments.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from glm_migrate.tables import Tables


def _has_newline(whitespace: cst.BaseParenthesizableWhitespace | cst.MaybeSentinel) -> bool:
    return isinstance(whitespace, cst.ParenthesizedWhitespace)


def _separator(call: cst.Call) -> cst.BaseParenthesizableWhitespace:
    """The whitespace the call puts between its arguments."""
    args = call.args
    if len(args) >= 2 and isinstance(args[-2].comma, cst.Comma):
        return args[-2].comma.whitespace_after
    if _has_newline(call.whitespace_before_args):
        return call.whitespace_before_args
    return cst.SimpleWhitespace(" ")


def add_kwarg(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """Append `name=value` after the last argument, in the call's own layout."""
    new = cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    separator = _separator(call)
    if isinstance(last.comma, cst.Comma):
        # Trailing comma: it carries the layout before ")" and moves to the new last argument.
        args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=separator))
        args.append(new.with_changes(comma=last.comma))
    else:
        args[-1] = last.with_changes(
            comma=cst.Comma(whitespace_after=separator), whitespace_after_arg=cst.SimpleWhitespace("")
        )
        args.append(new.with_changes(whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def remove_kwargs(call: cst.Call, names: set[str] | frozenset[str]) -> cst.Call:
    """Drop keyword arguments by name, leaving the rest of the layout as it was."""
    args = list(call.args)
    kept = [a for a in args if not (a.keyword is not None and a.keyword.value in names)]
    if len(kept) == len(args):
        return call
    if kept and args and kept[-1] is not args[-1]:
        # The old last argument carried the closing layout; give it to the new last one.
        kept[-1] = kept[-1].with_changes(comma=args[-1].comma, whitespace_after_arg=args[-1].whitespace_after_arg)
    return call.with_changes(args=kept)


def replace_with(new: cst.CSTNode) -> Callable[[cst.CSTNode], cst.CSTNode]:
    """An edit that replaces whatever node it is given with `new`."""
    return lambda _: new


def rename_kwarg(arg: cst.Arg, name: str) -> cst.Arg:
    assert arg.keyword is not None
    return arg.with_changes(keyword=arg.keyword.with_changes(value=name))


def replace_string(node: cst.SimpleString, value: str) -> cst.SimpleString:
    """The same literal (prefix and quotes kept) holding `value`."""
    return node.with_changes(value=f"{node.prefix}{node.quote}{value}{node.quote}")


def number_value(node: cst.BaseExpression) -> float | None:
    """The value of an int/float literal, negative ones included, else None."""
    if isinstance(node, cst.Integer | cst.Float):
        return float(node.evaluated_value)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = number_value(node.expression)
        return -inner if inner is not None else None
    return None


def number_literal(value: float, like: cst.BaseExpression) -> cst.BaseExpression:
    """A literal for `value`, an int when `like` was an int and the value is whole."""
    if isinstance(like, cst.Integer) and value == int(value):
        return cst.Integer(str(int(value)))
    return cst.Float(repr(float(value)))


def env_key_lookup(name: str) -> cst.BaseExpression:
    """`os.environ["NAME"]`: fails loudly when unset, where os.getenv would let the OpenAI SDK
    fall back to OPENAI_API_KEY and send that key to Z.AI."""
    return cst.parse_expression(f'os.environ["{name}"]')


def base_url_expression(tables: Tables, region: str, style: str) -> cst.BaseExpression:
    """The base URL a migrated client gets: ZAI_BASE_URL with the region's URL as the default."""
    url = tables.base_url(region)
    if style == "literal":
        return cst.SimpleString(f'"{url}"')
    return cst.parse_expression(f'os.environ.get("{tables.base_url_env}", "{url}")')


def rename_env_lookup(node: cst.BaseExpression, name: str) -> cst.BaseExpression:
    """The same `os.getenv("X"...)` / `os.environ["X"]` shape reading variable `name` instead."""
    if isinstance(node, cst.Call):
        first = node.args[0]
        assert isinstance(first.value, cst.SimpleString)
        args = [first.with_changes(value=replace_string(first.value, name)), *node.args[1:]]
        return node.with_changes(args=args)
    assert isinstance(node, cst.Subscript)
    element = node.slice[0]
    assert isinstance(element.slice, cst.Index) and isinstance(element.slice.value, cst.SimpleString)
    index = element.slice.with_changes(value=replace_string(element.slice.value, name))
    return node.with_changes(slice=[element.with_changes(slice=index)])


class _CommentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found = True


def has_comment(node: cst.CSTNode) -> bool:
    """Whether a comment lives inside `node` (so removing the node would remove the comment)."""
    finder = _CommentFinder()
    node.visit(finder)
    return finder.found
