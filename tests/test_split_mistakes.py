"""mnist_helpers.split_mistakes: the facts notebook 01 reads off each split's mistakes, on a small made-up matrix."""

import numpy as np

from mnist_helpers import split_mistakes


def made_up_split():
    mistakes = np.zeros((10, 10), dtype=int)
    mistakes[5, 3], mistakes[3, 5] = 9, 4  # 3 and 5: 13 both ways
    mistakes[4, 9], mistakes[9, 4] = 7, 7  # 4 and 9: 14 both ways, though no single cell leads
    mistakes[2, 1], mistakes[8, 1] = 5, 5  # 1: the commonest wrong answer, 10 times (3: 9)
    true_digits = np.repeat(np.arange(10), 20)  # 20 held-out digits per class
    return mistakes, true_digits


def test_split_facts_reads_the_matrix_as_notebook_01_words_it():
    facts = split_mistakes.split_facts(*made_up_split())
    assert facts["commonest mistake"] == (5, 3, 9)
    assert facts["pairs confused most"] == [(4, 9, 14), (3, 5, 13)]  # counted both ways, a < b
    assert facts["commonest wrong answer"] == (1, 10)
    assert facts["read right least"] == (5, 1 - 9 / 20, 3)  # 5: 11 of its 20 read right, most often misread as 3


def test_split_facts_breaks_ties_towards_the_smaller_digits():
    mistakes, true_digits = made_up_split()
    mistakes[0, 6] = mistakes[6, 0] = 7  # 0 and 6: 14 both ways, level with 4 and 9
    assert split_mistakes.split_facts(mistakes, true_digits)["pairs confused most"] == [(0, 6, 14), (4, 9, 14)]


def test_print_facts_prints_one_line_per_split(capsys):
    facts = split_mistakes.split_facts(*made_up_split())
    split_mistakes.print_facts([facts, facts], names=["seed 42", "seed 1"])
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[1].startswith("seed 42") and lines[2].startswith("seed 1")
    assert "5 → 3: 9" in lines[1] and "4 and 9: 14, 3 and 5: 13" in lines[1]
    assert "5: 55.0% right, most often taken for 3" in lines[1]
