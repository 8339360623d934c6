"""Every rule's embedded VALID and INVALID examples, each also checked for idempotency."""

from __future__ import annotations

import pytest

from glm_migrate.rules import ALL_RULES
from glm_migrate.rules._base import Invalid, Rule, Valid
from glm_migrate.testing import check_example

CASES = [
    pytest.param(rule, example, id=f"{rule.CODE}-{kind}-{index}")
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_example(rule: type[Rule], example: Valid | Invalid) -> None:
    check_example(rule, example)
