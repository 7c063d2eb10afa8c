from bench.metrics import edit_distance


def test_edit_distance_counts_character_and_word_edits():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("where is my order".split(), "where is the order".split()) == 1
    assert edit_distance(["a"], ["a"]) == 0
