"""The `policybot` command line: one module per group of commands.

    main      the parser, `serve`, and how errors end a command
    ask       ask (one question, --json, --jsonl)
    corpus    ingest, docs, remove (maintainers)
    training  quiz, duties, compare, outline
    common    corpus and database paths, loading the engine, error lines
"""
