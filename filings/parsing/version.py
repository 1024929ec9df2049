"""The parser's version, recorded on each document so a re-parse after a change can be told apart.

2.0: every ruled table is a table (grids with roles), 决算 filings, the department from
labelled lines and covers, coverage of what was not read, the one indicator-value grammar.
2.1: the 说明 kept as paragraphs (the narrative rules read them); 类/款/项 code columns
under one 科目编码 header.
"""

PARSER_VERSION = "2.1"
