// Built from chapters/00-reading-this-book.md: the Tangle plugin generates this target's main.swift.
