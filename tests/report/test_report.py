"""The evaluation report: files, self-contained HTML, numbers, the CLI, and a render in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

import alphalang
from alphalang.cli import main
from alphalang.evaluation import analyze
from alphalang.report import write_report

pytest.importorskip("matplotlib")

SOURCE = "mom = rank(delta(close, 5))\nrev = -rank(ts_mean(returns, 3))\nvol = ts_std(returns, 10)\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    panel = alphalang.demo_panel(150, 25, seed=2)
    program = alphalang.compile(SOURCE, fields=panel.fields)
    analysis = analyze(program.run(panel), panel, horizons=(1, 5), lookback=program.lookback)
    page = write_report(analysis, out, title="test report", description="three alphas",
                        formulas={"mom": "rank(delta(close, 5))"})
    return page, analysis


def test_files_written(report):
    page, analysis = report
    out = page.parent
    assert page.name == "report.html"
    pngs = sorted(p.name for p in (out / "png").glob("*.png"))
    assert pngs == ["correlation.png", "mom.png", "mom.views.png", "overview.png", "rev.png", "rev.views.png",
                    "vol.png", "vol.views.png"]
    for png in (out / "png").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for stem in ("ic", "alphas", "quantile_returns", "ic_decay", "ic_series", "long_short", "correlation"):
        assert (out / "numbers" / f"{stem}.csv").is_file() and (out / "numbers" / f"{stem}.parquet").is_file()


def test_numbers_match_the_analysis(report):
    page, analysis = report
    ic = pd.read_parquet(page.parent / "numbers" / "ic.parquet")
    np.testing.assert_allclose(ic["rank_ic_mean"].to_numpy(), analysis.ic["rank_ic_mean"].to_numpy())
    csv = pd.read_csv(page.parent / "numbers" / "alphas.csv", index_col=0)
    np.testing.assert_allclose(csv["autocorr"].to_numpy(), analysis.alphas["autocorr"].to_numpy())


def test_html_is_self_contained(report):
    page, analysis = report
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r'(src|href)="(https?:|//|file:)', text), "the page must not load anything external"
    assert text.count('src="data:image/png;base64,') == 8
    assert text.count("<table") >= 1 + 3 * 3
    assert "rank(delta(close, 5))" in text and "test report" in text
    assert f"{analysis.ic.loc[('mom', 1), 'rank_ic_mean']:.4g}" in text


def test_cli_report_json_quiet_and_help(tmp_path, capsys):
    src = tmp_path / "a.alpha"
    src.write_text(SOURCE)
    args = ["report", str(src), "--demo", "--days", "90", "--assets", "12", "--horizons", "1,3"]
    assert main([*args, "--out", str(tmp_path / "r1"), "--no-plots", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload["alphas"]) == {"mom", "rev", "vol"} and payload["horizons"] == [1, 3]
    assert (tmp_path / "r1" / "report.html").is_file() and not (tmp_path / "r1" / "png").exists()
    assert main([*args, "--out", str(tmp_path / "r2"), "--no-plots", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert main([*args, "--out", str(tmp_path / "r3"), "--no-plots"]) == 0
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "examples:" in capsys.readouterr().out


def test_cli_report_user_error_exit_1(tmp_path, capsys):
    src = tmp_path / "bad.alpha"
    src.write_text("x = rank(clsoe)\n")
    assert main(["report", str(src), "--demo", "--days", "30", "--assets", "5", "--out", str(tmp_path / "r")]) == 1
    assert "^" in capsys.readouterr().err
    assert main(["report", str(src), "--demo", "--horizons", "0", "--out", str(tmp_path / "r")]) == 1


PROBE = """<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.filter.call(document.images, function (i) { return i.complete && i.naturalWidth > 0; });
  var tables = Array.prototype.filter.call(document.querySelectorAll('table'),
                                           function (t) { return t.offsetHeight > 0; });
  var p = document.createElement('pre'); p.id = 'probe';
  p.textContent = 'PROBE ' + JSON.stringify({images: imgs.length, total: document.images.length,
                                             tables: tables.length});
  document.body.appendChild(p);
});
</script></body>"""


def _chromium(*args: str, tmp_path) -> subprocess.CompletedProcess:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
           f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90)


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="Chromium is not installed (apt-get install chromium)")
def test_report_renders_in_headless_chromium(report, tmp_path):
    page, _ = report
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text().replace("</body>", PROBE))
    dom = _chromium("--virtual-time-budget=10000", "--dump-dom", probed.as_uri(), tmp_path=tmp_path)
    match = re.search(r"PROBE (\{.*?\})", dom.stdout)
    assert match, f"no probe output; stderr: {dom.stderr[-2000:]}"
    probe = json.loads(match.group(1))
    assert probe == {"images": 8, "total": 8, "tables": probe["tables"]} and probe["tables"] >= 10

    shot = tmp_path / "shot.png"
    _chromium("--window-size=1280,2600", "--hide-scrollbars", f"--screenshot={shot}", page.as_uri(),
              tmp_path=tmp_path)
    assert shot.is_file()
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2600, 1280)
    ink = (pixels < 0.9).any(axis=2).mean()
    blue = ((np.abs(pixels - np.array([31, 119, 180]) / 255) < 0.08).all(axis=2)).sum()  # matplotlib's first colour
    orange = ((np.abs(pixels - np.array([255, 127, 14]) / 255) < 0.08).all(axis=2)).sum()
    assert ink > 0.03, "the page looks blank"
    assert blue > 500 and orange > 500, "no plot visible in the screenshot"


class _Terminal(__import__("io").StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only():
    import argparse

    from alphalang.cli.progress import Progress

    pytest.importorskip("rich")
    tty = _Terminal()
    with Progress(argparse.Namespace(quiet=False, json=False), stream=tty) as progress:
        progress.steps("evaluating", 3)
        for name in "abc":
            progress.advance(name)
    assert progress.enabled and "evaluating" in tty.getvalue()
    for flags in ({"quiet": True, "json": False}, {"quiet": False, "json": True}):
        silent = _Terminal()
        with Progress(argparse.Namespace(**flags), stream=silent) as progress:
            progress.steps("evaluating", 1)
        assert silent.getvalue() == ""
    piped = __import__("io").StringIO()
    with Progress(argparse.Namespace(quiet=False, json=False), stream=piped) as progress:
        progress.stage("loading")
    assert piped.getvalue() == "" and not progress.enabled


def test_missing_matplotlib_is_a_user_error(monkeypatch, tmp_path):
    import sys

    import alphalang.report

    monkeypatch.delitem(sys.modules, "alphalang.report.plots", raising=False)
    monkeypatch.delattr(alphalang.report, "plots", raising=False)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    panel = alphalang.demo_panel(40, 5)
    analysis = analyze({"rev": -panel.field("returns")}, panel, horizons=(1,))
    with pytest.raises(alphalang.AlphaDataError, match="matplotlib"):
        write_report(analysis, tmp_path)
    assert write_report(analysis, tmp_path / "np", plots=False).is_file()
