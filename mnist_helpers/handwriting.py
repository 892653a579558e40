"""Turn a photo or scan of one handwritten digit into an MNIST-style 28x28 input.

Introduced in notebook 08. MNIST was made this way (LeCun et al.): each digit, ink on a
blank background, was fitted into a 20x20 box keeping its aspect ratio, anti-aliased to grey
levels, then placed in a 28x28 field so that its centre of mass sits at the centre (pixel
(14, 14): MNIST's own digits average (14.0, 14.0)). `preprocess_steps` does the same to any
image and keeps every stage, so the notebook can show them; `to_mnist` returns the result.
Finding the ink on the paper, whatever the light, is mnist_helpers/ink.py (steps 2-5); here
are reading the image (step 1), then `without_rules` (ruled or squared paper's lines),
`one_digit` (one digit only, the desk beyond the page's edge dropped), the crop, `widened`
(a ballpoint's thin strokes at MNIST's width), the 20x20 box and the centre of mass.

Notebook 08's *Going further* tours these steps, one question each; safe file opening is in
image_files.py, photos drawn under the conditions learners meet in photos.py.
"""

import numpy as np
from PIL import Image, ImageFilter, ImageOps

# Reading image files safely (mnist_helpers/image_files.py); the steps below use these names.
from mnist_helpers.image_files import (  # noqa: F401  (mh.handwriting.labelled_images, .DigitImageError, ...)
    DigitImageError, checked_grey_levels, labelled_images, on_paper, opened_image)
from mnist_helpers.ink import find_ink, ink_contrast, paper_surface, smooth3x3  # steps 2-5


def preprocess_steps(source):
    """Every stage from a file (path or bytes) or a 2-D array of grey levels to an MNIST-style 28x28 image.

    Returns a dict: "grayscale", "ink", "cropped" (to the one digit the ink holds, without the paper's printed
    lines, its strokes widened to MNIST's), "boxed" (at most 20x20) and "mnist" (28x28, float32), plus "polarity"
    ("dark on light" or "light on dark").
    """
    gray = read_grayscale(source)
    ink, polarity = find_ink(gray)
    cropped = widened(crop_to_ink(one_digit(without_rules(ink))))
    boxed = fit_box(cropped)
    return {"grayscale": gray, "ink": ink, "polarity": polarity, "cropped": cropped, "boxed": boxed,
            "mnist": place_by_centre_of_mass(boxed)}


def measured_steps(source, mnist_images):
    """`preprocess_steps` plus what notebook 08's *Going further* reads off them, in one dict: "contrast", "paper"
    (the paper's grey levels under the ink), "sign" (-1 dark ink, +1 light), "paper_noise", "signal_to_noise" (the
    strongest mark over the paper's noise), "thin_width" and "boxed_width" (stroke width in the 20x20 box before and
    after widening) and "mnist_width" (the median stroke width of `mnist_images`, 28x28 grey levels 0 to 255)."""
    steps = preprocess_steps(source)
    contrast, smoothed, sign, paper_noise = ink_contrast(steps["grayscale"])  # steps 2 to 4
    paper, _ = paper_surface(smooth3x3(steps["grayscale"]), sign)  # step 3, on grey levels smoothed over 3x3
    thin = crop_to_ink(one_digit(without_rules(steps["ink"])))  # step 6, before widening
    widths = [stroke_width(fit_box(crop_to_ink(image / 255))) for image in mnist_images]
    return {**steps, "contrast": contrast, "paper": paper, "sign": sign, "paper_noise": paper_noise,
            "signal_to_noise": float(smoothed.max() / paper_noise), "thin_width": stroke_width(fit_box(thin)),
            "boxed_width": stroke_width(steps["boxed"]), "mnist_width": float(np.median(widths))}


def to_mnist(source):
    """An MNIST-style 28x28 float32 image in [0, 1] (ink 1) from an image file of one digit."""
    return preprocess_steps(source)["mnist"]


WORKING_SIDE = 512  # larger images are shrunk to this before the analysis: plenty for a 20x20 result


