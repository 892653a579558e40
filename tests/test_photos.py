"""Photos as learners take them (mnist_helpers/photos.py) through the photo-to-MNIST pipeline, and the three steps
written for them: ruled and squared paper's lines erased, the desk beyond the page's edge dropped, a ballpoint's strokes
widened. Notebook 08's *Going further* measures the models' accuracy under each condition; here, model-free, the route
must make nearly the image the direct route makes of the same ink, and refuse what nobody can read."""

import numpy as np
import pytest

from mnist_helpers import handwriting as hw
from mnist_helpers import photos


@pytest.fixture(scope="module")
def mnist_digits(mnist_path):
    """Ten MNIST test digits, ink 0 to 1."""
    from mnist_helpers import load_mnist

    _, (images, _) = load_mnist(mnist_path)
    return images[:10] / 255


def direct(ink):
    """The direct route: the ink itself cropped, boxed and centred, no photo in between."""
    return hw.place_by_centre_of_mass(hw.fit_box(hw.crop_to_ink(ink)))


READABLE = [condition for condition in photos.CONDITIONS if condition != "too faint to read"]


@pytest.mark.parametrize("condition", READABLE)
def test_each_readable_condition_gives_nearly_the_direct_routes_image(mnist_digits, condition):
    """Mean absolute difference per pixel (0 to 1) of the two 28x28 inputs; plain paper sets the scale."""
    gaps = [np.abs(hw.to_mnist(photos.photographed(ink, condition, seed)) - direct(ink)).mean()
            for seed, ink in enumerate(mnist_digits)]  # a refusal raises DigitImageError: the test fails
    assert np.mean(gaps) < 0.06 and np.max(gaps) < 0.12, gaps


def test_ink_too_faint_to_read_is_refused_as_a_blank_page(mnist_digits):
    for seed, ink in enumerate(mnist_digits):
        with pytest.raises(hw.DigitImageError, match=r"^No ink found: .* Is the page blank\?"):
            hw.to_mnist(photos.photographed(ink, "too faint to read", seed))


def test_an_unknown_condition_names_the_known_ones():
    with pytest.raises(ValueError, match="Unknown condition 'foggy'.*ruled paper"):
        photos.photographed(np.ones((8, 8)), "foggy")


def test_printed_lines_are_erased_and_a_stroke_crossing_them_kept():
    ink = np.zeros((100, 100), "float32")
    ink[40:42, :] = 0.5  # a ruled line across the frame
    ink[:, 70] = 0.5  # a squared paper's vertical line
    ink[20:80, 30:36] = 1.0  # a stroke 6 px wide crossing the ruled line
    kept = hw.without_rules(ink)
    assert kept[40:42, :30].max() == 0 and kept[40:42, 36:70].max() == 0 and kept[:, 70].max() == 0
    assert (kept[20:80, 30:36] == 1).all(), "the stroke is whole, where it crosses the line too"


def test_a_thick_bar_across_the_frame_is_a_stroke_not_a_line():
    """The top bar of a 7 filling the frame (as optdigits do) runs across it, but it is thicker than a printed line."""
    ink = np.zeros((64, 64), "float32")
    ink[0:10, :] = 1.0
    ink[10:64, 50:60] = 1.0
    assert np.array_equal(hw.without_rules(ink), ink)


def test_a_mark_running_into_the_frames_edge_beside_the_digit_is_dropped():
    ink = np.zeros((100, 100), "float32")
    ink[:, 0:10] = 0.9  # the desk beyond the page's edge, on the left
    ink[20:80, 50:58] = 0.6  # the digit: a 1, fainter than the dark desk (and a tenth of the ink or more: a mark)
    kept = hw.one_digit(ink)
    assert kept[:, :10].max() == 0 and kept[20:80, 50:58].min() == 1.0, "desk dropped, the digit's ink scaled to 1"


def test_two_digits_inside_the_frame_are_still_refused_beside_an_edge_mark():
    ink = np.zeros((100, 100), "float32")
    ink[:, 0:10] = 1.0
    ink[20:80, 40:46] = 1.0
    ink[20:80, 75:81] = 1.0
    with pytest.raises(hw.DigitImageError, match="2 separate marks side by side"):
        hw.one_digit(ink)


def test_a_digit_filling_the_frame_alone_is_kept_though_it_touches_the_edges():
    ink = np.zeros((64, 64), "float32")
    ink[:, 20:44] = 1.0  # a thick 1, edge to edge
    assert np.array_equal(hw.one_digit(ink), ink)


def test_thin_strokes_are_widened_to_mnists_width_and_wide_ones_left_alone(mnist_digits):
    for ink in mnist_digits:
        crop = hw.crop_to_ink(photos.drawn(ink, "thin ballpoint"))
        assert hw.stroke_width(hw.fit_box(crop)) < hw.MNIST_STROKE / 2 + 0.1, "thin strokes, in the box"
        assert hw.MNIST_STROKE <= hw.stroke_width(hw.fit_box(hw.widened(crop))) < hw.MNIST_STROKE + 1.1
        felt_pen = hw.crop_to_ink(ink)
        if hw.stroke_width(hw.fit_box(felt_pen)) >= hw.MNIST_STROKE:
            assert hw.widened(felt_pen) is felt_pen


def test_mnist_stroke_is_the_median_width_of_mnists_training_digits(mnist_path):
    from mnist_helpers import load_mnist

    (images, _), _ = load_mnist(mnist_path)
    widths = [hw.stroke_width(hw.fit_box(hw.crop_to_ink(image / 255))) for image in images[:2000]]
    assert abs(np.median(widths) - hw.MNIST_STROKE) < 0.1


def test_the_stroke_width_of_a_drawn_bar_is_its_width():
    ink = np.zeros((60, 60), "float32")
    ink[5:55, 10:14] = 1.0  # 4 px wide, 50 long: the outline's ends add 2 x 4 to its 2 x 50
    assert hw.stroke_width(ink) == pytest.approx(4 * 50 / 54)


@pytest.mark.parametrize("what", list(photos.bad_inputs()))
def test_each_of_notebook_08s_bad_inputs_is_refused_with_one_line_that_says_what_to_do(what):
    with pytest.raises(hw.DigitImageError) as refused:
        hw.to_mnist(photos.bad_inputs()[what])
    message = str(refused.value)
    assert "\n" not in message and message.endswith("."), message  # one line
    assert ". " in message or ": " in message, message  # what is wrong, then what to do


def test_optdigits_format_counts_the_ink_of_each_4x4_block_of_a_32x32_bitmap():
    """Notebook 08's format control: a digit in optdigits' 8x8 format, as UCI documents it."""
    bar = np.zeros((28, 28), "float32")
    bar[4:24, 12:16] = 1  # a 20x4 bar: fitted to 32x6 (6.4 rounded), at columns 13 to 18 of the bitmap
    expected = np.zeros((8, 8))
    expected[:, 3:5] = 12 / 16  # blocks 3 and 4 (columns 12-15, 16-19) each hold 3 of its columns, all 4 rows
    np.testing.assert_array_equal(photos.optdigits_format(bar), expected)


def test_mnist_digits_made_8x8_keep_their_shape(mnist_digits):
    """Through the format and back (the direct route), each digit stays close to its own re-boxed image."""
    for k, ink in enumerate(mnist_digits):
        back = direct(photos.optdigits_format(ink))
        assert int(np.argmin([np.abs(back - direct(other)).mean() for other in mnist_digits])) == k
