"""What one split's template-matcher mistakes say (notebook 01), and a table of it for several splits."""

import numpy as np


def split_facts(mistakes, true_digits):
    """The facts notebook 01 checks on each split, from that split's matrix of mistakes.

    `mistakes[t, n]` counts the held-out digits of class t whose nearest class mean is n (diagonal zeroed);
    `true_digits` are the split's held-out labels. Returns a dict of:
    - "commonest mistake": (true digit, nearest mean, count) of the largest cell;
    - "pairs confused most": the two pairs (a, b, count), a < b, with most mistakes counted both ways;
    - "commonest wrong answer": (digit, count), the column with most mistakes;
    - "read right least": (digit, share of its held-out digits read right, the digit it is most often taken for).
    Ties go to the smaller digit (NumPy's argmax); notebook 01's check cell asserts there are none.
    """
    mistakes = np.asarray(mistakes)
    true, nearest = np.unravel_index(mistakes.argmax(), mistakes.shape)
    either_way = mistakes + mistakes.T
    pairs = sorted(((either_way[a, b], -a, -b) for a in range(10) for b in range(a + 1, 10)), reverse=True)[:2]
    wrong_answers = mistakes.sum(axis=0)
    shares_right = 1 - mistakes.sum(axis=1) / np.bincount(true_digits, minlength=10)
    worst = int(shares_right.argmin())
    return {
        "commonest mistake": (int(true), int(nearest), int(mistakes[true, nearest])),
        "pairs confused most": [(-a, -b, int(count)) for count, a, b in pairs],
        "commonest wrong answer": (int(wrong_answers.argmax()), int(wrong_answers.max())),
        "read right least": (worst, float(shares_right[worst]), int(mistakes[worst].argmax())),
    }


def print_facts(facts, names):
    """One line per split: its name, then the facts of `split_facts`, in the words notebook 01 uses."""
    print(f"{'split':<8}  {'commonest mistake':<18}  {'pairs confused most, both ways':<31}  "
          f"{'commonest wrong answer':<22}  digit read right least often")
    for name, fact in zip(names, facts):
        true, nearest, count = fact["commonest mistake"]
        pairs = ", ".join(f"{a} and {b}: {n}" for a, b, n in fact["pairs confused most"])
        digit, wrong = fact["commonest wrong answer"]
        worst, share_right, taken_for = fact["read right least"]
        print(f"{name:<8}  {f'{true} → {nearest}: {count}':<18}  {pairs:<31}  {f'{digit}: {wrong}':<22}  "
              f"{worst}: {share_right:.1%} right, most often taken for {taken_for}")