def resized(image, width, height):
    """A float image resized to width x height pixels, whatever its shape, anti-aliased (Lanczos)."""
    stretched = np.asarray(Image.fromarray(image.astype("float32")).resize((width, height), Image.Resampling.LANCZOS))
    return np.clip(stretched, 0, 1)  # Lanczos overshoots a little at sharp edges


def fit_longer_side(image, side):
    """Resize a float image so its longer side is `side` pixels, keeping the aspect ratio, anti-aliased."""
    scale = side / max(image.shape)
    return resized(image, max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))


def read_grayscale(source):
    """Grey levels in [0, 1] (0 black, 1 white) of an image file (a path, or its bytes), upright, at most
    WORKING_SIDE pixels a side. A 2-D NumPy array is taken as grey levels already."""
    if isinstance(source, np.ndarray):
        gray = checked_grey_levels(np.asarray(source, dtype="float32"), "The array")
    else:
        with opened_image(source) as (image, name):  # a missing, damaged or enormous file: one clear error
            image = ImageOps.exif_transpose(image)  # upright, as the phone's EXIF tag says it was held
            if image.mode in ("RGBA", "LA", "P", "PA"):  # transparent pixels are white paper
                gray = on_paper(image)
            elif image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):  # 16 bits or floating point: by their own range
                gray = checked_grey_levels(np.asarray(image, dtype="float32"), name)
                gray = gray / max(float(gray.max()), 1.0)
            else:  # 8 bits: 0 to 255
                gray = np.asarray(image.convert("L"), dtype="float32") / 255
    if max(gray.shape) > WORKING_SIDE:  # shrunk after the conversion, so every kind of image is anti-aliased alike
        gray = fit_longer_side(gray, WORKING_SIDE)
    return np.clip(gray, 0, 1)


RULE_SPAN = 0.9  # ink across 90 % of the frame, in a band at most RULE_WIDTH of the frame thick (3 pixels at least),
RULE_WIDTH = 0.02  # is a printed line of ruled or squared paper, not a stroke


def runs_of(flags):
    """(first, stop) of each run of True in a 1-D boolean array."""
    edges = np.flatnonzero(np.diff(np.r_[0, flags.astype(int), 0]))
    return list(zip(edges[::2], edges[1::2]))


def without_rules(ink):
    """The ink without the printed lines of ruled or squared paper; where a stroke crosses a line, it is kept."""
    ink = ink.copy()
    for view in (ink, ink.T):  # the rows (horizontal lines), then the columns (vertical ones), through a view
        for first, stop in runs_of(np.mean(view > 0, axis=1) >= RULE_SPAN):
            if stop - first <= max(3, RULE_WIDTH * len(view)):
                above = view[first - 1] if first > 0 else np.zeros(view.shape[1])
                below = view[stop] if stop < len(view) else np.zeros(view.shape[1])
                view[first:stop] *= (above > 0) | (below > 0)  # a stroke runs on through the line: kept
    return ink


PART_GAP = 1 / 32  # a gap of empty rows (columns) wider than this share of the ink's extent parts the ink
PART_SHARE = 0.1  # a part holding this share of the ink or more is a mark (a digit, or a large piece of one)


def one_digit(ink):
    """The ink within the rows and the columns of its marks, its strongest 1; specks away from them are dropped, and
    so are marks running into the frame's edge beside one that does not (the page's edge and the desk beyond it, or
    a neighbouring digit the frame cut).

    Raises DigitImageError when marks inside the frame stand side by side with a clear gap: two digits, not one.
    """
    rows, cols = np.nonzero(ink)
    gap = PART_GAP * (max(np.ptp(rows), np.ptp(cols)) + 1)  # narrower gaps, a pencil stroke's, do not count
    box = []
    for axis in (1, 0):  # summed across each row (rows first), then down each column, as crop_to_ink does
        profile = ink.sum(axis=axis)
        inked = np.flatnonzero(profile)
        breaks = np.flatnonzero(np.diff(inked) > gap + 1)  # more than `gap` empty rows (columns) between
        parts = zip(np.r_[inked[0], inked[breaks + 1]], np.r_[inked[breaks], inked[-1]] + 1)  # (first, stop)
        marks = [(first, stop) for first, stop in parts if profile[first:stop].sum() >= PART_SHARE * profile.sum()]
        inside = [(first, stop) for first, stop in marks if first > 0 and stop < len(profile)]
        marks = inside or marks  # a mark inside the frame is the digit; marks touching its edge beside it are not
        if axis == 0 and len(marks) > 1:
            raise DigitImageError(f"The image holds {len(marks)} separate marks side by side ({len(marks)} digits?): "
                                  f"crop the photo to one digit.")
        box.append(slice(marks[0][0], marks[-1][1]) if marks else slice(None))  # no mark: small pieces, all kept
    kept = np.zeros_like(ink)
    kept[tuple(box)] = ink[tuple(box)]
    return kept / kept.max()  # a dark desk may have held the strongest ink


