"""The items inside a call's parentheses, a dict's braces or a list's brackets, edited as a list
with the whitespace between them, so that adding, removing and laying out items keeps each comment beside the item
it was written beside.

Between two items LibCST keeps one whitespace node: the first item's trailing comment, the
comment lines above the second item, and the second item's indentation. Moving that node as a
whole moves comments to the wrong item; these functions take it apart instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import libcst as cst

from glm_migrate.cst import code_in_block

Bracketed = TypeVar("Bracketed", bound=cst.Call | cst.Dict | cst.List)
Item = cst.Arg | cst.BaseDictElement | cst.BaseElement
Whitespace = cst.BaseParenthesizableWhitespace

_EMPTY = cst.SimpleWhitespace("")
_SPACE = cst.SimpleWhitespace(" ")


@dataclass
class _Items:
    """A call's arguments, a dict's entries or a list's elements, with the whitespace after each."""

    items: list[Item]
    #: after the opening bracket
    opening: Whitespace
    #: after each item's comma (the last item's: before the closing bracket)
    after: list[Whitespace]
    trailing_comma: bool


def _split(node: cst.Call | cst.Dict | cst.List) -> _Items:
    elements: Sequence[Item]
    if isinstance(node, cst.Call):
        elements, opening = node.args, node.whitespace_before_args
    elif isinstance(node, cst.Dict):
        elements, opening = node.elements, node.lbrace.whitespace_after
    else:
        elements, opening = node.elements, node.lbracket.whitespace_after
    after: list[Whitespace] = []
    for element in elements:
        comma = element.comma
        if isinstance(comma, cst.Comma):
            after.append(comma.whitespace_after)
        else:
            after.append(element.whitespace_after_arg if isinstance(element, cst.Arg) else _EMPTY)
    trailing_comma = bool(elements) and isinstance(elements[-1].comma, cst.Comma)
    if elements and isinstance(node, cst.Dict):
        after[-1] = node.rbrace.whitespace_before  # a dict keeps its closing layout in the brace
    elif elements and isinstance(node, cst.List):
        after[-1] = node.rbracket.whitespace_before
    return _Items(list(elements), opening, after, trailing_comma)


def _join(node: Bracketed, parts: _Items) -> Bracketed:
    items: list[Item] = []
    closing: Whitespace = _EMPTY
    for index, item in enumerate(parts.items):
        whitespace = parts.after[index]
        last = index == len(parts.items) - 1
        if last:
            closing = whitespace
        if not last or parts.trailing_comma:
            comma = item.comma if isinstance(item.comma, cst.Comma) else cst.Comma()
            inside = isinstance(item, cst.Arg) or not last  # a dict's or list's is the bracket's
            item = item.with_changes(comma=comma.with_changes(whitespace_after=whitespace if inside else _EMPTY))
            if isinstance(item, cst.Arg):
                item = item.with_changes(whitespace_after_arg=_EMPTY)
        else:
            item = item.with_changes(comma=cst.MaybeSentinel.DEFAULT)
            if isinstance(item, cst.Arg):
                item = item.with_changes(whitespace_after_arg=whitespace)
        items.append(item)
    if isinstance(node, cst.Call):
        return node.with_changes(args=items, whitespace_before_args=parts.opening)
    if isinstance(node, cst.Dict):
        return node.with_changes(
            elements=items,
            lbrace=node.lbrace.with_changes(whitespace_after=parts.opening),
            rbrace=node.rbrace.with_changes(whitespace_before=closing),
        )
    return node.with_changes(
        elements=items,
        lbracket=node.lbracket.with_changes(whitespace_after=parts.opening),
        rbracket=node.rbracket.with_changes(whitespace_before=closing),
    )


def _parenthesized(whitespace: Whitespace) -> cst.ParenthesizedWhitespace | None:
    return whitespace if type(whitespace) is cst.ParenthesizedWhitespace else None


def _plain(whitespace: Whitespace) -> Whitespace:
    """The same line break and indentation, without comments."""
    broken = _parenthesized(whitespace)
    if broken is None:
        return whitespace
    return broken.with_changes(first_line=cst.TrailingWhitespace(newline=broken.first_line.newline), empty_lines=[])


