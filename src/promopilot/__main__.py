"""``python -m promopilot``: the same command line as the ``promopilot`` script."""

from promopilot.cli import main

main()
