"""``python -m hw2check`` is the ``hw2check`` command."""

from hw2check.cli import run

if __name__ == "__main__":
    run()