CROP_TRIM = 0.002  # share of the ink left outside the crop on each side: its faint fringe


def crop_to_ink(ink):
    """The smallest rectangle holding all but CROP_TRIM of the ink on each side."""
    bounds = []
    for axis in (1, 0):  # summed across each row (rows first), then down each column
        cumulative = np.cumsum(ink.sum(axis=axis)) / ink.sum()  # share of the ink up to each row (column)
        first = int(np.searchsorted(cumulative, CROP_TRIM, side="right"))
        last = int(np.searchsorted(cumulative, 1 - CROP_TRIM))
        bounds.append((first, min(last + 1, len(cumulative))))
    (top, bottom), (left, right) = bounds
    return ink[top:bottom, left:right]


MNIST_STROKE = 2.2  # MNIST's median stroke width, in pixels of its 20x20 box (08 and tests/test_photos.py measure it)


def stroke_width(ink):
    """The strokes' mean width in pixels: twice the inked area (ink above 0.5) over the length of its outline."""
    inked = ink > 0.5
    outline = np.count_nonzero(np.diff(inked, axis=0)) + np.count_nonzero(np.diff(inked, axis=1))
    return 2 * inked.sum() / max(outline, 1)


def widened(cropped):
    """Strokes thinner than MNIST's in the 20x20 box (a ballpoint's) widened 2 pixels at a time at the crop's scale
    (each pixel takes the strongest ink of the 3x3 around it) until, in the box, they are MNIST_STROKE wide;
    strokes as wide as MNIST's or wider are left as they are."""
    for _ in range(max(cropped.shape)):  # a bound: each pass widens, so the loop ends long before
        if stroke_width(fit_box(cropped)) >= MNIST_STROKE:
            break
        padded = Image.fromarray(np.pad(cropped, 1).astype("float32"))  # 1 pixel of room all round: widened evenly
        cropped = np.asarray(padded.filter(ImageFilter.MaxFilter(3)))
    return cropped


def fit_box(ink, box=20):
    """Resize so that the longer side is `box` pixels, keeping the aspect ratio, anti-aliased (step 1's resize)."""
    return fit_longer_side(ink, box)


def centre_of_mass(image):
    """(row, column) of the ink's centre of mass, in pixel indices."""
    rows, cols = np.indices(image.shape)
    total = image.sum()
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def place_by_centre_of_mass(digit, size=28, centre=14.0):
    """Paste `digit` into a size x size field so its centre of mass lands on `centre` (whole pixels, as MNIST)."""
    row, col = centre_of_mass(digit)
    top, left = round(centre - row), round(centre - col)
    field = np.zeros((size, size), "float32")
    height, width = digit.shape
    r0, c0 = max(top, 0), max(left, 0)  # clip the paste to the field: only a digit far off-centre loses an edge
    r1, c1 = min(top + height, size), min(left + width, size)
    field[r0:r1, c0:c1] = digit[r0 - top:r1 - top, c0 - left:c1 - left]
    return field


def ink_extent(images):
    """Per image of a stack (n x rows x columns): the ink's height and width, from the first row (column) that
    holds ink to the last (notebook 08 checks MNIST's 20x20 box with it)."""
    def extent(inked):  # n x lines: does each row (or column) hold ink?
        first, last = inked.argmax(axis=1), inked.shape[1] - 1 - inked[:, ::-1].argmax(axis=1)  # first, last True
        return last - first + 1

    inked = np.asarray(images) > 0
    return extent(inked.any(axis=2)), extent(inked.any(axis=1))


