"""The interactive loop: prompt_toolkit on a terminal (highlighting, completion, signature help, multi-line
input, persistent history), plain line reading when stdin is piped.

Example:
    >>> import io
    >>> from alphalang.repl.session import Session
    >>> out = io.StringIO()
    >>> run_piped(Session(demo_days=30, demo_assets=4), io.StringIO("x = rank(close)\\n:quit\\n"), out)
    0
    >>> out.getvalue()
    'x: lookback 0\\n'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from alphalang.errors import AlphaError
from alphalang.repl.commands import QuitRepl, execute
from alphalang.repl.session import Session, is_complete

__all__ = ["DEFAULT_HISTORY", "history_path", "run_piped", "run_prompt", "run_repl", "BANNER"]

DEFAULT_HISTORY = "~/.alphalang_history"
BANNER = ("alphalang REPL - {data}\n"
          "Type a formula (e.g. rank(delta(close, 5))) to see it, then :plot, :ic or :describe it;\n"
          "keep it with a name (mom = ...) and :save FILE.alpha. :help lists everything; rank? explains an "
          "operator;\nTab completes; quit or Ctrl-D leaves. Backend: {backend}.")


def history_path(path: str | os.PathLike | None = None) -> Path:
    """``path``, else ``$ALPHALANG_HISTORY``, else ``~/.alphalang_history``."""
    return Path(path or os.environ.get("ALPHALANG_HISTORY") or DEFAULT_HISTORY).expanduser()


def _run_one(session: Session, text: str, write: Callable[[str], None], error: Callable[[str], None]) -> bool:
    """Execute one input; False when the session should end."""
    try:
        out = execute(session, text)
    except QuitRepl:
        return False
    except AlphaError as err:
        error(err.render())
        return True
    except KeyboardInterrupt:
        error("interrupted")
        return True
    except Exception as exc:  # noqa: BLE001 - a bug must not end the researcher's session
        error(f"internal error: {type(exc).__name__}: {exc}\n  this is a bug in alphalang; please report it "
              "with what you typed.")
        return True
    if out:
        write(out)
    return True


def run_piped(session: Session, stdin: TextIO, stdout: TextIO, stderr: TextIO | None = None) -> int:
    """Read inputs line by line (an input continues while a '(' is open); no prompts, no colours.

    Errors go to ``stderr`` (default: ``stdout``) and do not stop the script; the exit code is 1 if any
    input failed, else 0.
    """
    failed = False
    err_stream = stderr or stdout

    def write(text: str) -> None:
        print(text, file=stdout, flush=True)

    def error(text: str) -> None:
        nonlocal failed
        failed = True
        print(text, file=err_stream, flush=True)

    buffer = ""
    for line in stdin:
        buffer += line
        if not is_complete(buffer) and line.strip():
            continue
        text, buffer = buffer, ""
        if not _run_one(session, text, write, error):
            return int(failed)
    if buffer.strip():
        _run_one(session, buffer, write, error)
    return int(failed)


def _key_bindings(session: Session):
    from prompt_toolkit.filters import has_completions
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter", filter=~has_completions)
    def _enter(event) -> None:
        buffer = event.current_buffer
        text = buffer.document.text
        at_end = buffer.document.is_cursor_at_the_end
        # run when the input is complete, or on an empty last line (to see what is wrong with it)
        if at_end and (is_complete(text) or text.endswith("\n")):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("enter", filter=has_completions)
    def _pick(event) -> None:
        buffer = event.current_buffer
        if buffer.complete_state and buffer.complete_state.current_completion is None:
            buffer.cancel_completion()
            _enter(event)
            return
        buffer.complete_state = None

    @bindings.add("escape", "enter")
    def _newline(event) -> None:
        event.current_buffer.insert_text("\n")

    return bindings


def run_prompt(session: Session, *, history: str | os.PathLike | None = None, use_history: bool = True,
               input=None, output=None, banner: bool = True) -> int:
    """The prompt_toolkit loop (``input``/``output`` let tests drive it with a pipe input)."""
    try:
        import prompt_toolkit  # noqa: F401
        import pygments  # noqa: F401
    except ImportError:
        raise AlphaError("the interactive REPL needs prompt_toolkit and pygments",
                         hint="pip install prompt_toolkit pygments (piped input works without them)") from None
    from prompt_toolkit import PromptSession, print_formatted_text
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.lexers import PygmentsLexer
    from prompt_toolkit.styles import Style

    from alphalang.repl.completion import AlphaCompleter, signature_at
    from alphalang.repl.lexer import AlphaLexer

    if use_history:
        path = history_path(history)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            store = FileHistory(str(path))
        except OSError:
            store = InMemoryHistory()
    else:
        store = InMemoryHistory()

    def toolbar():
        from prompt_toolkit.application.current import get_app

        doc = get_app().current_buffer.document
        sig = signature_at(doc.text, doc.cursor_position, session.functions())
        return sig or f" {session.data_label}   :help  Tab complete  Esc-Enter newline  Ctrl-D quit"

    style = Style.from_dict({"bottom-toolbar": "noreverse bg:#303446 #c6d0f5", "error": "#e06c75",
                             "prompt": "#61afef bold", "continuation": "#5c6370"})
    prompt = PromptSession(
        lexer=PygmentsLexer(AlphaLexer), completer=AlphaCompleter(session), history=store,
        auto_suggest=AutoSuggestFromHistory(), multiline=True, key_bindings=_key_bindings(session),
        prompt_continuation=lambda width, line, wrap: FormattedText([("class:continuation", "...".rjust(width - 1)
                                                                     + " ")]),
        bottom_toolbar=toolbar, style=style, complete_while_typing=True, input=input, output=output,
        enable_history_search=False, include_default_pygments_style=True)

    def write(text: str) -> None:
        print_formatted_text(FormattedText([("", text)]), output=prompt.output)

    def error(text: str) -> None:
        print_formatted_text(FormattedText([("class:error", text)]), style=style, output=prompt.output)

    if banner:
        name, why = session.backend_now()
        write(BANNER.format(data=session.data_label, backend=f"{name} ({why}; :backend to change)"))
    while True:
        try:
            text = prompt.prompt(FormattedText([("class:prompt", "alpha> ")]))
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        if not _run_one(session, text, write, error):
            return 0


def run_repl(session: Session, *, history: str | os.PathLike | None = None, use_history: bool = True,
             stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Interactive on a terminal, line-by-line when stdin or stdout is not one."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if not (stdin.isatty() and stdout.isatty()):
        return run_piped(session, stdin, stdout, sys.stderr)
    return run_prompt(session, history=history, use_history=use_history)
