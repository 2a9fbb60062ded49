"""PolicyBot's front ends: the command line and the Telegram bot, both thin layers over retrieval/."""
