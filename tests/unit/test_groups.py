from plugin.core.groups import connected_groups


def test_items_joined_through_others_share_a_group():
    # 1 and 5 are not close, but 3 joins them: one group; 20 stays alone.
    items = [1, 20, 3, 5]
    groups = connected_groups(items, lambda a, b: abs(a - b) <= 2)
    assert sorted(sorted(items[i] for i in g) for g in groups) == [[1, 3, 5], [20]]


def test_no_items_no_groups():
    assert connected_groups([], lambda a, b: True) == []