def print_table(corner, rows, columns, last=None, formats=None):
    """Print notebook 08's tables, so that its cells show the computing, not the layout. `rows`: the row names;
    `columns`: header -> {part: values}, each cell the parts' values joined by " / " (e.g. one part per model), the
    values one per row or a dict by row name (a row it lacks stays blank); a column of one part can be given as
    {row: value}. `last`: an optional last row, (name, {header: {part: value}}), such as the counts under the
    answers; `formats`: header -> a format spec for that column's values, such as ".0%"."""
    rows, formats = list(rows), formats or {}
    columns = {header: parts if any(np.ndim(values) or isinstance(values, dict) for values in parts.values())
               else {"": parts} for header, parts in columns.items()}  # {row: value}: a column of one part
    cells = {header: {part: values if isinstance(values, dict) else dict(zip(rows, values))
                      for part, values in parts.items()} for header, parts in columns.items()}
    if last:
        rows.append(last[0])
        for header, parts in last[1].items():
            for part, value in parts.items():
                if header in cells:
                    cells[header][part] = {**cells[header][part], last[0]: value}
    table = [[corner, *cells]] + [[row] + [" / ".join(format(values[row], formats.get(header, ""))
                                                        for values in parts.values() if row in values)
                                           for header, parts in cells.items()] for row in rows]
    widths = [max(len(line[k]) for line in table) for k in range(len(table[0]))]
    for line in table:
        print(line[0].ljust(widths[0]) + "".join(text.rjust(width + 3) for text, width in zip(line[1:], widths[1:])))


def show_my_digit(source, name, models, routes=None):
    """Notebook 08's *Your own digit*: one image (path or bytes) through `preprocess_steps`, its steps drawn, then
    each model's answers (`models`: name -> Keras model) on the pipeline's input and on what each of `routes`
    (name -> function, e.g. the notebook's sixteen lines) makes of it. A bad image gets one clear line."""
    import matplotlib.pyplot as plt

    from mnist_helpers import diagrams, plots

    try:
        steps = preprocess_steps(source)
    except DigitImageError as error:
        print(f"Could not use {name}: {error}")
        return
    diagrams.show_preprocessing(steps, f"{name}, step by step ({steps['polarity']})")
    plt.show()
    inputs, names = [steps["mnist"]], ["the package's pipeline"]
    for route, prepare in (routes or {}).items():
        try:
            inputs.append(prepare(source))
            names.append(route)
        except ValueError as error:  # e.g. the sixteen lines on an image with no ink: their message
            print(f"{route}: {error}")
    images = np.stack(inputs)
    probs = {model_name: model.predict(images.reshape((len(images), *model.inputs[0].shape[1:])), verbose=0)
             for model_name, model in models.items()}
    plots.show_probabilities(images, probs, [f"{route}\n" + " / ".join(str(p[k].argmax()) for p in probs.values())
                                             for k, route in enumerate(names)], f"{name}: MLP / CNN")
    plt.show()


def read_my_digit(my_image, models, routes=None, stand_in=None):
    """Notebook 08's upload: `my_image` (a path) if given; else, in front of a reader (JupyterLab, Notebook 7,
    VS Code, Colab), an upload button that shows each file with `show_my_digit`; else (headless: a script, the
    series runner) `stand_in`, a sample, so the steps are still seen."""
    from mnist_helpers import session

    if my_image:
        show_my_digit(my_image, str(my_image), models, routes)
    elif session.is_interactive():
        session.upload_button(lambda content, name: show_my_digit(content, name, models, routes))
    else:
        print(f"No MY_IMAGE given and no upload button here, so {stand_in.name} stands in for your photo. Set "
              "MY_IMAGE to the path of your image (-p MY_IMAGE path/to/digit.jpg), or open the notebook in "
              "JupyterLab, VS Code or Colab to upload one.")
        show_my_digit(stand_in, stand_in.name, models, routes)
