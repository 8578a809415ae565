"""Which team posts are 正职 (principal): the deployment's 正职职务名称, and the unit's own organ."""

import pytest


@pytest.mark.parametrize(("title", "unit_name", "principal"), [
    ("县委常委、组织部部长", "县委组织部", True),
    ("县委常委、县纪委书记、县监委主任", "县纪委县监委", True),
    ("县委常委、政法委书记", "县委政法委员会", True),
    ("县委常委、县委办主任", "县委办公室", True),
    ("党委委员、纪委书记", "东坑镇", False),
    ("人大主席", "东坑镇", False),
    ("县纪委副书记、县监委副主任", "县纪委县监委", False),
    ("党委副书记、镇长", "东坑镇", True),
    ("副镇长", "东坑镇", False),
    ("组织部部长", "", False),
])
def test_a_principal_post_of_the_units_own_organ_counts_as_principal(title, unit_name, principal):
    from cadres.plans.selectors import is_principal_title

    titles = frozenset({"书记", "党委书记", "镇长", "部长", "主任", "局长", "县长"})
    assert is_principal_title(title, titles, unit_name) is principal
