"""One module per CLI command, each exposing one click command: it parses options, calls one
function, renders the result through a reporter and ends with ``click.exceptions.Exit(code)``
(or returns normally for exit 0). ``runner.cli`` maps errors to exit codes in one place."""
