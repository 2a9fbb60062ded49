"""PolicyBot core: parse policy documents, index their articles, answer questions with the governing clause."""
