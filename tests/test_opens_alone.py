"""The later notebooks open alone: 06 and 08, each in an empty run folder, run to the end (08 makes 07's
model on request, and 07 in turn 05's: what 07 opened alone does). 08 reads a folder of twelve images, as
exercise 4's learner would give it (three photos of each digit): its figures lay out any number.

Outside make test's 10 minutes (three minutes of training on two cores): `make test-extra` runs it, and CI
after make test. tests/test_runner.py checks the same mechanism with small stand-ins inside make test.
"""

import shlex
import shutil
import subprocess
from pathlib import Path
import sys

import nbformat
import pytest
from test_readme import command, printed, summary

# 06 and 08 opened alone, each in an empty run folder: the README's `--only 06`, and the same for 08
# with small parameters. Each trains what it lacks by running the maker notebooks' lessons (not their
# checks) in kernels of their own (a maker that needs a model makes it too, as test_runner.py shows
# with small stand-ins).
ALONE = {
    "06": command(".venv/bin/python -m mnist_helpers run --only 06"),
    "08": ".venv/bin/python -m mnist_helpers run --no-html --only 08 -p TRAIN_SAMPLES 1000 -p IMAGES_DIR {images}",
}
SAMPLES = Path(__file__).resolve().parents[1] / "notebooks" / "images"
MADE = {"06": ["05_training"], "08": ["05_training", "07_convolutions"]}


@pytest.mark.slow
@pytest.mark.extra
def test_each_later_notebook_opens_alone(tmp_path, mnist_path):
    """Both at once (they wait on kernels starting more than on the two cores)."""
    started = {}
    images = tmp_path / "my digits"  # the ten samples and two more photos: more than one figure row of five holds
    shutil.copytree(SAMPLES, images)
    shutil.copy(SAMPLES / "1-photo.jpg", images / "1-again.jpg")
    shutil.copy(SAMPLES / "7-chalk.png", images / "7-again.png")
    for number, line in ALONE.items():
        line = line.format(images=shlex.quote(str(images)))
        (tmp_path / number).mkdir()
        argv = [sys.executable if word == ".venv/bin/python" else word for word in shlex.split(line)]
        started[number] = subprocess.Popen(argv, cwd=tmp_path / number, stdout=subprocess.PIPE,
                                           stderr=subprocess.PIPE, text=True)
    for number, process in started.items():
        _, err = process.communicate(timeout=900)
        assert process.returncode == 0, f"{number}: {err[-3000:]}"
        (folder,) = (tmp_path / number / "runs").iterdir()
        (entry,) = summary(folder)["notebooks"]
        assert entry["status"] == "ok" and entry["parameters"]["RUN_DIR"] == str(folder.resolve())
        notebook = next(folder.glob(f"{number}_*.ipynb"))
        for maker in MADE[number]:
            assert f"running {maker}.ipynb first, in a kernel of its own" in printed(notebook)
            made = nbformat.read(folder / f"{maker}.ipynb", 4)
            assert not any("remove-cell" in cell.metadata.get("tags", []) for cell in made.cells), "lesson only"
            assert (folder / f"{maker}.metrics.json").is_file()
