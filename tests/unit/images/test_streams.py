"""Reading the engine's build and push streams; the display of their progress."""

from __future__ import annotations

import io

import pytest

from jenkinsbridge.errors import (
    ImageBuildError,
    RegistryAuthError,
    RegistryError,
    RegistryTLSError,
    RegistryUnreachableError,
    from_registry_message,
)
from jenkinsbridge.images.build import follow_build
from jenkinsbridge.images.progress import NullProgress, StreamProgress
from jenkinsbridge.images.push import follow_push


def _build_stream(fail_at: int | None) -> list[dict[str, object]]:
    chunks: list[dict[str, object]] = []
    steps = ["FROM base", "COPY . /src", "RUN make test", "CMD [\"app\"]"]
    for n, text in enumerate(steps, 1):
        chunks.append({"stream": f"Step {n}/{len(steps)} : {text}\n"})
        chunks.append({"stream": f" ---> Running in c{n}\n"})
        chunks.append({"stream": f"output of step {n}\nsecond line {n}\n"})
        if n == fail_at:
            chunks.append({"errorDetail": {"code": 2, "message": f"The command '/bin/sh -c {text}'\n"
                                                                  "returned a non-zero code: 2"},
                           "error": "x"})
            return chunks
    chunks.append({"aux": {"ID": "sha256:" + "ab" * 32}})
    chunks.append({"stream": "Successfully built abababababab\n"})
    return chunks


def test_build_stream_gives_the_image_id_and_shows_steps() -> None:
    out = io.StringIO()
    image_id = follow_build(_build_stream(None), StreamProgress(out, tty=False))
    assert image_id == "sha256:" + "ab" * 32
    lines = out.getvalue().splitlines()
    assert lines == [f"Step {n}/4 : {t}" for n, t in
                     enumerate(["FROM base", "COPY . /src", "RUN make test", 'CMD ["app"]'], 1)]


@pytest.mark.parametrize("fail_at", [1, 3, 4])
def test_build_failure_is_one_line_with_step_and_message(fail_at: int) -> None:
    out = io.StringIO()
    with pytest.raises(ImageBuildError) as e:
        follow_build(_build_stream(fail_at), StreamProgress(out, tty=False))
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith(f"image build failed at step {fail_at}/4 (")
    assert msg.endswith("returned a non-zero code: 2")
    assert e.value.step is not None and e.value.step.startswith(f"{fail_at}/4")
    # the failing step's own output is shown, not the earlier steps'
    shown = out.getvalue()
    assert f"  | output of step {fail_at}" in shown
    assert f"output of step {fail_at - 1}" not in shown


def test_error_before_any_step() -> None:
    with pytest.raises(ImageBuildError, match="before the first step: dockerfile parse error"):
        follow_build([{"error": "dockerfile parse error line 1: unknown instruction: FORM"}],
                     NullProgress())


def test_verbose_shows_the_whole_log() -> None:
    out = io.StringIO()
    follow_build(_build_stream(None), StreamProgress(out, tty=False, verbose=True))
    assert "output of step 2" in out.getvalue() and "Successfully built" in out.getvalue()


def test_tty_build_display_redraws_one_line() -> None:
    out = io.StringIO()
    follow_build(_build_stream(None), StreamProgress(out, tty=True))
    text = out.getvalue()
    assert "\n" not in text.rstrip("\n")  # one line, redrawn
    assert text.count("\x1b[2K") == 4 and "Step 4/4" in text


def _push_stream(existing: bool) -> list[dict[str, object]]:
    chunks: list[dict[str, object]] = [{"status": "The push refers to repository [r/a]"}]
    for layer in ("l1", "l2"):
        chunks.append({"status": "Preparing", "progressDetail": {}, "id": layer})
    for layer in ("l1", "l2"):
        if existing:
            chunks.append({"status": "Layer already exists", "progressDetail": {}, "id": layer})
            continue
        for cur in (10, 500, 1000):
            chunks.append({"status": "Pushing", "progressDetail": {"current": cur, "total": 1000},
                           "id": layer})
        chunks.append({"status": "Pushed", "progressDetail": {}, "id": layer})
    chunks.append({"status": "t: digest: sha256:" + "c" * 64 + " size: 528"})
    chunks.append({"aux": {"Tag": "t", "Digest": "sha256:" + "c" * 64, "Size": 528}})
    return chunks


def test_push_stream_counts_layers_and_gives_the_digest() -> None:
    out = io.StringIO()
    digest, up, had = follow_push(_push_stream(False), StreamProgress(out, tty=False), registry="r")
    assert (digest, up, had) == ("sha256:" + "c" * 64, 2, 0)
    lines = out.getvalue().splitlines()
    assert lines == ["l1: Preparing", "l2: Preparing", "l1: Pushing 1.0kB", "l1: Pushed",
                     "l2: Pushing 1.0kB", "l2: Pushed"]
    assert follow_push(_push_stream(True), NullProgress(), registry="r")[1:] == (0, 2)


def test_tty_push_display_has_one_line_per_layer() -> None:
    out = io.StringIO()
    progress = StreamProgress(out, tty=True)
    progress.REDRAW = 0
    follow_push(_push_stream(False), progress, registry="r")
    progress.close()
    last = out.getvalue().rsplit("\r", 1)[-1]
    assert [ln.replace("\x1b[2K", "") for ln in last.strip().split("\n")] == ["l1: Pushed", "l2: Pushed"]


@pytest.mark.parametrize(("text", "cls"), [
    ("unauthorized: authentication required", RegistryAuthError),
    ("denied: requested access to the resource is denied", RegistryAuthError),
    ("Get \"https://r:5000/v2/\": x509: certificate signed by unknown authority", RegistryTLSError),
    ("Get \"https://r:5000/v2/\": dial tcp 127.0.0.1:5000: connect: connection refused",
     RegistryUnreachableError),
    ("received unexpected HTTP status: 503 Service Unavailable", RegistryUnreachableError),
    ("toomanyrequests: slow down", RegistryUnreachableError),
    ("manifest invalid: manifest invalid", RegistryError),
])
def test_engine_messages_map_to_classes(text: str, cls: type[RegistryError]) -> None:
    err = from_registry_message(text, registry="r:5000")
    assert type(err) is cls and err.registry == "r:5000" and text in str(err)


def test_push_error_in_stream_raises_mapped_class_with_hint() -> None:
    chunks = [{"status": "Preparing", "id": "l1"},
              {"errorDetail": {"message": "unauthorized: authentication required"}, "error": "x"}]
    with pytest.raises(RegistryAuthError, match=r"\(set JB_REGISTRY_USERNAME\)$"):
        follow_push(chunks, NullProgress(), registry="r", credentials_hint="set JB_REGISTRY_USERNAME")
