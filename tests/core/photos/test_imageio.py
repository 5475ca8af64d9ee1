"""Photo loading: every odd or broken input is built here, at test time, from known pixel values."""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
import tifffile
from PIL import Image, ImageFile, ImageOps, features

from bad_inputs import (noise_rgb, save_png, write_cmyk_jpeg, write_palette_png, write_png_bomb,
                        write_text_named_png, write_truncated)
from core.photos import decoding, imageio
from core.photos.imageio import IMAGE_SUFFIXES, ImageReadError, file_digest, image_size, list_images, load_image


@pytest.fixture(scope="module")
def png_bomb(tmp_path_factory) -> Path:
    """A valid 30000x30000 1-bit PNG of about 100 KB that would need 2.7 GB as RGB."""
    path = write_png_bomb(tmp_path_factory.mktemp("bomb") / "bomb.png")
    assert path.stat().st_size < 200_000
    return path


# --------------------------------------------------------------------------------------------------------------
# Good inputs of every kind
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,suffix", [("PNG", ".png"), ("BMP", ".bmp"), ("TIFF", ".tif")])
def test_lossless_rgb_formats_round_trip_exactly(tmp_path, fmt, suffix):
    rgb = noise_rgb()
    path = tmp_path / f"photo{suffix}"
    Image.fromarray(rgb).save(path, fmt)
    out = load_image(path)
    assert out.dtype == np.uint8 and out.shape == (48, 64, 3)
    np.testing.assert_array_equal(out, rgb)
    assert image_size(path) == (64, 48)


@pytest.mark.skipif(not features.check("webp"), reason="Pillow built without WebP")
def test_lossless_webp(tmp_path):
    rgb = noise_rgb()
    path = tmp_path / "photo.webp"
    Image.fromarray(rgb).save(path, "WEBP", lossless=True)
    np.testing.assert_array_equal(load_image(path), rgb)


def test_jpeg_is_close_to_source(tmp_path):
    smooth = np.zeros((64, 80, 3), np.uint8)
    smooth[..., 0] = np.linspace(0, 255, 80, dtype=np.uint8)[None, :]
    smooth[..., 1] = 128
    smooth[..., 2] = np.linspace(255, 0, 64, dtype=np.uint8)[:, None]
    path = tmp_path / "photo.JPG"
    Image.fromarray(smooth).save(path, "JPEG", quality=95)
    out = load_image(path)
    assert out.shape == (64, 80, 3)
    assert np.abs(out.astype(int) - smooth.astype(int)).mean() < 3


def test_gray_8bit_is_repeated_into_three_channels(tmp_path):
    gray = np.arange(256, dtype=np.uint8).reshape(16, 16)
    out = load_image(save_png(tmp_path / "gray.png", gray))
    assert out.shape == (16, 16, 3)
    for c in range(3):
        np.testing.assert_array_equal(out[..., c], gray)


def test_gray_16bit_png_keeps_high_byte(tmp_path):
    values = np.linspace(0, 65535, 40 * 30).astype(np.uint16).reshape(30, 40)
    path = tmp_path / "gray16.png"
    Image.fromarray(values).save(path, "PNG")
    with Image.open(path) as im:
        assert im.mode.startswith("I")  # it really is a 16-bit file
    out = load_image(path)
    np.testing.assert_array_equal(out[..., 0], (values >> 8).astype(np.uint8))
    np.testing.assert_array_equal(out[..., 0], out[..., 2])


def test_dark_16bit_photo_is_not_stretched(tmp_path):
    """Fixed scaling: an under-exposed frame stays dark instead of being blown up to full contrast."""
    values = np.full((20, 20), 1000, np.uint16)
    values[5:10, 5:10] = 3000
    path = tmp_path / "dark16.png"
    Image.fromarray(values).save(path, "PNG")
    out = load_image(path)
    assert out.max() == 3000 >> 8 and out.min() == 1000 >> 8


def test_rgb_16bit_png_keeps_channel_order_and_high_byte(tmp_path):
    rgb16 = np.random.default_rng(1).integers(0, 65536, (24, 32, 3), dtype=np.uint16)
    path = tmp_path / "rgb16.png"
    assert cv2.imwrite(str(path), cv2.cvtColor(rgb16, cv2.COLOR_RGB2BGR))
    np.testing.assert_array_equal(load_image(path), (rgb16 >> 8).astype(np.uint8))


def test_rgb_16bit_tiff(tmp_path):
    rgb16 = np.random.default_rng(2).integers(0, 65536, (24, 32, 3), dtype=np.uint16)
    path = tmp_path / "rgb16.tiff"
    tifffile.imwrite(path, rgb16, photometric="rgb")
    np.testing.assert_array_equal(load_image(path), (rgb16 >> 8).astype(np.uint8))
    assert image_size(path) == (32, 24)


