"""What `policybot ingest` accepts, in one place (README, "Limits"). A file past a limit is refused with a
message saying which; the figures leave real documents far inside them (the largest of STARD's 1,322 laws
is 0.3 MB and 107,000 characters, its longest title 76 characters, a real .docx unpacks to about 1 MB)."""

MB = 1024 * 1024

MAX_BYTES = 50 * MB  # a .docx or a PDF (pictures and fonts make them large)
MAX_TEXT_BYTES = 10 * MB  # a plain text or a saved web page
MAX_CHARS = 2_000_000  # characters of text extracted from any file
MAX_UNZIPPED = 50 * MB  # a .docx's members unpacked, as its zip directory says, checked before any is read
MAX_RATIO = 100  # a member unpacking to more than RATIO_FROM may be at most this many times its packed size
RATIO_FROM = 1 * MB  # (real Word XML packs about 30:1; a zip bomb thousands to one)
MAX_PAGES = 2_000  # pages of a PDF
MAX_ARTICLES = 5_000  # articles of one document (民法典 has 1,260)
MAX_TITLE = 200  # characters of a title: anything longer is a paragraph taken for one
MAX_YAML_BYTES = 1 * MB  # a YAML file of the corpus (a document's metadata is about 1 KB, the synonyms 26 KB)

# every file is read and parsed in a child process (retrieval/workers.py) with these bounds: a file that
# slips past the limits above only costs that process, and the file is refused
WORKER_MEMORY = 1024 * MB  # address space a reading process may take beyond what it starts with
FILE_SECONDS = 120  # wall-clock time to read and parse one file (real PDFs read at about 10 ms a page)
