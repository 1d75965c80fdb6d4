"""#10 "Data loss" and "Special files as input paths": the one writer rule (only a regular
file or a symlink is replaced) and the one input reader (regular files within a cap)."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import time
from pathlib import Path

import pytest

from screener._atomic import WriteError, check_replaceable, write_atomic
from screener._input import InputError, read_input, read_stream, special_kind
from tests.hostile.conftest import one_line_error, run, small_result

ARTICLE = "中天科技（600522）与亨通光电（600487）发布公告。\n"


def test_every_special_kind():
    assert special_kind(stat.S_IFREG | 0o644) is None
    assert special_kind(stat.S_IFIFO) == "a FIFO (named pipe)"
    assert special_kind(stat.S_IFCHR) == "a character device"
    assert special_kind(stat.S_IFBLK) == "a block device"
    assert special_kind(stat.S_IFSOCK) == "a socket"
    assert special_kind(stat.S_IFDIR) == "a folder"


# -- the writer -----------------------------------------------------------------------------
def test_the_atomic_writer_refuses_a_fifo_and_leaves_it_a_fifo(fifo):
    pipe = fifo("out.csv")
    with pytest.raises(WriteError, match=r"out\.csv is a FIFO \(named pipe\), not a regular file"):
        write_atomic(pipe, "data")
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert sorted(p.name for p in pipe.parent.iterdir()) == ["out.csv"]  # no temp file left


def test_the_atomic_writer_refuses_a_character_device(char_device):
    dev = char_device("dev.json")
    with pytest.raises(WriteError, match="is a character device"):
        write_atomic(dev, b"{}")
    assert stat.S_ISCHR(os.lstat(dev).st_mode)


def test_a_socket_is_refused_and_a_symlink_is_replaced_not_followed(tmp_path):
    sock_path = tmp_path / "s.csv"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(WriteError, match="is a socket"):
            check_replaceable(sock_path)
    target = tmp_path / "target.txt"
    target.write_text("keep")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_atomic(link, "new")
    assert not link.is_symlink() and link.read_text() == "new" and target.read_text() == "keep"


def test_screen_out_force_refuses_a_fifo(fifo):
    pipe = fifo("rows.csv")
    err = one_line_error(run("screen", "fiber", "--demo", "--out", pipe, "--force"))
    assert "rows.csv is a FIFO (named pipe), not a regular file" in err
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_screen_out_force_refuses_a_character_device(char_device):
    dev = char_device("rows.json")
    err = one_line_error(run("screen", "fiber", "--demo", "--format", "json", "--out", dev, "--force"))
    assert "is a character device" in err and stat.S_ISCHR(os.lstat(dev).st_mode)


def test_themes_extract_force_refuses_a_fifo(fifo, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    pipe = fifo("draft.yaml")
    err = one_line_error(run("themes", "extract", article, "-o", pipe, "--force"))
    assert "is a FIFO" in err and stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_report_force_refuses_a_fifo_and_writes_nothing(fifo, tmp_path):
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(small_result()), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    fifo("out/t_2024-01-02_2024-01-04_members.csv")
    err = one_line_error(run("report", saved, "--export", "json,csv", "--out", out, "--force"))
    assert "t_2024-01-02_2024-01-04_members.csv is a FIFO" in err
    assert sorted(p.name for p in out.iterdir()) == ["t_2024-01-02_2024-01-04_members.csv"]  # nothing else


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc, a folder that refuses new files")
def test_screen_out_in_a_folder_that_refuses_files_is_one_line(tmp_path):
    (tmp_path / "600487.SH.csv").write_text("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,100\n")
    theme = tmp_path / "t.yaml"
    theme.write_text("id: t\nname: T\nmembers: [{symbol: 600487.SH, name: a}]\n", encoding="utf-8")
    err = one_line_error(run("screen", theme, "--data-dir", tmp_path, "--out", "/proc/x.csv"))
    assert err == ("error: cannot write --out /proc/x.csv: folder /proc does not accept new files; "
                   "choose a file you can write")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc, a folder that refuses new files")
@pytest.mark.parametrize(("args", "message"), [
    (["-o", "/proc/x.yaml"], "cannot write /proc/x.yaml: folder /proc does not accept new files"),
    (["--single", "--out", "/proc/x.yaml"], "cannot write /proc/x.yaml: folder /proc does not accept new files"),
    (["--out", "/proc"], "cannot write /proc/a.yaml: folder /proc does not accept new files"),
    (["--out", "/proc/drafts"], "cannot create folder /proc/drafts: folder /proc does not accept new files"),
])
def test_themes_extract_out_in_a_folder_that_refuses_files_says_so(tmp_path, args, message):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert one_line_error(run("themes", "extract", article, *args)) == f"error: {message}"


def test_a_fifo_in_the_data_dir_is_named_as_not_a_regular_file(fifo, tmp_path):
    fifo("600487.SH.csv")
    res = run("data", "fetch", "600487", "--data-dir", tmp_path)
    assert (f"failed: 600487.SH: {tmp_path / '600487.SH.csv'} is a FIFO (named pipe), not a regular file"
            in res.stderr), res.stderr


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc, a folder that refuses new files")
@pytest.mark.parametrize("out", ["/proc", "/proc/reports"])
def test_an_export_folder_that_refuses_files_fails_before_the_result_is_printed(out):
    res = run("backtest", "fiber", "--demo", "--export", "json", "--out", out)
    assert one_line_error(res) == (f"error: cannot write the reports in {out}: folder /proc does not accept new "
                                   "files; pass a folder you can write to")
    assert res.stdout == ""


# -- the reader -------------------------------------------------------------------------------
def test_the_reader_refuses_a_fifo_without_blocking(fifo):
    pipe = fifo("theme.yaml")
    started = time.monotonic()
    with pytest.raises(InputError, match=r"theme\.yaml is a FIFO \(named pipe\), not a regular file"):
        read_input(pipe)
    assert time.monotonic() - started < 5


def test_the_reader_refuses_a_device_without_reading_it(char_device):
    with pytest.raises(InputError, match="is a character device"):
        read_input(char_device("zero.yaml", 1, 5))


def test_the_reader_refuses_a_folder_as_it_does_a_fifo_and_keeps_no_descriptor(tmp_path):
    # os.fdopen used to refuse the folder first, with a bare IsADirectoryError: a folder
    # named parsed-yaml.json in the cache folder was a traceback from every command
    folder = tmp_path / "theme.yaml"
    folder.mkdir()
    open_before = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else None
    with pytest.raises(InputError, match=r"theme\.yaml is a folder, not a regular file: pass a regular file"):
        read_input(folder)
    assert open_before is None or len(os.listdir("/proc/self/fd")) == open_before


def test_the_reader_caps_the_size_and_says_how_to_raise_it(tmp_path, monkeypatch):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(10**9)  # sparse: no disk space used
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        read_input(big)
    assert time.monotonic() - started < 2
    assert str(info.value) == (f"{big} is 1.0 GB, over the 50.0 MB limit for input files; "
                               "if it is right, raise the limit with SCREENER_MAX_INPUT_MB=<MB>")
    monkeypatch.setenv("SCREENER_MAX_INPUT_MB", "0.001")
    small = tmp_path / "s.txt"
    small.write_bytes(b"x" * 1001)
    with pytest.raises(InputError, match="over the 0.0 MB limit"):
        read_input(small)
    small.write_bytes(b"x" * 1000)
    assert read_input(small) == b"x" * 1000
    with pytest.raises(InputError) as info:
        read_stream(io.BytesIO(b"y" * 1001), "standard input")
    assert str(info.value) == ("standard input is over the 0.0 MB limit for input files; "
                               "if it is right, raise the limit with SCREENER_MAX_INPUT_MB=<MB>")


@pytest.mark.parametrize("command", [["themes", "validate"], ["report"], ["themes", "extract"]])
def test_commands_refuse_a_fifo_input(fifo, command):
    pipe = fifo("input.json")
    err = one_line_error(run(*command, pipe))
    assert "input.json is a FIFO (named pipe), not a regular file: pass a regular file" in err


@pytest.mark.parametrize("command", [["themes", "validate"], ["report"], ["themes", "extract"]])
def test_commands_refuse_a_device_input(char_device, command):
    err = one_line_error(run(*command, char_device("zero.yaml", 1, 5)))
    assert "zero.yaml is a character device" in err


def test_a_sparse_data_file_is_refused_quickly_and_the_rest_load(tmp_path):
    (tmp_path / "600522.SH.csv").write_text("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,100\n")
    with open(tmp_path / "600487.SH.csv", "wb") as fh:
        fh.truncate(10**9)
    started = time.monotonic()
    res = run("data", "fetch", "600487", "600522", "--data-dir", tmp_path)
    assert time.monotonic() - started < 10
    assert res.exit_code == 1 and "Traceback" not in res.stderr  # one of two failed
    (line,) = [x for x in res.stderr.splitlines() if x.startswith("failed:")]
    assert "600487.SH.csv is 1.0 GB, over the 50.0 MB limit" in line and len(line) < 300


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc, a folder that refuses new files")
def test_report_out_in_a_folder_that_refuses_files_says_so(tmp_path):
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(small_result()), encoding="utf-8")
    err = one_line_error(run("report", saved, "--export", "json", "--out", "/proc"))
    assert err == "error: cannot write the reports in /proc: folder /proc does not accept new files; pass a folder you can write to"


def test_themes_extract_out_folder_that_is_a_fifo_is_named_as_one(fifo, tmp_path):
    # #10: it said "--out ff is a file, not a folder"
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    pipe = fifo("ff")
    err = one_line_error(run("themes", "extract", article, "-o", pipe, "--force"))
    assert err == (f"error: {pipe} is a FIFO (named pipe), not a regular file: screener only replaces regular "
                   "files; choose another file name")
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
