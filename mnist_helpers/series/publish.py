"""Publish a copy of the series under its GitHub address: `python -m mnist_helpers.series.publish OWNER/NAME`.

A copy nobody has published has no address, so its notebooks carry no Colab badge and their set-up cells name
no release to install the helper package from: a learner meets no dead link, and a set-up cell that finds no
package says what to do. Publishing writes the address into each notebook's title cell (a Colab badge opening
that notebook), into each set-up cell (the release `v` + pyproject.toml's version, installed on Colab) and into
the README's badges (Binder, then each notebook on Colab). Run it in your fork's folder, commit, and tag that
release. Running it again with another address replaces the first.
"""

import argparse
import re
from pathlib import Path

import nbformat

from mnist_helpers.layout import NOTEBOOK_PATTERN, SETUP_TAG

GITHUB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")  # GitHub's owner/name
BADGE = re.compile(r"\n\n\[!\[Open in Colab\]\(\S+\)\]\(\S+\)")  # a title cell's badge, after its title line
SOURCE = re.compile(r'(os\.environ\.get\("MNIST_HELPERS_SOURCE", )"[^"]*"')  # the set-up cell's default source
README_LIST = re.compile(r"(<!-- Badges, .*? -->\n).*?(<!-- end of the badges -->)", re.S)


def colab_badge(repository, notebook_name):
    return ("[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"(https://colab.research.google.com/github/{repository}/blob/main/notebooks/{notebook_name})")


def publish(repository, root):
    """Write `repository` ("owner/name" on GitHub) into the notebooks and the README of the copy at `root`."""
    if not GITHUB_NAME.fullmatch(repository):
        raise SystemExit(f"publish: {repository!r} is not a GitHub repository's owner/name, "
                         "like ada/mnist-series (the part of its address after github.com/).")
    if not (root / "pyproject.toml").is_file() or not list((root / "notebooks").glob(NOTEBOOK_PATTERN)):
        raise SystemExit(f"publish: {root} holds no copy of the series (pyproject.toml and notebooks/): "
                         "run this in your fork's folder.")
    (version,) = re.findall(r'^version = "(.+)"', (root / "pyproject.toml").read_text(), re.M)
    release = f"git+https://github.com/{repository}@v{version}"
    badges = [f"- [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/{repository}/HEAD"
              "?urlpath=lab/tree/notebooks) the whole series in JupyterLab\n"]
    for path in sorted((root / "notebooks").glob(NOTEBOOK_PATTERN)):
        notebook = nbformat.read(path, as_version=4)
        title, _, rest = BADGE.sub("", notebook.cells[0].source, count=1).partition("\n")
        notebook.cells[0].source = f"{title}\n\n{colab_badge(repository, path.name)}\n{rest}"
        (setup,) = [cell for cell in notebook.cells if SETUP_TAG in cell.metadata.get("tags", [])]
        setup.source = SOURCE.sub(rf'\1"{release}"', setup.source)
        path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        badges.append(f"- {colab_badge(repository, path.name)} {title.removeprefix('# ')}\n")
    readme = root / "README.md"
    readme.write_text(README_LIST.sub(lambda found: found[1] + "".join(badges) + found[2], readme.read_text(),
                                      count=1))
    print(f"Published as {repository}: {len(badges) - 1} notebooks' Colab badges and set-up cells ({release}) "
          "and the README's badges. Commit, then tag the release: "
          f"git tag v{version} && git push origin main v{version}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m mnist_helpers.series.publish", description=__doc__.split("\n")[0])
    parser.add_argument("repository", help="the copy's GitHub address after github.com/, e.g. ada/mnist-series")
    publish(parser.parse_args(argv).repository, Path.cwd())


if __name__ == "__main__":
    main()