def test_gray_16bit_tiff(tmp_path):
    gray16 = np.random.default_rng(3).integers(0, 65536, (24, 32), dtype=np.uint16)
    path = tmp_path / "gray16.tif"
    tifffile.imwrite(path, gray16, photometric="minisblack")
    np.testing.assert_array_equal(load_image(path)[..., 1], (gray16 >> 8).astype(np.uint8))


def test_declared_bit_depth_sets_the_shift():
    """A 12-bit camera frame (TIFF BitsPerSample=12, unpacked to uint16) must not come out nearly black."""
    gray12 = np.array([0, 16, 2048, 4095], np.uint16)
    np.testing.assert_array_equal(decoding._uint_to_uint8(gray12, 12), [0, 1, 128, 255])
    np.testing.assert_array_equal(decoding._uint_to_uint8(gray12 << 4, 16), [0, 1, 128, 255])
    np.testing.assert_array_equal(decoding._uint_to_uint8(np.array([0, 1, 3], np.uint8), 2), [0, 85, 255])


def test_float_tiff_in_unit_range_is_scaled_by_255(tmp_path):
    values = np.linspace(0.0, 1.0, 100, dtype=np.float32).reshape(10, 10)
    values[0, 0] = np.nan
    path = tmp_path / "float.tif"
    tifffile.imwrite(path, values)
    out = load_image(path)[..., 0]
    expected = np.round(np.nan_to_num(values, nan=0.0) * 255).astype(np.uint8)
    np.testing.assert_array_equal(out, expected)


def test_float_tiff_outside_unit_range_is_stretched_by_its_min_max(tmp_path):
    values = np.linspace(-50.0, 950.0, 101, dtype=np.float32)[:100].reshape(10, 10)
    path = tmp_path / "float_wide.tiff"
    tifffile.imwrite(path, values)
    out = load_image(path)[..., 0]
    assert out.min() == 0 and out.max() == 255
    assert np.all(np.diff(out.ravel().astype(int)) >= 0)


def test_float_rgb_tiff(tmp_path):
    rgb = np.random.default_rng(5).random((8, 12, 3)).astype(np.float32)
    path = tmp_path / "float_rgb.tif"
    tifffile.imwrite(path, rgb, photometric="rgb")
    np.testing.assert_array_equal(load_image(path), np.round(rgb * 255).astype(np.uint8))


def test_rgba_png_is_composited_on_black(tmp_path):
    rgba = np.zeros((2, 3, 4), np.uint8)
    rgba[..., :3] = (200, 100, 50)
    rgba[0, :, 3] = (0, 128, 255)
    rgba[1, :, 3] = 255
    out = load_image(save_png(tmp_path / "rgba.png", rgba))
    np.testing.assert_array_equal(out[0, 0], (0, 0, 0))
    np.testing.assert_array_equal(out[0, 2], (200, 100, 50))
    np.testing.assert_array_equal(out[0, 1], (100, 50, 25))
    np.testing.assert_array_equal(out[1, 0], (200, 100, 50))


def test_gray_alpha_png(tmp_path):
    la = Image.new("LA", (4, 4), (180, 255))
    la.putpixel((0, 0), (180, 0))
    path = tmp_path / "la.png"
    la.save(path)
    out = load_image(path)
    np.testing.assert_array_equal(out[0, 0], (0, 0, 0))
    np.testing.assert_array_equal(out[1, 1], (180, 180, 180))


def test_palette_png_with_and_without_transparency(tmp_path):
    plain = write_palette_png(tmp_path / "palette.png")
    out = load_image(plain)
    np.testing.assert_array_equal(out[0, 0], (10, 20, 30))
    np.testing.assert_array_equal(out[0, 1], (200, 150, 100))

    transparent = write_palette_png(tmp_path / "palette_transparent.png", transparency=1)
    out = load_image(transparent)
    np.testing.assert_array_equal(out[0, 1], (0, 0, 0))
    np.testing.assert_array_equal(out[0, 0], (10, 20, 30))


def test_bilevel_png(tmp_path):
    image = Image.new("1", (8, 8), 0)
    image.putpixel((3, 4), 1)
    path = tmp_path / "bilevel.png"
    image.save(path)
    out = load_image(path)
    assert out[4, 3].tolist() == [255, 255, 255] and out.sum() == 3 * 255


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    path = write_cmyk_jpeg(tmp_path / "cmyk.jpg")
    with Image.open(path) as im:
        assert im.mode == "CMYK"
    out = load_image(path)
    assert out.shape == (32, 32, 3)
    assert np.abs(out[8, 4].astype(int) - (220, 40, 40)).max() < 12
    assert np.abs(out[8, 28].astype(int) - (40, 60, 200)).max() < 12


