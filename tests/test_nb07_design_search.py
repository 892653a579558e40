"""Notebook 07 quotes the design search's figures in a table (Going further, "### Where the CNN's settings come
from"; "## The series CNN" points to it). A learner's copy
has no docs/ folder, so the notebook cannot print them itself: this test holds the table to the search's
own figures, docs/search.json, written by `python -m benchmarks.search`."""

import itertools
import json
import re

import mnist_helpers as mh
from mnist_helpers.layout import NOTEBOOKS, ROOT
from mnist_helpers.series.parameters import default_values

NOTEBOOK = NOTEBOOKS / "07_convolutions.ipynb"
# | filters | epochs | peak rate, batch | dropout | validation accuracy: mean, spread | seconds per epoch |
ROW = re.compile(r"^\| (\d+), (\d+)[^|]*\| (\d+) \| ([\d.]+), (\d+) \| ([\d.]+) \| "
                 r"([\d.]+) %, ([\d.]+) \| ([\d.]+) \|$")


def quoted_rows():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    (text,) = ["".join(c["source"]) for c in cells
               if "".join(c["source"]).startswith("### Where the CNN's settings come from")]
    return [(line, ROW.match(line)) for line in text.splitlines() if re.match(r"^\| \d", line)]


def searched_cnn_designs():
    return json.loads((ROOT / "docs" / "search.json").read_text(encoding="utf-8"))["networks"]["CNN"]


def find(designs, filters, epochs, rate, batch, dropout):
    wanted = {"filters": list(filters), "epochs": epochs, "rate": rate, "batch": batch, "dropout": dropout}
    found = [name for name, d in designs.items()
             if {key: d["design"][key] for key in wanted} == wanted and d["design"]["dense"] == 128]
    assert len(found) == 1, (wanted, found)
    return found[0]


def test_the_design_search_table_quotes_the_search():
    cnn = searched_cnn_designs()
    rows = quoted_rows()
    assert len(rows) == 4
    names = []
    for line, match in rows:
        assert match, f"a row the test cannot read: {line}"
        f1, f2, epochs, rate, batch, dropout, mean, spread, per_epoch = match.groups()
        name = find(cnn["designs"], (int(f1), int(f2)), int(epochs), float(rate), int(batch), float(dropout))
        figures = cnn["designs"][name]
        accuracy = figures["validation_accuracy"]
        assert f"{100 * accuracy['mean']:.2f}" == mean, (name, accuracy)
        assert f"{100 * (accuracy['max'] - accuracy['min']):.2f}" == spread, (name, accuracy)
        assert f"{figures['fit_seconds']['mean'] / int(epochs):.1f}" == per_epoch, (name, figures["fit_seconds"])
        assert ("(ours)" in line) == (name == cnn["chosen"]), line
        names.append(name)
    # the text: "By notebook 04's rule no two of these differ clearly"
    runs = {name: [run["validation_accuracy"] for run in cnn["designs"][name]["runs"]] for name in names}
    assert all(mh.compare(runs[a], runs[b]) == "no clear difference" for a, b in itertools.combinations(names, 2))
    # the text: ours gives "a mean tied for best among the 16/32 designs" and, with half keras.io's filters,
    # "trains faster" (seconds per training, not per epoch)
    means = {name: f"{100 * cnn['designs'][name]['validation_accuracy']['mean']:.2f}" for name in names}
    small = [name for name in names if cnn["designs"][name]["design"]["filters"] == [16, 32]]
    assert means[cnn["chosen"]] == max(means[name] for name in small)
    (keras_io,) = [name for name in names if cnn["designs"][name]["design"]["filters"] == [32, 64]]
    seconds = {name: cnn["designs"][name]["fit_seconds"]["mean"] for name in names}
    assert seconds[cnn["chosen"]] < seconds[keras_io]


def test_the_search_never_tried_a_cnn_without_dropout():
    # "### Where the CNN's settings come from": "The search tried dropout 0.25 and 0.4, never none"
    dropouts = {d["design"]["dropout"] for d in searched_cnn_designs()["designs"].values()}
    assert dropouts == {0.25, 0.4}, dropouts


def test_the_chosen_design_is_the_one_the_notebook_trains():
    cnn = searched_cnn_designs()
    chosen = cnn["designs"][cnn["chosen"]]["design"]
    source = NOTEBOOK.read_text(encoding="utf-8")
    parameters = default_values(NOTEBOOK)
    assert (parameters["EPOCHS"], parameters["BATCH_SIZE"]) == (chosen["epochs"], chosen["batch"])
    assert f"mh.warmup_cosine({chosen['rate']}," in source
    assert f"def build_cnn(max_shift={chosen['shift']}, dropout={chosen['dropout']}," in source
    assert "Conv2D(filters=16, kernel_size=3" in source and "Conv2D(32, 3" in source and "Dense(128" in source
    assert tuple(chosen["filters"]) == (16, 32) and chosen["dense"] == 128
