"""Reading image files of digits safely, for notebook 08 (and mnist_helpers.handwriting, which re-exports these).

Every failure (no file, an empty or damaged file, not an image, one too large, transparent pixels)
becomes a DigitImageError whose one sentence says what to do.
"""

import io
import re
import warnings
from contextlib import contextmanager

import numpy as np
from PIL import Image, UnidentifiedImageError

from mnist_helpers.layout import user_path


class DigitImageError(ValueError):
    """The image cannot be read or holds no digit; the message says what to do."""


# The brands an HEIF file (an iPhone's photo, .heic) names at bytes 8-12, after "ftyp" at bytes 4-8
HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


def is_heic(head):
    """Whether a file starting with the bytes `head` is an HEIF/HEIC photo, which Pillow cannot decode."""
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


@contextmanager
def opened_image(source, advice="Use a PNG or JPEG file."):
    """(image, name): the image in a file (a path) or in bytes, open in Pillow, and its name for messages.

    Whatever goes wrong while it is open (no such file, an empty file, not an image, a truncated
    or damaged file, one too large to decode safely) becomes one DigitImageError that says what
    to do; every message starts "Cannot read <name>", and `advice`, a sentence, ends the message for a
    file that cannot be read.
    """
    name = "the uploaded image" if isinstance(source, bytes) else str(source)
    if not isinstance(source, bytes):
        source = user_path(source)  # ~/digit.jpg, as a shell would read it
        if not source.is_file():
            raise DigitImageError(f"No image file at {name}. Check the path (it is relative to the notebook's folder).")
    if (len(source) if isinstance(source, bytes) else source.stat().st_size) == 0:
        raise DigitImageError(f"Cannot read {name}: it is empty (0 bytes). {advice}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
                yield image, name
    except DigitImageError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise DigitImageError(
            f"Cannot read {name} safely: it has over {Image.MAX_IMAGE_PIXELS:,} pixels. "
            f"Crop it to the digit or scale it down, then try again."
        ) from None
    except UnidentifiedImageError:
        if isinstance(source, bytes):
            head = source[:12]
        else:
            with source.open("rb") as file:
                head = file.read(12)
        if is_heic(head):
            raise DigitImageError(
                f"Cannot read {name}: it is an HEIC photo (an iPhone's usual format), which Pillow cannot decode. "
                f"Save it as JPEG first (on the iPhone, Settings > Camera > Formats > Most Compatible; on a Mac, open "
                f"it in Preview and use File > Export > JPEG), then try again."
            ) from None
        raise DigitImageError(f"Cannot read {name}: it is not an image file Pillow can read. {advice}") from None
    except (OSError, SyntaxError, ValueError) as error:  # a truncated or damaged file
        raise DigitImageError(f"Cannot read {name} as an image ({error}). {advice}") from None


def on_paper(image):
    """Grey levels in [0, 1] of a Pillow image with transparency, its transparent pixels white paper.

    Strokes of one colour on a transparent canvas (a drawing pad's, often white) are read by their
    opacity alone, dark on white; anything else (a photo with transparent corners) is laid on white.
    """
    rgba = image.convert("RGBA")
    opacity = np.asarray(rgba.getchannel("A"), dtype="float32") / 255
    colour = np.asarray(rgba.convert("L"), dtype="float32") / 255  # the grey level of each pixel's colour
    strokes = colour[opacity > 0.5]
    if opacity.min() < 1 and strokes.size and np.ptp(strokes) < 0.25:  # one colour on a transparent canvas
        return 1 - opacity
    return 1 - opacity * (1 - colour)  # over white: full opacity shows the colour, none shows the paper


def checked_grey_levels(gray, name):
    """`gray` as a 2-D float array of numbers, or a DigitImageError saying what is wrong."""
    if gray.ndim != 2 or min(gray.shape) < 2:
        raise DigitImageError(f"{name} has shape {gray.shape}: give one grey level per pixel, a 2-D array.")
    bad = int(np.count_nonzero(~np.isfinite(gray)))
    if bad:
        raise DigitImageError(
            f"{name} has {bad:,} pixel{'s' * (bad > 1)} that {'are' if bad > 1 else 'is'} not a number (NaN or "
            f"infinite). Replace {'them' if bad > 1 else 'it'} (e.g. np.nan_to_num(image, nan=1.0) for white paper) "
            f"or use another image."
        )
    return gray


def labelled_images(folder):
    """(path, digit) for every PNG/JPEG in `folder` named <digit>-<anything>, e.g. 7-chalk.png.

    The digit must stand alone (7-, 7_, 7. or "7 "), so a camera's 20240115_1234.jpg is not a 2.
    Each image is decoded here, so an empty or damaged file is named now, not in a figure later.
    """
    folder = user_path(folder)
    if not folder.is_dir():
        raise DigitImageError(f"No folder {folder} (relative paths start in notebooks/).")
    found = [(path, int(path.name[0])) for path in sorted(folder.iterdir())
             if path.suffix.lower() in (".png", ".jpg", ".jpeg") and re.match(r"\d[-_. ]", path.name)]
    if not found:
        raise DigitImageError(f"No images named <digit>-<anything>.png or .jpg in {folder}, e.g. 7-mine.jpg.")
    for path, _ in found:
        with opened_image(path, f"Replace it with a photo of its digit, or remove it from {folder}.") as (image, _):
            image.load()  # decodes every pixel: a truncated file fails here
            if np.ptp(np.asarray(image.convert("L"))) == 0:  # one grey level throughout: nothing to crop to
                raise DigitImageError(f"{path} is blank: every pixel has the same grey level. Replace it with a "
                                      f"photo of its digit, or remove it from {folder}.")
    return found