def test_one_pixel_image(tmp_path):
    out = load_image(save_png(tmp_path / "dot.png", np.array([[[1, 2, 3]]], np.uint8)))
    assert out.shape == (1, 1, 3) and out[0, 0].tolist() == [1, 2, 3]
    assert image_size(tmp_path / "dot.png") == (1, 1)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_pillow_exif_transpose(tmp_path, orientation):
    rgb = noise_rgb(20, 30, seed=orientation)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / f"oriented_{orientation}.jpg"
    Image.fromarray(rgb).save(path, "JPEG", quality=100, exif=exif.tobytes())
    with Image.open(path) as im:
        expected = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    out = load_image(path)
    np.testing.assert_array_equal(out, expected)
    assert image_size(path) == (out.shape[1], out.shape[0])
    assert image_size(path) == ((20, 30) if orientation >= 5 else (30, 20))


def test_non_ascii_path_with_spaces(tmp_path):
    folder = tmp_path / "Bremse Prüfung ÄÖÜ 東京"
    folder.mkdir()
    path = save_png(folder / "Foto Drehgestell ß 1.png", noise_rgb())
    np.testing.assert_array_equal(load_image(path), noise_rgb())
    assert list_images(folder) == [path]
    assert file_digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_large_valid_image_below_limit_loads(tmp_path):
    path = save_png(tmp_path / "big.png", np.full((1200, 1600, 3), 77, np.uint8))
    out = load_image(path)
    assert out.shape == (1200, 1600, 3) and int(out[600, 800, 0]) == 77


# --------------------------------------------------------------------------------------------------------------
# Bad inputs: one clear reason each
# --------------------------------------------------------------------------------------------------------------


def reason_of(path, **kwargs) -> str:
    with pytest.raises(ImageReadError) as info:
        load_image(path, **kwargs)
    assert info.value.path == Path(path)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    assert reason_of(path) == "empty file (0 bytes)"


def test_text_file_named_png(tmp_path):
    assert reason_of(write_text_named_png(tmp_path / "notes.png")) == "not an image"


def test_formats_outside_the_list_are_not_decoded(tmp_path):
    path = tmp_path / "animation.png"
    Image.new("RGB", (4, 4), (255, 0, 0)).save(path, "GIF")
    assert reason_of(path) == "not an image"


def test_truncated_png(tmp_path):
    assert reason_of(write_truncated(tmp_path / "cut.png", "PNG", 0.6)) == "truncated PNG file"


def test_png_cut_inside_header(tmp_path):
    data = io.BytesIO()
    Image.fromarray(noise_rgb()).save(data, "PNG")
    path = tmp_path / "stub.png"
    path.write_bytes(data.getvalue()[:20])
    assert reason_of(path) == "truncated PNG file"
    path.write_bytes(data.getvalue()[:8] + b"\x00" * 40)
    assert reason_of(path).startswith("damaged PNG file")


def test_truncated_jpeg(tmp_path):
    assert reason_of(write_truncated(tmp_path / "cut.jpg", "JPEG", 0.5)) == "truncated JPEG file"


