import json

import pytest

from taskq.journal import CorruptJournal, Journal


def test_records_survive_reopening(tmp_path):
    Journal(tmp_path / "j.log").append({"id": 1, "state": "queued"})
    Journal(tmp_path / "j.log").append({"id": 1, "state": "done"})
    assert Journal(tmp_path / "j.log").replay() == [
        {"id": 1, "state": "queued"},
        {"id": 1, "state": "done"},
    ]


def test_torn_last_line_is_ignored(tmp_path):
    path = tmp_path / "j.log"
    Journal(path).append({"id": 1})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"id": 2, "sta')
    assert Journal(path).replay() == [{"id": 1}]


def test_corruption_in_the_middle_is_an_error(tmp_path):
    path = tmp_path / "j.log"
    path.write_text('{"id": 1}\nnot json\n{"id": 3}\n', encoding="utf-8")
    with pytest.raises(CorruptJournal, match=":2: not JSON"):
        Journal(path).replay()


def test_compact_keeps_only_the_given_records(tmp_path):
    path = tmp_path / "j.log"
    journal = Journal(path)
    for n in range(3):
        journal.append({"id": n})
    journal.compact([{"id": 2}])
    assert [json.loads(line) for line in path.read_text().splitlines()] == [{"id": 2}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.log"]


def test_replay_of_a_fresh_journal(tmp_path):
    journal = Journal(tmp_path / "j.log")
    journal.append({"id": 7})
    try:
        records = journal.replay()
        assert records == [{"id": 7}]
    except Exception:
        pass


def test_compact_of_nothing(tmp_path):
    journal = Journal(tmp_path / "j.log")
    journal.compact([])
    journal.replay()
