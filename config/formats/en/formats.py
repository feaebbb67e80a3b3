# Every date field reads dd/mm/yyyy (and ISO) in both languages: an English screen must
# not read 01/02/2026 as January 2 (core.dates; docs/decisions.md).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
