"""The parser's version, recorded on each document so a re-parse after a change can be told apart."""

PARSER_VERSION = "1.0"