def append(node: Bracketed, new: Item) -> Bracketed:
    """`node` with `new` after its last item, in the layout of the items before it.

    A comment on the old last item's line stays there; comment lines before the closing
    bracket stay before it; the new item brings none."""
    parts = _split(node)
    if not parts.items:
        return _join(node, _first_item(node, parts.opening, new))
    closing = parts.after[-1]
    if _hanging_line(parts):
        return _join(node, _one_per_line(parts, new))
    if len(parts.items) >= 2:
        separator = _plain(parts.after[-2])
    else:
        separator = _plain(parts.opening) if _parenthesized(parts.opening) else _SPACE
    broken_closing = _parenthesized(closing)
    if broken_closing is not None:
        line = _parenthesized(separator) or broken_closing
        parts.after[-1] = cst.ParenthesizedWhitespace(
            first_line=broken_closing.first_line, indent=line.indent, last_line=line.last_line
        )
        closing = broken_closing.with_changes(
            first_line=cst.TrailingWhitespace(newline=broken_closing.first_line.newline)
        )
    else:
        parts.after[-1] = separator
    parts.items.append(new)
    parts.after.append(closing)
    return _join(node, parts)


def _hanging_line(parts: _Items) -> bool:
    """Several items share one line between brackets that stand on lines of their own."""
    return (
        len(parts.items) >= 2
        and _parenthesized(parts.opening) is not None
        and _parenthesized(parts.after[-1]) is not None
        and all(_parenthesized(whitespace) is None for whitespace in parts.after[:-1])
    )


def _one_per_line(parts: _Items, new: Item) -> _Items:
    """`parts` with `new` appended, every item on a line of its own at the first one's
    indentation and a trailing comma, as Ruff lays out a call it splits; a comment after the
    old last item stays on its line."""
    opening = _parenthesized(parts.opening)
    closing = _parenthesized(parts.after[-1])
    assert opening is not None and closing is not None
    line = cst.ParenthesizedWhitespace(indent=opening.indent, last_line=opening.last_line)
    parts.after = [
        *(line for _ in parts.after[:-1]),
        line.with_changes(first_line=closing.first_line),
        closing.with_changes(first_line=cst.TrailingWhitespace(newline=closing.first_line.newline)),
    ]
    parts.items.append(new)
    parts.trailing_comma = True
    return parts


def _first_item(node: cst.Call | cst.Dict | cst.List, opening: Whitespace, new: Item) -> _Items:
    """`new` as the only item of the empty `node`. Brackets on lines of their own (around
    comment lines, say) get the item on a line of its own, indented as the comments are."""
    broken = _parenthesized(opening)
    if broken is None:
        empty = node.rbrace if isinstance(node, cst.Dict) else node.rbracket if isinstance(node, cst.List) else None
        return _Items([new], opening, [empty.whitespace_before if empty else _EMPTY], False)
    comment = broken.empty_lines[-1] if broken.empty_lines else None
    indent, line = (comment.indent, comment.whitespace) if comment else (broken.indent, broken.last_line)
    if comment is None:
        line = cst.SimpleWhitespace(line.value + "    ")
    before = broken.with_changes(indent=indent, last_line=line)
    closing = cst.ParenthesizedWhitespace(indent=broken.indent, last_line=broken.last_line)
    return _Items([new], before, [closing], True)


def remove(node: Bracketed, doomed: Callable[[Item], bool]) -> Bracketed:
    """`node` without the items `doomed` picks. Their comments stay where they were, as comment
    lines; the comments of the items around them stay with those items."""
    parts = _split(node)
    if not any(doomed(item) for item in parts.items):
        return node
    index = 0
    while index < len(parts.items):
        if not doomed(parts.items[index]):
            index += 1
            continue
        last = index == len(parts.items) - 1
        before = parts.opening if index == 0 else parts.after[index - 1]
        after = parts.after[index]
        joined = _joined(before, _comment_lines(parts.items[index], before, after), after, last=last)
        del parts.items[index], parts.after[index]
        if index == 0:
            parts.opening = joined
        else:
            parts.after[index - 1] = joined
    if not parts.items:
        parts.trailing_comma = False
    return _join(node, parts)


