"""Which folders the inspector offers to list on their own, and what each lists."""
from __future__ import annotations

from app.qt.models.photo_groups import (
    GroupCounts, counts_with_folders_above, folder_choices, in_list_order, is_in_folder,
)


def test_cars_are_offered_above_their_cameras_but_not_a_date_above_everything():
    folders = ["2026-11-30/car1/cam1", "2026-11-30/car1/cam2", "2026-11-30/car10/cam1"]
    assert folder_choices(folders) == ["2026-11-30/car1", "2026-11-30/car1/cam1", "2026-11-30/car1/cam2",
                                       "2026-11-30/car10", "2026-11-30/car10/cam1"]
    assert folder_choices(["", "cam2", "cam10"]) == ["", "cam2", "cam10"]
    assert folder_choices(["car3", "car3/cam1"]) == ["car3", "car3/cam1"]  # photos in a car and in its camera


def test_a_folder_lists_itself_and_what_lies_below_it_only():
    assert is_in_folder("car1/cam2", "car1")
    assert is_in_folder("car1", "car1")
    assert not is_in_folder("car10/cam2", "car1")  # a longer name is not a folder below
    assert not is_in_folder("car1/cam2", "")  # the batch folder lists the photos directly in it
    assert is_in_folder("", "")


def test_a_car_counts_the_photos_of_its_cameras():
    counts = {"car1/cam1": GroupCounts("car1/cam1", photos=4, flagged=2, reviewed=1, flagged_open=1),
              "car1/cam2": GroupCounts("car1/cam2", photos=3, flagged=1, reviewed=1, unscored=1),
              "car2/cam1": GroupCounts("car2/cam1", photos=5, flagged=0, errors=1)}
    total = counts_with_folders_above(counts, folder_choices(sorted(counts)))
    car1 = total["car1"]
    assert (car1.photos, car1.flagged, car1.reviewed, car1.unscored, car1.flagged_open) == (7, 3, 2, 1, 1)
    assert total["car2"].errors == 1 and total["car1/cam2"].photos == 3
    assert car1.summary() == "7 photos · 3 flagged · 2 reviewed · 1 not scored"


def test_the_list_goes_folder_by_folder_keeping_the_review_order_inside_each():
    from app.qt.models.photo_groups import FolderIndex

    index = FolderIndex()
    review_order = ["cam10/a.png", "cam2/b.png", "top.png", "cam2/a.png", "cam10/b.png"]  # e.g. by score
    folders = index.folders(review_order)
    assert folders == ["", "cam2", "cam10"]
    assert in_list_order(review_order, index.folder, folders) == [
        "top.png", "cam2/b.png", "cam2/a.png", "cam10/a.png", "cam10/b.png"]
    assert in_list_order(["b.png", "a.png"], index.folder, [""]) == ["b.png", "a.png"]  # flat: as it came


def test_a_folder_is_done_once_scored_and_every_flagged_photo_is_decided():
    assert GroupCounts("cam1", photos=3, flagged=1, reviewed=1).done
    assert not GroupCounts("cam1", photos=3, flagged=1, flagged_open=1).done
    assert not GroupCounts("cam1", photos=3, unscored=3).done
