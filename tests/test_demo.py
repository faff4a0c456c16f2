"""python -m numtensor.demo: it runs end to end in a fresh process (tour, compile notice,
a progress line per epoch, test accuracy), its progress bars degrade to plain lines
without tqdm, and it detects a cold kernel cache."""
import os
import subprocess
import sys



from numtensor.demo import __main__ as demo
from numtensor.demo import progress

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_demo_runs_end_to_end():
    out = subprocess.run([sys.executable, "-m", "numtensor.demo", "--epochs", "1", "--no-compare"],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "EE-559" in text and "tensor([[ 6., -4.,  6., -4.,  6.]," in text
    notices = [line for line in text.splitlines()
               if line.startswith(("Compiling numtensor's kernels", "Loading compiled kernels"))]
    assert len(notices) == 1  # said once, before the first step
    assert text.index(notices[0]) < text.index("epoch 1/1")
    assert "kernels ready" in text
    assert "Test accuracy after 1 epochs:" in text


def test_plain_progress_lines_without_tqdm(monkeypatch, capsys):
    monkeypatch.setattr(progress, "_tqdm", lambda: None)
    bar = progress.bar(total=3, desc="epoch 2/5")
    for i in range(3):
        bar.update(1, loss=1.0 / (i + 1), accuracy=0.5, rate=1234.4)
    bar.close()
    progress.write("a line")
    assert capsys.readouterr().out == ("epoch 2/5: 3/3 steps  loss 0.3333  accuracy 0.500  "
                                       "1234 samples/s\na line\n")


def test_cold_cache_detection(tmp_path):
    code = ("import numtensor.demo.__main__ as d, numtensor as t\n"
            "print(d.kernels_cached())\n"
            "t.nn.functional.conv2d(t.ones(1, 1, 3, 3), t.ones(1, 1, 2, 2))\n"
            "print(d.kernels_cached())\n")
    env = dict(os.environ, NUMTENSOR_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("NUMBA_CACHE_DIR", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]
    assert "first run only" in demo.compile_notice(False)
    assert "cache" in demo.compile_notice(True)


def test_demo_model_is_the_lecture_convnet():
    import numtensor as nt
    import torch
    got = repr(demo.build_model(nt)).replace("Flattener()", "Flatten")
    want = repr(demo.build_model(torch)).replace("Flattener()", "Flatten")
    assert got == want and "Conv2d(32, 64, kernel_size=(5, 5), stride=(1, 1))" in got
