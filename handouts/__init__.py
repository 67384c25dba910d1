"""handouts: printable patient handouts on eczema and the gut-skin axis.

Python API (the CLI is a thin layer over these):

    from handouts import load_library, build
    library = load_library()
    results = build(library, BuildRequest(topics=("probiotics",)), out_dir="output")
"""

__version__ = "0.1.0"