class _Comments(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[cst.Comment] = []

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found.append(node)


def _comment_lines(item: Item, before: Whitespace, after: Whitespace) -> list[cst.EmptyLine]:
    """The comments a removed item takes with it (inside it, and after it on its line), as
    comment lines at its indentation."""
    finder = _Comments()
    bare = item.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    if isinstance(bare, cst.Arg):
        bare = bare.with_changes(whitespace_after_arg=_EMPTY)
    bare.visit(finder)
    comments = finder.found
    broken_after = _parenthesized(after)
    if broken_after is not None and broken_after.first_line.comment is not None:
        comments = [*comments, broken_after.first_line.comment]
    line = _parenthesized(before) or broken_after
    indent, whitespace = (line.indent, line.last_line) if line is not None else (True, _EMPTY)
    return [cst.EmptyLine(indent=indent, whitespace=whitespace, comment=comment) for comment in comments]


def _joined(before: Whitespace, lines: list[cst.EmptyLine], after: Whitespace, *, last: bool) -> Whitespace:
    """What stands in for `before`, a removed item and `after`: the comments of all three, the
    line break before the removed item, and the indentation of what follows it."""
    broken_before, broken_after = _parenthesized(before), _parenthesized(after)
    comment_lines = [
        *(broken_before.empty_lines if broken_before else ()),
        *lines,
        *(broken_after.empty_lines if broken_after else ()),
    ]
    if not comment_lines and not (broken_before and broken_before.first_line.comment):
        if not (last or broken_after):
            return before
        # the removed item's line break now ends the line before it: not its trailing spaces
        if broken_after is None:
            return after
        return broken_after.with_changes(first_line=broken_after.first_line.with_changes(whitespace=_EMPTY))
    first_line = broken_before.first_line if broken_before else cst.TrailingWhitespace()
    if broken_after is not None:
        indent, last_line = broken_after.indent, broken_after.last_line
    elif broken_before is not None and not last:
        indent, last_line = broken_before.indent, broken_before.last_line
    else:
        indent, last_line = True, _EMPTY
    return cst.ParenthesizedWhitespace(first_line, comment_lines, indent, last_line)


def explode(node: Bracketed, inner: str, outer: str) -> Bracketed:
    """`node` with each item on a line of its own indented by `inner`, a trailing comma, and the
    closing bracket on a line indented by `outer` (the layout Black and Ruff give a call that
    does not fit). Comments stay with their items."""
    parts = _split(node)
    if not parts.items:
        return node
    parts.opening = _on_own_line(parts.opening, inner)
    between: list[Whitespace] = [_on_own_line(whitespace, inner) for whitespace in parts.after[:-1]]
    parts.after = [*between, _on_own_line(parts.after[-1], outer)]
    parts.trailing_comma = True
    return _join(node, parts)


def _on_own_line(whitespace: Whitespace, indentation: str) -> cst.ParenthesizedWhitespace:
    broken = _parenthesized(whitespace)
    if broken is None:
        return cst.ParenthesizedWhitespace(indent=False, last_line=cst.SimpleWhitespace(indentation))
    return broken.with_changes(indent=False, last_line=cst.SimpleWhitespace(indentation))


def items_of(node: cst.Call | cst.Dict | cst.List) -> Sequence[Item]:
    return node.args if isinstance(node, cst.Call) else node.elements


def explodable(node: cst.CSTNode) -> bool:
    """A call, dict or list literal with items that may take a trailing comma (a lone
    generator argument may not)."""
    if isinstance(node, cst.Call):
        return bool(node.args) and not any(
            isinstance(a.value, cst.GeneratorExp) and not a.value.lpar for a in node.args
        )
    return isinstance(node, cst.Dict | cst.List) and bool(node.elements)


@dataclass(frozen=True)
class Place:
    """Where an edited call or dict stands in its file, to measure the lines it makes."""

    limit: int  #: the project's line length
    indent_unit: str  #: one level of the file's indentation
    newline: str
    #: the indentation of the enclosing blocks (for lines the node indents relative to them)
    block_indent: tuple[str, ...]
    lead: str  #: the indentation of the node's first line
    before: int  #: characters before the node on its first line
    after: int  #: characters after the node on its last line
    longest: int  #: the longest line the node had in the source (0: none)


#: How much longer an edit must make a line that was already too long before that line is
#: laid out anew: more than a model id's change, less than any argument added.
NOTABLE_GROWTH = 10


def fit(node: Bracketed, original: Bracketed | None, place: Place, code: str | None = None) -> Bracketed:
    """`node`, an edit of `original` (None: all new), laid out one item per line when it makes a
    line longer than the limit, unless its lines were already too long and the edit adds little
    (the project tolerates them there). Changed items get the same treatment inside, level by
    level, while their lines are too long. `code`: the node's code, when known."""
    if not _too_long(_longest(_code(node, place) if code is None else code, place), place) or not explodable(node):
        return node
    inner = place.lead + place.indent_unit
    exploded = explode(node, inner, place.lead)
    kept = {item.value for item in items_of(original)} if original is not None else set()
    parts = _split(exploded)
    for index, item in enumerate(parts.items):
        value = item.value
        if value in kept or not isinstance(value, cst.Call | cst.Dict | cst.List | cst.IfExp):
            continue
        text = _code(item.with_changes(comma=cst.MaybeSentinel.DEFAULT), place)
        if len(inner) + len(text) + 1 <= place.limit and "\n" not in text:
            continue  # its line, comma included, fits
        if isinstance(value, cst.IfExp):
            if not value.lpar:  # `tools=[...] if specs else NOT_GIVEN,` split before `if` and `else`, as Ruff does
                split = value.with_changes(whitespace_before_if=_broken(inner), whitespace_before_else=_broken(inner))
                head = len(inner) + len(text) - len(_code(value, place))
                fitted = _fit_branches(split, None, replace(place, lead=inner), head, tail=1)
                parts.items[index] = item.with_changes(value=fitted)
            continue
        value_code = _code(value, place)
        inside = replace(place, lead=inner, before=len(inner) + len(text) - len(value_code), after=1, longest=0)
        parts.items[index] = item.with_changes(value=fit(value, None, inside, value_code))
    return _join(exploded, parts)


def fit_conditional(node: cst.IfExp, original: cst.IfExp, place: Place) -> cst.IfExp:
    """`node` (`a if test else b`, a statement's whole value), when too long, in parentheses with
    its parts on lines of their own, as Ruff lays it out; a branch the edit changed is then laid
    out in turn when its line is still too long."""
    if not _too_long(_longest(_code(node, place), place), place):
        return node
    inner = place.lead + place.indent_unit
    split = node.with_changes(
        lpar=[cst.LeftParen(whitespace_after=_broken(inner))],
        rpar=[cst.RightParen(whitespace_before=_broken(place.lead))],
        whitespace_before_if=_broken(inner),
        whitespace_before_else=_broken(inner),
    )
    return _fit_branches(split, original, replace(place, lead=inner), len(inner), tail=0)


def _fit_branches(split: cst.IfExp, original: cst.IfExp | None, place: Place, head: int, tail: int) -> cst.IfExp:
    """`split`, a conditional broken before `if` and `else` with its lines at `place.lead`, with
    each branch the edit changed (all, without `original`) laid out in turn where its line is
    still too long; `head`: the characters before the body on its line, `tail`: after the
    other branch on its line."""
    for name, before, after in (("body", head, 0), ("orelse", len(place.lead) + len("else "), tail)):
        branch, was = getattr(split, name), getattr(original, name, None)
        if branch is not was and isinstance(branch, cst.Call | cst.Dict | cst.List):
            inside = replace(place, before=before, after=after, longest=0)
            kept = was if type(was) is type(branch) else None
            split = split.with_changes(**{name: fit(branch, kept, inside)})
    return split


def _broken(indentation: str) -> cst.ParenthesizedWhitespace:
    """A line break, the next line indented by `indentation`."""
    return cst.ParenthesizedWhitespace(indent=False, last_line=cst.SimpleWhitespace(indentation))


def _too_long(longest: int, place: Place) -> bool:
    """Longer than the limit, and not a line the project already kept longer (see `fit`)."""
    if longest <= place.limit:
        return False
    return not (place.longest > place.limit and longest < place.longest + NOTABLE_GROWTH)


def _code(node: cst.CSTNode, place: Place) -> str:
    return code_in_block(node, indent_unit=place.indent_unit, newline=place.newline, block_indent=place.block_indent)


def _longest(code: str, place: Place) -> int:
    lines = code.split(place.newline)
    lengths = [len(line) for line in lines]
    lengths[0] += place.before
    lengths[-1] += place.after
    return max(lengths)
