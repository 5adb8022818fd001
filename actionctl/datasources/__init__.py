"""The app's data sources on the service, brought into the project as fixtures (`actionctl fixtures pull|list`).

    pull.py        resolve names and ids, query the entries, refuse edited fixtures, write the files
    redaction.py   stable stand-ins for the values of `--redact` columns
"""
