"""``python -m promopilot``: the same command line as the ``promopilot`` script."""

from promopilot.cli import main

if __name__ == "__main__":  # not when a tool imports every module of the package
    main()
