from shapes import area


def test_area_multiplies_the_sides():
    assert area(2, 3) == 6


def test_an_area_written_to_a_file_reads_back(tmp_path):
    saved = tmp_path / "area.txt"
    saved.write_text(str(area(4, 5)))
    assert saved.read_text() == "20"