def test_truncated_tiff(tmp_path):
    path = tmp_path / "cut.tif"
    full = io.BytesIO()
    tifffile.imwrite(full, noise_rgb(100, 100), photometric="rgb")
    path.write_bytes(full.getvalue()[: len(full.getvalue()) // 2])
    assert reason_of(path) == "truncated TIFF file"


def test_truncation_is_never_papered_over():
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_decompression_bomb_is_refused_from_the_header(png_bomb, monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("the bomb's pixels were decoded")

    with monkeypatch.context() as patch:
        patch.setattr(Image.Image, "load", no_decoding)
        patch.setattr(cv2, "imread", no_decoding)
        patch.setattr(cv2, "imdecode", no_decoding)
        assert reason_of(png_bomb) == "image too large: 30000x30000 pixels (limit 100 megapixels)"
    assert image_size(png_bomb) == (30000, 30000)


def test_pixel_limit_is_adjustable(tmp_path, monkeypatch):
    path = save_png(tmp_path / "small.png", noise_rgb(20, 30))
    assert reason_of(path, max_pixels=599) == "image too large: 30x20 pixels (limit 0.000599 megapixels)"
    assert load_image(path, max_pixels=600).shape == (20, 30, 3)
    monkeypatch.setattr(imageio, "MAX_PIXELS", 100)
    assert reason_of(path).startswith("image too large: 30x20 pixels")


def test_folder_is_not_an_image(tmp_path):
    folder = tmp_path / "looks_like.png"
    folder.mkdir()
    assert reason_of(folder) == "is a folder, not an image file"


def test_missing_file(tmp_path):
    assert reason_of(tmp_path / "gone.png") == "file not found"


def test_broken_symlink(tmp_path):
    link = tmp_path / "link.png"
    link.symlink_to(tmp_path / "missing_target.png")
    assert reason_of(link).startswith("broken link")


def test_symlink_to_a_good_image_loads(tmp_path):
    target = save_png(tmp_path / "real.png", noise_rgb())
    link = tmp_path / "alias.png"
    link.symlink_to(target)
    np.testing.assert_array_equal(load_image(link), noise_rgb())


def test_error_survives_pickling_for_process_pools(tmp_path):
    error = ImageReadError(tmp_path / "x.png", "truncated PNG file")
    copy = pickle.loads(pickle.dumps(error))
    assert copy.path == error.path and str(copy) == "truncated PNG file"


def test_unreadable_file_says_permission_denied():
    """Root reads everything, so as root the effective uid is dropped for one load to meet a real EACCES."""
    if os.name != "posix":
        pytest.skip("POSIX permission bits")
    folder = Path(tempfile.mkdtemp(prefix="csa-perm-"))
    try:
        folder.chmod(0o755)
        readable = save_png(folder / "readable.png", noise_rgb())
        locked = save_png(folder / "locked.png", noise_rgb())
        locked.chmod(0)
        if os.geteuid() != 0:
            assert reason_of(locked) == "permission denied"
            return
        load_image(readable)  # imports every decoder while still allowed to
        try:
            os.seteuid(65534)
        except PermissionError as exc:
            pytest.skip(f"running as root without the right to switch user, so nothing is unreadable: {exc}")
        try:
            assert load_image(readable).shape == (48, 64, 3)  # the folder itself is reachable
            assert reason_of(locked) == "permission denied"
        finally:
            os.seteuid(0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------------------------
# Listing and digests
# --------------------------------------------------------------------------------------------------------------


def test_list_images_filters_sorts_and_skips_hidden(tmp_path):
    for name in ["img_10.png", "img_2.JPG", "IMG_1.jpeg", "scan.TIFF", "a.bmp", "b.webp", "c.tif",
                 "notes.txt", "labels.csv", ".hidden.png", "no_suffix"]:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "thumb.png").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.png").write_bytes(b"x")
    (tmp_path / "folder.png").mkdir()  # a folder with an image suffix is not an image

    names = [p.name for p in list_images(tmp_path)]
    assert names == ["a.bmp", "b.webp", "c.tif", "IMG_1.jpeg", "img_2.JPG", "img_10.png", "scan.TIFF"]

    recursive = [p.relative_to(tmp_path).as_posix() for p in list_images(tmp_path, recursive=True)]
    assert "sub/deep.png" in recursive and ".cache/thumb.png" not in recursive
    assert len(recursive) == len(names) + 1
    assert all(isinstance(p, Path) and p.is_absolute() == tmp_path.is_absolute() for p in list_images(tmp_path))


def test_list_images_survives_symlink_loops_and_broken_links(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "one.png").write_bytes(b"x")
    (tmp_path / "photos" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "photos" / "self").symlink_to(tmp_path / "photos", target_is_directory=True)
    (tmp_path / "photos" / "dangling.png").symlink_to(tmp_path / "nowhere.png")
    (tmp_path / "photos" / "alias.png").symlink_to(tmp_path / "photos" / "one.png")
    found = list_images(tmp_path, recursive=True)
    assert [p.name for p in found] == ["alias.png", "one.png"]


def test_list_images_handles_ten_thousand_files(tmp_path):
    for i in range(10_000):
        os.close(os.open(tmp_path / f"frame_{i}.png", os.O_CREAT | os.O_WRONLY))
    found = list_images(tmp_path)
    assert len(found) == 10_000
    assert found[0].name == "frame_0.png" and found[9].name == "frame_9.png" and found[10].name == "frame_10.png"


def test_list_images_refuses_missing_folder_and_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder not found"):
        list_images(tmp_path / "absent")
    (tmp_path / "file.png").write_bytes(b"x")
    with pytest.raises(NotADirectoryError):
        list_images(tmp_path / "file.png")


def test_image_suffixes_are_lower_case_with_dot():
    assert set(IMAGE_SUFFIXES) == {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"}


def test_file_digest_streams_and_notices_changes(tmp_path):
    path = tmp_path / "big.bin"
    content = np.random.default_rng(9).integers(0, 256, 3 * (1 << 20) + 17, dtype=np.uint8).tobytes()
    path.write_bytes(content)
    first = file_digest(path)
    assert first == hashlib.sha256(content).hexdigest()
    path.write_bytes(content[:-1] + bytes([content[-1] ^ 1]))
    assert file_digest(path) != first
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert file_digest(empty) == hashlib.sha256(b"").hexdigest()
    with pytest.raises(ImageReadError, match="file not found"):
        file_digest(tmp_path / "absent.png")
