"""The smallest Typer app with one command and one option: the yardstick for `handouts --help`.

    python benchmarks/minimal_typer.py --help            # Typer's defaults (rich help)
    python benchmarks/minimal_typer.py --plain --help    # plain help, as handouts sets it
"""

import sys

import typer

PLAIN = "--plain" in sys.argv
if PLAIN:
    sys.argv.remove("--plain")

app = typer.Typer(**({"rich_markup_mode": None} if PLAIN else {}))


@app.command()
def build(out: str = typer.Option("build", "--out", "-o", help="Where to write the files.")) -> None:
    """Build something."""
    typer.echo(out)


if __name__ == "__main__":
    app()
