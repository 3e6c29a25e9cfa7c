"""The command line: parses, calls the library, maps errors to messages and exit codes."""
